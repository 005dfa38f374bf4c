import { describe, expect, it } from 'vitest';
import {
  MAX_STACK_LAYERS, NEW_LAYERS, PADDINGS, STACK_ACTIVATIONS, STACK_LAYER_TYPES, STACK_LIMITS, formatStack, matchingPreset, normalizeLayer, parseStack, presetStack,
  resolveStack, stackValue,
} from '../../../src/app/image-stack-codec';
import { parseHash, serializeHash } from '../../../src/app/url-codec';
import { defaultSettings } from '../../../src/app/url-table';
import { IMAGE_PRESET_IDS, type LayerConfig } from '../../../src/data/image-presets';
import { createRng, type Rng } from '../../../src/engine/random';

const pick = <T>(rng: Rng, values: readonly T[]): T => values[rng.int(values.length)];
const between = (rng: Rng, { min, max }: { min: number; max: number }) => min + rng.int(max - min + 1);

function randomLayer(rng: Rng): LayerConfig {
  const type = pick(rng, STACK_LAYER_TYPES);
  switch (type) {
    case 'Conv2D':
      return { type, config: { filters: between(rng, STACK_LIMITS.filters), kernelSize: between(rng, STACK_LIMITS.kernelSize), strides: between(rng, STACK_LIMITS.strides), padding: pick(rng, PADDINGS), activation: pick(rng, STACK_ACTIVATIONS) } };
    case 'MaxPooling2D':
    case 'AveragePooling2D':
      return { type, config: { poolSize: between(rng, STACK_LIMITS.poolSize), strides: between(rng, STACK_LIMITS.strides) } };
    case 'Flatten':
      return NEW_LAYERS.Flatten;
    case 'Dropout':
      return { type, config: { rate: Math.round(rng.next() * 90) / 100 } };
    case 'Dense':
      return { type, config: { units: between(rng, STACK_LIMITS.units), activation: pick(rng, STACK_ACTIVATIONS) } };
  }
}

describe('image stack codec', () => {
  it('round trip: parse ∘ format is the identity on random stacks, format ∘ parse on their text', () => {
    const rng = createRng(11);
    for (let i = 0; i < 300; i++) {
      const stack = Array.from({ length: rng.int(MAX_STACK_LAYERS + 1) }, () => randomLayer(rng));
      const text = formatStack(stack);
      expect(text).toMatch(/^[a-z0-9_.,-]*$/);
      expect(parseStack(text)).toEqual(stack);
      expect(formatStack(parseStack(text))).toBe(text);
    }
  });

  it('the longest stack fits its link row', () => {
    const longest = Array.from({ length: MAX_STACK_LAYERS }, (): LayerConfig => ({ type: 'Conv2D', config: { filters: 256, kernelSize: 11, strides: 8, padding: 'valid', activation: 'leaky_relu' } }));
    const text = formatStack(longest);
    expect(parseHash(`#dataset=mnist&imageModel=${text}`)).toMatchObject({ settings: { imageModel: text }, ignored: [] });
  });

  it('trailing defaults are left out; the model file\'s [h, w] pairs and missing fields read as Keras fills them', () => {
    expect(formatStack([NEW_LAYERS.Conv2D, NEW_LAYERS.MaxPooling2D, NEW_LAYERS.Flatten, NEW_LAYERS.Dropout, NEW_LAYERS.Dense])).toBe('conv_16_3,max_2,flat,drop_0.25,dense_64');
    expect(formatStack(parseStack('conv_8_5_1_same,avg_3_1,dense_10_tanh'))).toBe('conv_8_5_1_same,avg_3_1,dense_10_tanh');
    expect(parseStack('dense_10_leaky-relu')[0].config.activation).toBe('leaky_relu');
    expect(() => parseStack('dense_10_leaky_relu')).toThrow(/expected 1 to 2 fields after "dense"/);
    const fromFile = normalizeLayer({ type: 'Conv2D', config: { name: 'conv2d', filters: 4, kernelSize: [3, 3], strides: [2, 2], padding: 'same', activation: 'relu', useBias: true } });
    expect(fromFile).toEqual({ type: 'Conv2D', config: { filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' } });
    expect(normalizeLayer({ type: 'MaxPooling2D', config: { poolSize: 3 } }).config).toEqual({ poolSize: 3, strides: 3 });
  });

  it('hostile or malformed stacks are refused naming the layer, the field and what was expected', () => {
    const cases: [string, RegExp][] = [
      ['resnet', /layer 1 \("resnet"\): expected a layer starting with conv, max, avg, flat, drop, dense/],
      ['conv_16', /layer 1 \("conv_16"\): expected 2 to 5 fields after "conv"/],
      ['conv_0_3', /filters is "0"; expected a whole number from 1 to 256/],
      ['conv_16_3,dense_99999', /layer 2 \("dense_99999"\): units is "99999"; expected a whole number from 1 to 1024/],
      ['conv_16_3_1_full', /padding is "full"; expected one of valid, same/],
      ['dense_10_softmax', /activation is "softmax"; expected one of/],
      ['dense_10_step', /activation is "step"/],
      ['conv_1e3_3', /filters is "1e3"/],
      ['conv_-1_3', /filters is "-1"/],
      ['drop_1', /rate is "1"; expected a decimal from 0 to 0.9/],
      ['drop_0.95', /rate is "0.95"/],
      ['drop_NaN', /rate is "NaN"/],
      ['flat_2', /expected 0 fields after "flat"/],
      ['max_2_2_2', /expected 1 to 2 fields after "max"/],
      ['flat,,flat', /layer 2 \(""\)/],
      [Array(MAX_STACK_LAYERS + 1).fill('flat').join(','), /17 layers; at most 16/],
      ['__proto__', /layer 1 \("__proto__"\): expected a layer starting with/],
      ['constructor_1', /expected a layer starting with/],
    ];
    for (const [text, message] of cases) expect(() => parseStack(text), text).toThrow(message);
  });

  it('in the link: one row, a preset by name, an edited stack as its layers; a bad value falls back with a notice naming what was wrong', () => {
    const edited = 'conv_8_3,max_2,flat,dense_32';
    const hash = serializeHash({ ...defaultSettings(), dataset: 'mnist', imageModel: edited });
    expect(hash).toContain(`imageModel=${edited}`);
    expect(parseHash(hash)).toMatchObject({ settings: { imageModel: edited }, ignored: [] });
    expect(serializeHash({ ...defaultSettings(), dataset: 'mnist' })).not.toContain('imageModel');
    for (const bad of ['conv_16_3,dense_99999', 'conv_16_3;alert(1)', '%3Cscript%3E', 'a'.repeat(600)]) {
      const parsed = parseHash(`#dataset=mnist&imageModel=${bad}`);
      expect(parsed.settings.imageModel, bad).toBe('cnn');
      const notice = parsed.ignored.find((e) => e.key === 'imageModel');
      expect(notice?.reason, bad).toMatch(/units is "99999"|expected a preset|longer than 512/);
    }
  });

  it("a preset's stack is written as the preset's name while unchanged, on every image size", () => {
    for (const side of [8, 28]) {
      for (const id of IMAGE_PRESET_IDS) {
        const stack = presetStack(id, side);
        expect(resolveStack(id, side)).toEqual(stack);
        expect(stackValue(stack, side)).toBe(id);
        expect(matchingPreset(parseStack(formatStack(stack)), side)).toBe(id);
        // One filter more and it is an edited stack.
        const changed = stack.map((l, i) => (i === 0 && l.type === 'Conv2D' ? { ...l, config: { ...l.config, filters: 17 } } : l));
        if (changed.some((l, i) => l !== stack[i])) expect(stackValue(changed, side)).toBe(formatStack(changed));
      }
    }
    // The 8×8 digits pad the presets' convolutions; the padded stack is the preset there, not on 28×28.
    expect(stackValue(presetStack('cnn', 8), 28)).toBe('conv_16_3_1_same,max_2,conv_32_3_1_same,max_2,flat,dense_64');
    expect(stackValue(presetStack('mlp', 28), 28)).toBe('mlp');
    expect(formatStack(presetStack('mlp', 28))).toBe('flat,dense_256,drop_0.45,dense_256,drop_0.45');
  });
});
