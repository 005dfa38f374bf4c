// The trainer's engine adapter on the public model API: a seeded Sequential, trained through the engine's
// compiled trainer (many steps per submit on WebGPU, eager on the CPU) and drawn with the engine's grid
// kernel (every neuron over the plane in one dispatch on WebGPU, the CPU reference otherwise).
import { Sequential, activeBackend, layers, type BackendName } from '../index';
import type { ActivationKind } from '../engine/backend/backend';
import { evaluateGrid, type GridLayer } from '../engine/grid';
import { compileTrainer, type Trainer as CompiledTrainer } from '../engine/plan';
import type { Tensor } from '../engine/tensor';
import type { BackendInfo, NetworkParams } from './store';
import type { DataSet, EngineAdapter, EngineInfo, EngineNetwork, Hyperparameters, NetworkSpec } from './trainer';
import { engineStats } from '../engine/stats';
import { startBackends, type BackendStartup } from './engine-startup';

function buildModel(spec: NetworkSpec, hyper: Hyperparameters): Sequential {
  const kernelRegularizer = hyper.regularization ?? undefined;
  const model = new Sequential(
    [
      layers.input({ shape: [spec.features.length] }),
      ...spec.hidden.map((units) => layers.dense({ units, activation: spec.activation, kernelRegularizer })),
      layers.dense({ units: 1, activation: spec.outputActivation, kernelRegularizer }),
    ],
    { seed: spec.seed },
  );
  model.compile({ optimizer: { type: 'sgd', learningRate: hyper.learningRate }, loss: 'mse' });
  return model;
}

function meanSquaredError(pred: Float32Array, target: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < target.length; i++) sum += (pred[i] - target[i]) ** 2;
  return target.length === 0 ? 0 : sum / target.length;
}

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

class SequentialNetwork implements EngineNetwork {
  private model: Sequential;
  private hyper: Hyperparameters;
  private train = EMPTY;
  private test = EMPTY;
  private compiled: CompiledTrainer | null = null;
  private readonly neuronGrids = new AlternatingArrays();
  private readonly outputGrids = new AlternatingArrays();
  /** The backend its tensors live on (the active one may change while it is still being disposed). */
  private readonly backend = activeBackend();

  private constructor(private readonly spec: NetworkSpec) {
    this.hyper = spec.hyper;
    this.model = buildModel(spec, spec.hyper);
  }

  static async create(spec: NetworkSpec): Promise<SequentialNetwork> {
    const network = new SequentialNetwork(spec);
    if (spec.initZero) {
      const weights = await network.model.getWeights();
      network.model.setWeights(weights.map((w) => ({ shape: w.shape, values: new Float32Array(w.values.length) })));
    }
    return network;
  }

  setData(train: DataSet, test: DataSet): void {
    this.train = train;
    this.test = test;
    this.recompile();
  }

  /** The compiled trainer holds the data, batch size and learning rate: rebuilt when any changes. */
  private recompile(): void {
    this.compiled?.dispose();
    this.compiled = null;
    if (this.train.rows === 0) return;
    const width = this.spec.features.length;
    const { step, dense } = this.model.getTrainStep();
    this.compiled = compileTrainer({
      step,
      dense,
      data: { x: this.train.x, xShape: [this.train.rows, width], y: this.train.y, yShape: [this.train.rows, 1] },
      batchSize: this.hyper.batchSize,
    });
  }

  async setHyperparameters(hyper: Hyperparameters): Promise<void> {
    const sameRegularizer = JSON.stringify(hyper.regularization) === JSON.stringify(this.hyper.regularization);
    if (!sameRegularizer) {
      // Regularizers belong to the layers: rebuild them around the same weights.
      const weights = await this.model.getWeights();
      this.compiled?.dispose();
      this.compiled = null;
      this.model.dispose();
      this.model = buildModel(this.spec, hyper);
      this.model.setWeights(weights);
    } else {
      this.model.setLearningRate(hyper.learningRate);
    }
    this.hyper = hyper;
    this.recompile();
  }

  engineInfo(): EngineInfo {
    const compiled = this.compiled;
    return {
      path: compiled?.path ?? (this.backend.name === 'cpu' ? 'eager' : 'plan'),
      dispatchesPerStep: compiled?.dispatchesPerStep ?? 0,
      counters: engineStats(),
    };
  }

  async trainBatches(count: number): Promise<void> {
    // Queued without waiting: on WebGPU one submit; results are read back by losses() and the grids.
    this.compiled?.run(count);
  }

  async losses(): Promise<{ train: number; test: number }> {
    const [train, test] = await Promise.all([this.loss(this.train), this.loss(this.test)]);
    return { train, test };
  }

  private async loss({ x, y, rows }: DataSet): Promise<number> {
    if (rows === 0) return 0;
    const pred = await this.model.predict({ shape: [rows, this.spec.features.length], values: x });
    return meanSquaredError(pred.values, y);
  }

  private gridLayers(): GridLayer<Tensor>[] {
    return this.model.layers.map((layer) => ({
      kernel: layer.params[0].variable,
      bias: layer.params[1].variable,
      activation: layer.activation as ActivationKind,
    }));
  }

  async evaluateGrid(resolution: number): Promise<Float32Array[][]> {
    const points = resolution * resolution;
    const neurons = this.spec.hidden.reduce((s, units) => s + units, 1);
    const into = this.neuronGrids.take(neurons * points);
    const values = await evaluateGrid(this.gridLayers(), { n: resolution, features: this.spec.features, into });
    let neuron = 0;
    return [...this.spec.hidden, 1].map((units) =>
      Array.from({ length: units }, () => values.subarray(points * neuron, points * ++neuron)),
    );
  }

  async evaluateOutput(resolution: number): Promise<Float32Array> {
    const into = this.outputGrids.take(resolution * resolution);
    return evaluateGrid(this.gridLayers(), { n: resolution, features: this.spec.features, outputOnly: true, into });
  }

  async getParams(): Promise<NetworkParams> {
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
  setParams({ weights, biases }: NetworkParams): void {
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
    const fanOut = [...this.spec.hidden, 1][column];
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
    createNetwork: (spec) => SequentialNetwork.create(spec),
    loseDevice: () => backends?.loseDevice() ?? false,
    failedFromLoss: () => backends?.failedFromLoss() ?? Promise.resolve(false),
    stop: () => backends?.stop(),
  };
}
