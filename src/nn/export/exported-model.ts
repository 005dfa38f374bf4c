// What both code exporters read: the model's layers with their shapes, weights and optimizer state (from the
// model file, so an export and a saved file agree), the compile config, and the checked export options.
import type { LossKind, OptimizerConfig } from '../../engine/backend/backend';
import { toHostArray, type ArrayInput, type HostArray } from '../host-array';
import type { Layer } from '../layers/layer';
import { checkPreprocessing, type Preprocessing } from '../lesson-file';
import { checkLoss, prepareTargets } from '../losses';
import { checkMetric, type MetricName } from '../metrics';
import { checkOptimizer } from '../optimizers';
import { decodeArray, type WeightValue } from '../serialization';
import type { Sequential } from '../sequential';

/** The lesson's data in the script itself: raw inputs (before preprocessing) and targets as fit takes them. */
export interface EmbeddedData {
  x: ArrayInput;
  y: ArrayInput;
  xTest?: ArrayInput;
  yTest?: ArrayInput;
}

/**
 * Data the script reads from a file next to it. `table`: the playground's CSV (header
 * "count,nFeatures,className0,...", then the features and the class index per row), split by `testFraction`;
 * `npz`: NumPy arrays x_train, y_train, x_test, y_test (targets as fit takes them); `images`: a shipped image
 * set (data/images.ts's gzip binary: its training and test images, pixels scaled to [0, 1], NHWC).
 */
export interface DataFileReference {
  file: string;
  format: 'table' | 'npz' | 'images';
  /** For `table`: the share of rows held out for the test accuracy (default 0.2). */
  testFraction?: number;
}

export interface ExportOptions {
  /** Standardization the model's inputs went through; the script applies it inside the model. */
  preprocessing?: Preprocessing;
  /** Small data is embedded; larger data is referred to by file. Without it the script only rebuilds the model. */
  data?: EmbeddedData | DataFileReference;
  /** Epochs of further training when the script runs as a program (default 10). */
  epochs?: number;
  /** Batch size of that training (default 32). */
  batchSize?: number;
}

/** More values than this are not embedded (the script would pass tens of megabytes): refer to a file instead. */
export const MAX_EMBEDDED_VALUES = 2_000_000;

export interface ExportedLayer {
  type: string;
  /** A Python identifier made from the layer's name. */
  id: string;
  name: string;
  config: Record<string, unknown>;
  inputShape: number[];
  outputShape: number[];
  trainable: boolean;
}

export interface ExportedModel {
  name: string;
  seed: number;
  inputShape: number[];
  outputShape: number[];
  layers: ExportedLayer[];
  /** getWeights order and Keras layout. */
  weights: WeightValue[];
  compile: { optimizer: OptimizerConfig; loss: LossKind; metrics: MetricName[] } | null;
  optimizerState: { step: number; slots: WeightValue[] } | null;
  preprocessing: Preprocessing | null;
  data: { train: [HostArray, HostArray]; test: [HostArray, HostArray] | null } | DataFileReference | null;
  epochs: number;
  batchSize: number;
}

/** The model and options in the exporters' terms; bad options throw naming the option (prefixed `where`). */
export async function describeForExport(model: Sequential, options: ExportOptions, where: string): Promise<ExportedModel> {
  if (typeof options !== 'object' || options === null) throw new Error(`${where}: options must be an object { preprocessing?, data?, epochs?, batchSize? }`);
  const json = await model.toJSON();
  const compile = json.compile && {
    optimizer: checkOptimizer(json.compile.optimizer),
    loss: checkLoss(json.compile.loss),
    metrics: json.compile.metrics.map(checkMetric),
  };
  const layers = (model.layers as Layer[]).map((l) => ({
    type: l.type,
    id: pythonId(l.name),
    name: l.name,
    config: l.getConfig(),
    inputShape: (l.inputShape ?? []).slice(),
    outputShape: (l.outputShape ?? []).slice(),
    trainable: l.trainable,
  }));
  const ids = new Set<string>();
  for (const l of layers) {
    while (ids.has(l.id)) l.id += '_';
    ids.add(l.id);
  }
  const inputShape = model.inputShape;
  const outputShape = model.outputShape;
  const preprocessing = options.preprocessing ? checkPreprocessing(options.preprocessing, inputShape[inputShape.length - 1], `${where}: options.preprocessing`) : null;
  return {
    name: model.name,
    seed: model.seed,
    inputShape,
    outputShape,
    layers,
    weights: json.weights.map((w) => decodeArray(w, `${where}: weights`)),
    compile,
    optimizerState: json.optimizerState ? { step: json.optimizerState.step, slots: json.optimizerState.slots.map((s) => decodeArray(s, `${where}: optimizer state`)) } : null,
    preprocessing,
    data: options.data === undefined ? null : checkData(options.data, compile?.loss ?? null, inputShape, outputShape, where),
    epochs: positiveInt(options.epochs ?? 10, `${where}: options.epochs`),
    batchSize: positiveInt(options.batchSize ?? 32, `${where}: options.batchSize`),
  };
}

function checkData(data: unknown, loss: LossKind | null, inputShape: number[], outputShape: number[], where: string): ExportedModel['data'] {
  if (typeof data !== 'object' || data === null) throw new Error(`${where}: options.data must be { x, y, xTest?, yTest? } or { file, format }`);
  if ('file' in data) {
    const ref = data as DataFileReference;
    if (typeof ref.file !== 'string' || ref.file === '') throw new Error(`${where}: options.data.file must be a non-empty file name`);
    if (ref.format !== 'table' && ref.format !== 'npz' && ref.format !== 'images') throw new Error(`${where}: options.data.format is ${JSON.stringify(ref.format)}; expected "table", "npz" or "images"`);
    if (ref.format === 'images' && inputShape.length !== 3) throw new Error(`${where}: options.data.format "images" needs a model taking images [height, width, channels]; its input is [${inputShape.join(', ')}]`);
    const fraction = ref.testFraction ?? 0.2;
    if (!(typeof fraction === 'number' && fraction > 0 && fraction < 1)) throw new Error(`${where}: options.data.testFraction must be a number in (0, 1), got ${JSON.stringify(ref.testFraction)}`);
    return { file: ref.file, format: ref.format, testFraction: fraction };
  }
  if (!loss) throw new Error(`${where}: options.data needs a compiled model (the loss decides the targets' form); call model.compile first`);
  const d = data as EmbeddedData;
  const pair = (x: unknown, y: unknown, xArg: string, yArg: string): [HostArray, HostArray] => {
    const xs = toHostArray(x, `${where}: options.data.${xArg}`);
    const expected = [xs.shape[0], ...inputShape];
    if (xs.shape.join() !== expected.join()) throw new Error(`${where}: options.data.${xArg} has shape [${xs.shape.join(', ')}]; expected [N, ${inputShape.join(', ')}]`);
    return [xs, prepareTargets(toHostArray(y, `${where}: options.data.${yArg}`), loss, outputShape, xs.shape[0], `${where}: options.data.${yArg}`)];
  };
  const train = pair(d.x, d.y, 'x', 'y');
  if ((d.xTest === undefined) !== (d.yTest === undefined)) throw new Error(`${where}: options.data needs both xTest and yTest, or neither`);
  const test = d.xTest === undefined ? null : pair(d.xTest, d.yTest, 'xTest', 'yTest');
  const values = [...train, ...(test ?? [])].reduce((n, a) => n + a.values.length, 0);
  if (values > MAX_EMBEDDED_VALUES) {
    throw new Error(`${where}: options.data holds ${values} values; at most ${MAX_EMBEDDED_VALUES} are embedded, refer to a file instead ({ file, format })`);
  }
  return { train, test };
}

function positiveInt(value: unknown, where: string): number {
  if (!Number.isInteger(value) || (value as number) < 1) throw new Error(`${where} must be a positive integer, got ${JSON.stringify(value)}`);
  return value as number;
}

/** A name usable as a Python identifier and a PyTorch module name. */
function pythonId(name: string): string {
  const id = name.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[A-Za-z_]/.test(id) ? id : `layer_${id}`;
}
