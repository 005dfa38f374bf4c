// An image lesson's layers (before its fixed softmax output) ⇄ the `imageModel` URL value: a preset's name
// while its layers are unchanged, else one compact token per layer, comma-separated, fields by "_", trailing
// defaults left out:
//   conv_FILTERS_KERNEL[_STRIDE[_PADDING[_ACTIVATION]]]   (stride 1, padding valid, activation relu)
//   max_POOL[_STRIDE], avg_POOL[_STRIDE]                   (stride = pool size, as Keras)
//   flat · drop_RATE · dense_UNITS[_ACTIVATION]            (activation relu)
// An activation's own "_" is written "-" (leaky-relu).
// e.g. conv_16_3,max_2,conv_32_3,max_2,flat,dense_64. Every field is checked against its range; a bad value
// names the layer, the field and what was expected.
import { IMAGE_PRESETS, IMAGE_PRESET_IDS, type ImagePresetId, type LayerConfig } from '../data/image-presets';
import { ACTIVATIONS as ENGINE_ACTIVATIONS } from '../nn/activations';

export type StackLayerType = LayerConfig['type'];

/** Activations a hidden layer may take (the output's softmax is the lesson's; `step` has no gradient). */
export const STACK_ACTIVATIONS = ENGINE_ACTIVATIONS.filter((a) => a !== 'softmax' && a !== 'step');
export const PADDINGS = ['valid', 'same'] as const;
export const MAX_STACK_LAYERS = 16;

/** Each field's range, as the editor's controls offer it and the link accepts it. */
export const STACK_LIMITS = {
  filters: { min: 1, max: 256 },
  kernelSize: { min: 1, max: 11 },
  strides: { min: 1, max: 8 },
  poolSize: { min: 1, max: 8 },
  units: { min: 1, max: 1024 },
  rate: { min: 0, max: 0.9 },
} as const;

/** The layer types in the editor's order, with the layer a new one starts as. */
export const NEW_LAYERS: Readonly<Record<StackLayerType, LayerConfig>> = {
  Conv2D: { type: 'Conv2D', config: { filters: 16, kernelSize: 3, strides: 1, padding: 'valid', activation: 'relu' } },
  MaxPooling2D: { type: 'MaxPooling2D', config: { poolSize: 2, strides: 2 } },
  AveragePooling2D: { type: 'AveragePooling2D', config: { poolSize: 2, strides: 2 } },
  Flatten: { type: 'Flatten', config: {} },
  Dropout: { type: 'Dropout', config: { rate: 0.25 } },
  Dense: { type: 'Dense', config: { units: 64, activation: 'relu' } },
};
export const STACK_LAYER_TYPES = Object.keys(NEW_LAYERS) as StackLayerType[];

const TOKENS: Readonly<Record<StackLayerType, string>> = { Conv2D: 'conv', MaxPooling2D: 'max', AveragePooling2D: 'avg', Flatten: 'flat', Dropout: 'drop', Dense: 'dense' };
const BY_TOKEN: ReadonlyMap<string, StackLayerType> = new Map(STACK_LAYER_TYPES.map((t) => [TOKENS[t], t]));

/** A square size from a number or a [h, w] pair (the model file writes pairs). */
function side(value: unknown, fallback: number): number {
  const v = Array.isArray(value) ? value[0] : value;
  return typeof v === 'number' ? v : fallback;
}

/** The layer with every editable field present (defaults filled as Keras fills them), square sizes as numbers. */
export function normalizeLayer(layer: LayerConfig): LayerConfig {
  const c = layer.config;
  const activation = (c.activation as string | undefined) ?? (layer.type === 'Conv2D' || layer.type === 'Dense' ? 'linear' : undefined);
  switch (layer.type) {
    case 'Conv2D':
      return { type: 'Conv2D', config: { filters: c.filters, kernelSize: side(c.kernelSize, 3), strides: side(c.strides, 1), padding: c.padding ?? 'valid', activation } };
    case 'MaxPooling2D':
    case 'AveragePooling2D': {
      const pool = side(c.poolSize, 2);
      return { type: layer.type, config: { poolSize: pool, strides: side(c.strides, pool) } };
    }
    case 'Flatten':
      return { type: 'Flatten', config: {} };
    case 'Dropout':
      return { type: 'Dropout', config: { rate: c.rate } };
    case 'Dense':
      return { type: 'Dense', config: { units: c.units, activation } };
  }
}

const activationField = (activation: unknown) => String(activation).replace(/_/g, '-');

/** One layer's token (see the header). */
export function layerToken(layer: LayerConfig): string {
  const { type, config: c } = normalizeLayer(layer);
  const trim = (fields: unknown[], defaults: unknown[]): string => {
    let n = fields.length;
    while (n > 0 && defaults[n - 1] !== undefined && fields[n - 1] === defaults[n - 1]) n--;
    return [TOKENS[type], ...fields.slice(0, n)].join('_');
  };
  switch (type) {
    case 'Conv2D':
      return trim([c.filters, c.kernelSize, c.strides, c.padding, activationField(c.activation)], [undefined, undefined, 1, 'valid', 'relu']);
    case 'MaxPooling2D':
    case 'AveragePooling2D':
      return trim([c.poolSize, c.strides], [undefined, c.poolSize]);
    case 'Flatten':
      return TOKENS.Flatten;
    case 'Dropout':
      return trim([c.rate], [undefined]);
    case 'Dense':
      return trim([c.units, activationField(c.activation)], [undefined, 'relu']);
  }
}

export function formatStack(layers: readonly LayerConfig[]): string {
  return layers.map(layerToken).join(',');
}

/** The layers a link's list of tokens describes; throws naming the layer, the field and what was expected. */
export function parseStack(text: string): LayerConfig[] {
  if (text === '') return [];
  const tokens = text.split(',');
  if (tokens.length > MAX_STACK_LAYERS) throw new Error(`${tokens.length} layers; at most ${MAX_STACK_LAYERS}`);
  return tokens.map((token, i) => parseLayer(token, `layer ${i + 1} ("${token.slice(0, 24)}")`));
}

function parseLayer(token: string, where: string): LayerConfig {
  const [name, ...fields] = token.split('_');
  const type = BY_TOKEN.get(name);
  if (!type) throw new Error(`${where}: expected a layer starting with ${[...BY_TOKEN.keys()].join(', ')}`);
  const arity = { Conv2D: [2, 5], MaxPooling2D: [1, 2], AveragePooling2D: [1, 2], Flatten: [0, 0], Dropout: [1, 1], Dense: [1, 2] }[type];
  if (fields.length < arity[0] || fields.length > arity[1]) throw new Error(`${where}: expected ${arity[0] === arity[1] ? arity[0] : `${arity[0]} to ${arity[1]}`} fields after "${name}"`);
  const int = (k: number, field: keyof typeof STACK_LIMITS): number => {
    const { min, max } = STACK_LIMITS[field];
    const raw = fields[k];
    const n = /^\d{1,4}$/.test(raw) ? Number(raw) : Number.NaN;
    if (!(n >= min && n <= max)) throw new Error(`${where}: ${field} is "${raw}"; expected a whole number from ${min} to ${max}`);
    return n;
  };
  const oneOf = <T extends string>(k: number, field: string, values: readonly T[], fallback: T): T => {
    if (k >= fields.length) return fallback;
    const value = field === 'activation' ? fields[k].replace(/-/g, '_') : fields[k];
    if (!(values as readonly string[]).includes(value)) throw new Error(`${where}: ${field} is "${fields[k]}"; expected one of ${values.map(field === 'activation' ? activationField : String).join(', ')}`);
    return value as T;
  };
  switch (type) {
    case 'Conv2D':
      return {
        type,
        config: {
          filters: int(0, 'filters'),
          kernelSize: int(1, 'kernelSize'),
          strides: fields.length > 2 ? int(2, 'strides') : 1,
          padding: oneOf(3, 'padding', PADDINGS, 'valid'),
          activation: oneOf(4, 'activation', STACK_ACTIVATIONS, 'relu'),
        },
      };
    case 'MaxPooling2D':
    case 'AveragePooling2D': {
      const pool = int(0, 'poolSize');
      return { type, config: { poolSize: pool, strides: fields.length > 1 ? int(1, 'strides') : pool } };
    }
    case 'Flatten':
      return { type, config: {} };
    case 'Dropout': {
      const { min, max } = STACK_LIMITS.rate;
      const rate = /^(0|0?\.\d{1,4})$/.test(fields[0]) ? Number(fields[0]) : Number.NaN;
      if (!(rate >= min && rate <= max)) throw new Error(`${where}: rate is "${fields[0]}"; expected a decimal from ${min} to ${max}, e.g. 0.25`);
      return { type, config: { rate } };
    }
    case 'Dense':
      return { type, config: { units: int(0, 'units'), activation: oneOf(1, 'activation', STACK_ACTIVATIONS, 'relu') } };
  }
}

/** The URL row's check: null when the value is a preset or a well-formed stack, else what is wrong. */
export function stackValueProblem(value: string): string | null {
  if ((IMAGE_PRESET_IDS as readonly string[]).includes(value)) return null;
  try {
    parseStack(value);
    return null;
  } catch (error) {
    return `not a preset (${IMAGE_PRESET_IDS.join(', ')}) nor a layer list: ${(error as Error).message}`;
  }
}

/** Below this side, an image is too small for the presets' unpadded 3×3 convolutions and 2×2 poolings. */
const PAD_BELOW = 16;

/**
 * A preset's layers before its softmax output (the lesson's output layer takes that place), normalized. On
 * the 8×8 digits the convolutions pad ('same'): unpadded, two conv + pool rounds leave less than one pixel.
 */
export function presetStack(preset: ImagePresetId, imageSide: number): LayerConfig[] {
  const layers = IMAGE_PRESETS[preset].layers;
  const last = layers[layers.length - 1];
  const hidden = last.type === 'Dense' && last.config.activation === 'softmax' ? layers.slice(0, -1) : [...layers];
  const fitted = imageSide >= PAD_BELOW ? hidden : hidden.map((l) => (l.type === 'Conv2D' ? { ...l, config: { ...l.config, padding: 'same' } } : l));
  return fitted.map(normalizeLayer);
}

/** The layers an `imageModel` value gives on images of this side (the value must pass stackValueProblem). */
export function resolveStack(value: string, imageSide: number): LayerConfig[] {
  return (IMAGE_PRESET_IDS as readonly string[]).includes(value) ? presetStack(value as ImagePresetId, imageSide) : parseStack(value);
}

/** The preset whose layers these are on images of this side, or null (an edited stack). */
export function matchingPreset(layers: readonly LayerConfig[], imageSide: number): ImagePresetId | null {
  const text = formatStack(layers);
  return IMAGE_PRESET_IDS.find((id) => formatStack(presetStack(id, imageSide)) === text) ?? null;
}

/** The `imageModel` value for edited layers: the preset's name while they are a preset's, else the layer list. */
export function stackValue(layers: readonly LayerConfig[], imageSide: number): string {
  return matchingPreset(layers, imageSide) ?? formatStack(layers);
}
