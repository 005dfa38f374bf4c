// The trainer's engine adapter on the public model API: a seeded Sequential built from the lesson's layers,
// trained through the engine's compiled trainer (many steps per submit on WebGPU, eager on the CPU) and
// drawn with the engine's grid kernel (every neuron over the plane in one dispatch on WebGPU, the CPU
// reference otherwise).
import {
  Sequential, activeBackend, createRng, engineStats, evaluateGrid, exportKeras, exportPyTorch, layerFromConfig, layers, ops, compileTrainer,
  type BackendName, type CallbackModel, type ExportOptions, type GridActivation, type GridLayer, type Layer, type ModelJSON, type Summary, type Tensor,
  type Trainer as CompiledTrainer,
} from '../index';
import type { GridPlane } from './grid';
import { kerasTraining, type KerasTraining } from './keras-training';
import type { TrainingSpec } from './lesson';
import type { BackendInfo, FeatureMaps, NetworkParams } from './store';
import type { CodeLanguage, DataSet, EngineAdapter, EngineInfo, EngineNetwork, NetworkSpec, SetEvaluation } from './trainer';
import { startBackends, type BackendStartup } from './engine-startup';

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

const EMPTY: DataSet = { x: new Float32Array(0), y: new Float32Array(0), rows: 0 };

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

/** The network logic, one source for every backend: on the page's thread (WebGPU) and in the CPU worker (network-host.ts). */
export class SequentialNetwork implements EngineNetwork {
  private keras: KerasTraining;
  private train = EMPTY;
  private validation = EMPTY;
  private test = EMPTY;
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

  setData(train: DataSet, validation: DataSet, test: DataSet): void {
    this.train = train;
    this.validation = validation;
    this.test = test;
    this.recompile();
  }

  /** The compiled trainer holds the data, batch size and learning rate: rebuilt when any changes. */
  private recompile(): void {
    this.compiled?.dispose();
    this.compiled = null;
    if (this.train.rows === 0) return;
    const { step, dense } = this.model.getTrainStep();
    this.compiled = compileTrainer({
      step,
      dense,
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

  async evaluate(): Promise<{ train: SetEvaluation | null; validation: SetEvaluation | null; test: SetEvaluation | null }> {
    const [train, validation, test] = await Promise.all([this.train, this.validation, this.test].map((set) => this.evaluateSet(set)));
    return { train, validation, test };
  }

  /** The outputs, and the loss the lesson displays (the engine's loss kernel on them, scaled; no penalty). */
  private async evaluateSet({ x, y, rows }: DataSet): Promise<SetEvaluation | null> {
    if (rows === 0) return null;
    const outputs = await this.predictInChunks(x, rows);
    const shape = [rows, this.outputUnits];
    const p = ops.tensor(outputs, shape);
    const t = ops.tensor(y, shape);
    const loss = ops.loss({ kind: this.keras.loss, fromLogits: false }, p, t);
    try {
      return { loss: (await loss.data())[0] * this.keras.lossScale, outputs };
    } finally {
      for (const tensor of [p, t, loss]) tensor.dispose();
    }
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
  setParams({ weights, biases, tensors }: NetworkParams): void {
    if (tensors) return this.model.setWeights(tensors);
    this.model.setWeights(
      weights.flatMap((kernel, l) => [
        { shape: [kernel.length, kernel[0]?.length ?? 0], values: Float32Array.from(kernel.flat()) },
        { shape: [biases[l + 1]?.length ?? 0], values: Float32Array.from(biases[l + 1] ?? []) },
      ]),
    );
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
