// The trainer's engine adapter on the public model API: a seeded Sequential built from the lesson's layers,
// trained through the engine's compiled trainer (many steps per submit on WebGPU, eager on the CPU) and
// drawn with the engine's grid kernel (every neuron over the plane in one dispatch on WebGPU, the CPU
// reference otherwise).
import {
  Sequential, activeBackend, createRng, engineStats, evaluateGrid, exportKeras, exportPyTorch, layerFromConfig, layers, ops, compileTrainer, tidy,
  type BackendName, type CallbackModel, type ExportOptions, type GridActivation, type GridLayer, type Layer, type ModelJSON, type Summary, type Tensor,
  type Trainer as CompiledTrainer,
} from '../index';
import type { GridPlane } from './grid';
import { kerasTraining, type KerasTraining } from './keras-training';
import type { TrainingSpec } from './lesson';
import type { BackendInfo, FeatureMaps, NetworkParams } from './store';
import { EMPTY_DATA_SET, type CodeLanguage, type DataSet, type EngineAdapter, type EngineInfo, type EngineNetwork, type NetworkSpec, type SetEvaluation } from './trainer';
import { startBackends, type BackendStartup } from './engine-startup';
import { METRIC_THRESHOLDS, metricCountsInfo, type DataPart } from './lesson-metrics';
import { networkParamArrays } from './saved-progress';

function buildModel(spec: NetworkSpec, keras: KerasTraining): Sequential {
  const model = new Sequential(
    [
      layers.input({ shape: spec.inputShape }),
      ...(spec.stack ?? []).map((layer) => layerFromConfig(layer.type, layer.config)),
      ...spec.layers.flatMap((layer, i) => [
        layers.dense({ units: layer.units, activation: layer.activation, kernelRegularizer: keras.kernelRegularizers[i] }),
        ...(layer.dropout > 0 ? [layers.dropout({ rate: layer.dropout })] : []),
      ]),
    ],
    { seed: spec.training.seed },
  );
  model.compile({ optimizer: keras.optimizer, loss: keras.loss });
  return model;
}

/** TensorFlow Playground's initialization (uniform kernels, constant biases), or zero kernels; seeded. */
async function initialize(model: Sequential, keras: KerasTraining, spec: NetworkSpec): Promise<void> {
  const init = keras.initialization;
  if (init === 'keras' && !spec.training.initZero) return;
  const rng = createRng(spec.training.seed);
  const weights = await model.getWeights();
  model.setWeights(
    weights.map((w) => {
      const kernel = w.shape.length === 2;
      const values = new Float32Array(w.values.length);
      if (init === 'keras') values.set(kernel ? values : w.values);
      else if (kernel && !spec.training.initZero) for (let i = 0; i < values.length; i++) values[i] = rng.uniform(-init.kernelLimit, init.kernelLimit);
      else if (!kernel) values.fill(init.bias);
      return { shape: w.shape, values };
    }),
  );
}

/** The lesson's network as the page trains it: built, compiled and initialized from its spec (scripts/accuracy.ts trains the same model through fit). */
export async function lessonModel(spec: NetworkSpec): Promise<Sequential> {
  const keras = kerasTraining(spec.training, spec.layers);
  const model = buildModel(spec, keras);
  await initialize(model, keras, spec);
  return model;
}

/** Images scored per readback (see predictInChunks). */
const IMAGE_SCORE_ROWS = 128;

/**
 * Two arrays of one size, taken in turn: each frame's grid is read into the one the views are not showing,
 * so they get a new array to redraw from (they compare by reference) and no frame allocates (a fresh array
 * costs page faults: about 3 ms for 4 MB in Chromium here). The trainer publishes one frame at a time.
 */
class AlternatingArrays {
  private arrays: Float32Array[] = [];
  private next = 0;

  take(size: number): Float32Array {
    if (this.arrays[0]?.length !== size) this.arrays = [new Float32Array(size), new Float32Array(size)];
    const array = this.arrays[this.next];
    this.next = 1 - this.next;
    return array;
  }
}

/** A data set's copies on the device, which evaluate() reduces without reading the outputs back. */
interface DeviceSet {
  x: Tensor;
  y: Tensor;
  labels: Tensor;
}

/** The network logic, one source for every backend: on the page's thread (WebGPU) and in the CPU worker (network-host.ts). */
export class SequentialNetwork implements EngineNetwork {
  private keras: KerasTraining;
  private train = EMPTY_DATA_SET;
  private validation = EMPTY_DATA_SET;
  private test = EMPTY_DATA_SET;
  /** The sets on the device (null for an empty one), and Keras's AUC thresholds for the two-class counts. */
  private deviceSets: Record<DataPart, DeviceSet | null> = { train: null, validation: null, test: null };
  private thresholds: Tensor | null = null;
  /** The training row the compiled trainer's first batch starts at. */
  private firstRow = 0;
  private compiled: CompiledTrainer | null = null;
  private readonly neuronGrids = new AlternatingArrays();
  private readonly outputGrids = new AlternatingArrays();
  /** The backend its tensors live on (the active one may change while it is still being disposed). */
  private readonly backend = activeBackend();

  private constructor(
    private spec: NetworkSpec,
    private model: Sequential,
  ) {
    this.keras = kerasTraining(spec.training, spec.layers);
  }

  /** A fresh network, or (`saved`) the saved model with its weights and optimizer state, to train on from there. */
  static async create(spec: NetworkSpec, saved: ModelJSON | null = null): Promise<SequentialNetwork> {
    return new SequentialNetwork(spec, saved ? Sequential.fromJSON(saved) : await lessonModel(spec));
  }

  private get outputUnits(): number {
    return this.spec.layers[this.spec.layers.length - 1].units;
  }

  setData(train: DataSet, validation: DataSet, test: DataSet, firstRow = 0): void {
    if (!(Number.isInteger(firstRow) && firstRow >= 0 && (firstRow < train.rows || firstRow === 0))) throw new Error(`setData: firstRow ${firstRow} is not one of the ${train.rows} training rows`);
    this.firstRow = firstRow;
    this.train = train;
    this.validation = validation;
    this.test = test;
    this.disposeDeviceSets();
    const upload = ({ x, y, labels, rows }: DataSet): DeviceSet | null =>
      rows === 0 ? null : { x: ops.tensor(x, [rows, ...this.spec.inputShape]), y: ops.tensor(y, [rows, this.outputUnits]), labels: ops.tensor(labels, this.spec.classes ? [rows] : [rows, this.outputUnits]) };
    this.deviceSets = { train: upload(train), validation: upload(validation), test: upload(test) };
    this.thresholds ??= ops.tensor(METRIC_THRESHOLDS, [METRIC_THRESHOLDS.length]);
    this.recompile();
  }

  private disposeDeviceSets(): void {
    for (const set of Object.values(this.deviceSets)) if (set) for (const t of [set.x, set.y, set.labels]) t.dispose();
    this.deviceSets = { train: null, validation: null, test: null };
  }

  /** The compiled trainer holds the data, batch size and learning rate: rebuilt when any changes. */
  private recompile(): void {
    this.compiled?.dispose();
    this.compiled = null;
    if (this.train.rows === 0) return;
    const { step, dense } = this.model.getTrainStep();
    const rows = this.train.rows;
    // Rows walked from firstRow on: step s takes rows firstRow + s·batch … (mod rows), as the run it resumes.
    const order = this.firstRow === 0 ? undefined : Array.from({ length: rows }, (_, i) => (this.firstRow + i) % rows);
    this.compiled = compileTrainer({
      step,
      dense,
      order,
      data: { x: this.train.x, xShape: [this.train.rows, ...this.spec.inputShape], y: this.train.y, yShape: [this.train.rows, this.outputUnits] },
      batchSize: this.spec.batchRows,
    });
  }

  async setTraining(training: TrainingSpec, batchRows: number): Promise<void> {
    const keras = kerasTraining(training, this.spec.layers);
    const { learningRate: _new, ...optimizer } = keras.optimizer;
    const { learningRate: _old, ...previous } = this.keras.optimizer;
    const sameLayers = JSON.stringify(keras.kernelRegularizers) === JSON.stringify(this.keras.kernelRegularizers);
    this.spec = { ...this.spec, training, batchRows };
    this.firstRow = 0;
    if (!sameLayers || JSON.stringify(optimizer) !== JSON.stringify(previous)) {
      // Regularizers belong to the layers and the optimizer to compile: rebuild around the same weights.
      const weights = await this.model.getWeights();
      this.compiled?.dispose();
      this.compiled = null;
      this.model.dispose();
      this.model = buildModel(this.spec, keras);
      this.model.setWeights(weights);
    } else {
      this.model.setLearningRate(keras.optimizer.learningRate ?? 0);
    }
    this.keras = keras;
    this.recompile();
  }

  engineInfo(): EngineInfo {
    const compiled = this.compiled;
    return {
      path: compiled?.path ?? (this.backend.name === 'cpu' ? 'eager' : 'plan'),
      dispatchesPerStep: compiled?.dispatchesPerStep ?? 0,
      cpu: this.backend.name !== 'webgpu',
      counters: engineStats(),
    };
  }

  async trainBatches(count: number): Promise<void> {
    // Queued without waiting: on WebGPU one submit; results are read back by evaluate() and the grids.
    this.compiled?.run(count);
  }

  /**
   * Every set's loss and metric counts, reduced on the device: per set (or per chunk of an image set) one
   * [loss · rows, ...counts] vector, and a plane lesson's vectors of all sets read back together, once.
   */
  async evaluate(curves = false): Promise<{ train: SetEvaluation | null; validation: SetEvaluation | null; test: SetEvaluation | null }> {
    const parts = (['train', 'validation', 'test'] as const).filter((part) => this.deviceSets[part]);
    const chunk = this.spec.stack ? IMAGE_SCORE_ROWS : Infinity;
    const sums = new Map<DataPart, Float32Array>();
    const add = (part: DataPart, values: Float32Array): void => {
      const sum = sums.get(part);
      if (sum) for (let i = 0; i < sum.length; i++) sum[i] += values[i];
      else sums.set(part, values);
    };
    if (chunk === Infinity) {
      // One readback for every set: their vectors concatenated on the device.
      const vectors = parts.map((part) => this.scoreRows(part, 0, this.deviceSets[part]!.x.shape[0], curves));
      const all = ops.concat(vectors, 0);
      try {
        const values = await all.data();
        let at = 0;
        parts.forEach((part, i) => add(part, values.slice(at, (at += vectors[i].shape[0]))));
      } finally {
        for (const t of [all, ...vectors]) t.dispose();
      }
    } else {
      // An image set a chunk at a time, each chunk's few numbers read before the next is queued (see predictInChunks).
      for (const part of parts) {
        const rows = this.deviceSets[part]!.x.shape[0];
        for (let first = 0; first < rows; first += chunk) {
          const vector = this.scoreRows(part, first, Math.min(chunk, rows - first), curves);
          try {
            add(part, await vector.data());
          } finally {
            vector.dispose();
          }
        }
      }
    }
    const result = (part: DataPart): SetEvaluation | null => {
      const sum = sums.get(part);
      const rows = this.deviceSets[part]?.x.shape[0] ?? 0;
      return sum ? { loss: (sum[0] / rows) * this.keras.lossScale, counts: sum.subarray(1) } : null;
    };
    return { train: result('train'), validation: result('validation'), test: result('test') };
  }

  /**
   * [loss · rows, ...metric counts] for `rows` rows of a set from `first`: the forward pass, the loss the
   * lesson displays (the engine's loss kernel; no penalty) and ops.metricCounts, all on the device.
   */
  private scoreRows(part: DataPart, first: number, rows: number, curves: boolean): Tensor {
    const set = this.deviceSets[part]!;
    const whole = first === 0 && rows === set.x.shape[0];
    const full = metricCountsInfo(this.spec.classes, this.spec.layers[this.spec.layers.length - 1]);
    const info = full.kind === 'classes' && !curves ? { ...full, score: null } : full;
    const thresholds = info.kind === 'classes' && info.score ? (this.thresholds ?? undefined) : undefined;
    return tidy(() => {
      const take = (t: Tensor): Tensor => (whole ? t : ops.slice(t, [first, ...t.shape.slice(1).map(() => 0)], [rows, ...t.shape.slice(1)]));
      const pred = this.model.apply(take(set.x));
      const loss = ops.loss({ kind: this.keras.loss, fromLogits: false }, pred, take(set.y));
      const counts = ops.metricCounts(info, pred, take(set.labels), thresholds);
      return ops.concat([ops.mul(ops.reshape(loss, [1]), ops.fill([1], rows)), ops.reshape(counts, [counts.size])], 0);
    });
  }

  async outputs(part: DataPart, rows?: number): Promise<Float32Array> {
    const set = this[part];
    const count = Math.min(rows ?? set.rows, set.rows);
    return count === 0 ? new Float32Array(0) : this.predictInChunks(set.x.subarray(0, (set.x.length / set.rows) * count), count);
  }

  private denseLayers(): Layer[] {
    return this.model.layers.filter((layer) => layer.type === 'Dense');
  }

  /**
   * The grid kernel's layers for the plane. A slice's first layer keeps the rows of its two axis inputs and
   * folds every held input into the bias (b + Σ held·W): the same pre-activations over the slice. The tensors
   * it creates are returned for disposal.
   */
  private async gridLayers(plane: GridPlane): Promise<{ layers: GridLayer<Tensor>[]; created: Tensor[] }> {
    const dense = this.denseLayers();
    // The grid kernel computes a softmax output's probabilities itself.
    const grid = dense.map((layer) => ({
      kernel: layer.params[0].variable,
      bias: layer.params[1].variable,
      activation: layer.activation as GridActivation,
    }));
    if (plane.kind === 'features') return { layers: grid, created: [] };
    const [kernel, bias] = await Promise.all([grid[0].kernel.data(), grid[0].bias.data()]);
    const units = bias.length;
    const sliced = new Float32Array(2 * units);
    const folded = Float32Array.from(bias);
    plane.held.forEach((held, input) => {
      const row = kernel.subarray(input * units, (input + 1) * units);
      const axis = plane.axes.indexOf(input);
      if (axis >= 0) sliced.set(row, axis * units);
      else for (let j = 0; j < units; j++) folded[j] += held * row[j];
    });
    const first = { kernel: ops.tensor(sliced, [2, units]), bias: ops.tensor(folded, [units]) };
    return { layers: [{ ...grid[0], ...first }, ...grid.slice(1)], created: [first.kernel, first.bias] };
  }

  private async grid(resolution: number, plane: GridPlane, outputOnly: boolean, into: Float32Array): Promise<Float32Array> {
    const { layers: gridLayers, created } = await this.gridLayers(plane);
    try {
      const features = plane.kind === 'features' ? plane.features : (['x', 'y'] as const);
      const values = await evaluateGrid(gridLayers, { n: resolution, features, range: [-plane.radius, plane.radius], outputOnly, into });
      return values;
    } finally {
      for (const t of created) t.dispose();
    }
  }

  async evaluateGrid(resolution: number, plane: GridPlane): Promise<Float32Array[][]> {
    const points = resolution * resolution;
    const units = this.spec.layers.map((l) => l.units);
    const neurons = units.reduce((s, u) => s + u, 0);
    const values = await this.grid(resolution, plane, false, this.neuronGrids.take(neurons * points));
    let neuron = 0;
    return units.map((count) => Array.from({ length: count }, () => values.subarray(points * neuron, points * ++neuron)));
  }

  async evaluateOutput(resolution: number, plane: GridPlane): Promise<Float32Array> {
    return this.grid(resolution, plane, true, this.outputGrids.take(this.outputUnits * resolution * resolution));
  }

  /**
   * The outputs for every row, an image lesson's a chunk at a time, each read back before the next is
   * queued: scoring 1,800 images through a CNN at once held SwiftShader's GPU process (which also composites
   * the page) for 2–4 s, and no frame was painted meanwhile.
   */
  private async predictInChunks(x: Float32Array, rows: number): Promise<Float32Array> {
    const chunk = this.spec.stack ? IMAGE_SCORE_ROWS : rows;
    const size = x.length / rows;
    const out = new Float32Array(rows * this.outputUnits);
    for (let first = 0; first < rows; first += chunk) {
      const count = Math.min(chunk, rows - first);
      out.set(await this.predict(x.subarray(first * size, (first + count) * size), count), first * this.outputUnits);
    }
    return out;
  }

  async predict(x: Float32Array, rows: number): Promise<Float32Array> {
    return (await this.model.predict({ shape: [rows, ...this.spec.inputShape], values: x })).values;
  }

  async filters(): Promise<{ shape: number[]; values: Float32Array; bias: Float32Array } | null> {
    const conv = this.model.layers.find((layer) => layer.type === 'Conv2D');
    if (!conv) return null;
    const [kernel, bias] = conv.params.map((p) => p.variable);
    const [values, biasValues] = await Promise.all([kernel.data(), bias ? bias.data() : new Float32Array(kernel.shape[3])]);
    return { shape: [...kernel.shape], values, bias: biasValues };
  }

  async layerOutputs(x: Float32Array): Promise<FeatureMaps[]> {
    const outputs = await this.model.layerOutputs({ shape: [1, ...this.spec.inputShape], values: x });
    return outputs.map((o) => ({ name: o.name, type: o.type, shape: o.a.shape.slice(1), values: o.a.values }));
  }

  async getParams(): Promise<NetworkParams> {
    if (this.spec.stack) return { weights: [], biases: [[]], tensors: await this.model.getWeights() };
    const weights: number[][][] = [];
    const biases: number[][] = [[]];
    for (const w of await this.model.getWeights()) {
      if (w.shape.length === 2) {
        const [fanIn, fanOut] = w.shape;
        weights.push(Array.from({ length: fanIn }, (_, i) => Array.from(w.values.subarray(i * fanOut, (i + 1) * fanOut))));
      } else {
        biases.push(Array.from(w.values));
      }
    }
    return { weights, biases };
  }

  /** The inverse of getParams; setWeights checks every shape against the network's. */
  setParams(params: NetworkParams): void {
    this.model.setWeights(params.tensors ?? networkParamArrays(params));
  }

  async workDone(): Promise<void> {
    // WebGPU's `ready` resolves when the queue has finished everything submitted so far.
    await (this.backend as { ready?: () => Promise<void> }).ready?.();
  }

  async setWeight(column: number, from: number, to: number, value: number): Promise<void> {
    const fanOut = this.spec.layers[column]?.units ?? 0;
    await this.editParameter(2 * column, from * fanOut + to, value, `setWeight: no link from node ${from} of column ${column} to node ${to}`);
  }

  async setBias(column: number, index: number, value: number): Promise<void> {
    await this.editParameter(2 * (column - 1) + 1, index, value, `setBias: no bias for node ${index} of column ${column}`);
  }

  private async editParameter(tensor: number, offset: number, value: number, error: string): Promise<void> {
    const weights = await this.model.getWeights();
    const target = weights[tensor];
    if (!target || !(Number.isInteger(offset) && offset >= 0 && offset < target.values.length)) throw new Error(error);
    target.values[offset] = value;
    this.model.setWeights(weights);
    // The compiled step reads the weights in place, so no rebuild is needed.
  }

  callbackModel(): CallbackModel {
    return this.model;
  }

  toJSON(): Promise<ModelJSON> {
    return this.model.toJSON();
  }

  summary(): Summary {
    return this.model.summary();
  }

  exportScript(language: CodeLanguage, options: ExportOptions): Promise<string> {
    return language === 'pytorch' ? exportPyTorch(this.model, options) : exportKeras(this.model, options);
  }

  dispose(): void {
    this.compiled?.dispose();
    this.disposeDeviceSets();
    this.thresholds?.dispose();
    this.model.dispose();
  }
}

export interface SequentialEngineOptions {
  /** Backends to try, in order (default: WebGPU, then CPU). */
  prefer?: BackendName[];
}

export function createSequentialEngine({ prefer = ['webgpu', 'cpu'] }: SequentialEngineOptions = {}): EngineAdapter {
  let backends: BackendStartup | null = null;
  return {
    async start(onEvent = () => {}): Promise<BackendInfo> {
      backends?.stop();
      backends = await startBackends(prefer.includes('webgpu'), onEvent);
      return backends.first;
    },
    createNetwork: (spec, saved) => SequentialNetwork.create(spec, saved),
    loseDevice: () => backends?.loseDevice() ?? false,
    failedFromLoss: () => backends?.failedFromLoss() ?? Promise.resolve(false),
    stop: () => backends?.stop(),
  };
}
