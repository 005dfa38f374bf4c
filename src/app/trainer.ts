// Drives the engine from the store: builds the network the settings describe, trains it a frame at a time,
// and publishes losses, parameters and heatmaps back. Every engine call goes through `EngineAdapter`, so a
// faster engine (WebGPU grid kernel, many steps per submit) replaces one object, not this loop.
//
// Semantics (TensorFlow Playground's unless stated): one epoch = one pass over the training set, in order,
// in batches of batchSize, one SGD step per batch; output tanh for classification (labels ±1), linear for
// regression. Loss is Keras's `mse` (mean of (o − t)²), which is twice TensorFlow Playground's ½(o − t), so
// its numbers are twice as large; L1/L2 use Keras's kernelRegularizer (rate·Σ|w|, rate·Σw²; biases free).
// Initialization is Keras's (Glorot uniform, zero biases), seeded from the URL seed so reset repeats a run.
import type { FeatureId } from '../data/features';
import type { Point2D } from '../data/playground-datasets';
import { featureMatrix } from '../data/features';
import { featureHeatmaps } from './grid';
import { seedNumber } from './seed';
import { enabledFeatures, type BackendInfo, type NetworkParams, type PlaygroundStore, type TrainerPort } from './store';
import type { Activation, Settings } from './url-table';

export interface NetworkSpec {
  /** Input columns, in this order. */
  features: FeatureId[];
  hidden: number[];
  activation: Activation;
  outputActivation: 'tanh' | 'linear';
  /** Seed for the initial weights. */
  seed: number;
  /** All weights zero (TensorFlow Playground's initZero); biases are zero anyway. */
  initZero: boolean;
  hyper: Hyperparameters;
}

export interface Hyperparameters {
  learningRate: number;
  batchSize: number;
  regularization: { l1: number } | { l2: number } | null;
}

/** Rows of inputs (row-major [rows, features]) and one target per row. */
export interface DataSet {
  x: Float32Array;
  y: Float32Array;
  rows: number;
}

/** A built network on some backend. Calls are issued one at a time (the trainer awaits each). */
export interface EngineNetwork {
  setData(train: DataSet, test: DataSet): void;
  setHyperparameters(hyper: Hyperparameters): Promise<void>;
  /** `epochs` passes over the training set, in order, batches of batchSize, one SGD step each. */
  trainEpochs(epochs: number): Promise<void>;
  /** Mean loss (Keras mse, without the regularization term) over each set. */
  losses(): Promise<{ train: number; test: number }>;
  /**
   * Every hidden and output node over a resolution² grid of the input plane (layout of grid.ts):
   * result[l][j] is node j of layer l (hidden layers then the output).
   */
  evaluateGrid(resolution: number): Promise<Float32Array[][]>;
  /** The output node alone over a resolution² grid (the big plot, finer than the per-node grids). */
  evaluateOutput(resolution: number): Promise<Float32Array>;
  getParams(): Promise<NetworkParams>;
  setWeight(column: number, from: number, to: number, value: number): Promise<void>;
  setBias(column: number, index: number, value: number): Promise<void>;
  dispose(): void;
}

export interface EngineAdapter {
  /** Pick and start a backend; says which and, if it is not WebGPU, why. */
  start(): Promise<BackendInfo>;
  createNetwork(spec: NetworkSpec): Promise<EngineNetwork>;
}

/** When to run the next frame: requestAnimationFrame in the browser, a manual pump in tests. */
export interface FrameScheduler {
  request(callback: () => void): void;
}

export const animationFrameScheduler: FrameScheduler = { request: (callback) => void requestAnimationFrame(() => callback()) };

export interface TrainerOptions {
  /** The big output plot (TensorFlow Playground: 100). */
  outputResolution?: number;
  /** Each node's own heatmap (TensorFlow Playground: 10, averaged down). */
  neuronResolution?: number;
  /** Epochs per animation frame (TensorFlow Playground: 1). */
  epochsPerFrame?: number;
}

export function networkSpec(settings: Settings): NetworkSpec {
  return {
    features: enabledFeatures(settings),
    hidden: [...settings.networkShape],
    activation: settings.activation,
    outputActivation: settings.problem === 'classification' ? 'tanh' : 'linear',
    seed: seedNumber(settings.seed, 'init'),
    initZero: settings.initZero,
    hyper: hyperparameters(settings),
  };
}

export function hyperparameters(settings: Settings): Hyperparameters {
  const rate = settings.regularizationRate;
  const regularization = settings.regularization === 'L1' ? { l1: rate } : settings.regularization === 'L2' ? { l2: rate } : null;
  return { learningRate: settings.learningRate, batchSize: settings.batchSize, regularization };
}

export function dataSet(points: readonly Point2D[], features: readonly FeatureId[]): DataSet {
  return { x: featureMatrix(points, features), y: Float32Array.from(points, (p) => p.label), rows: points.length };
}

export class Trainer implements TrainerPort {
  private network: EngineNetwork | null = null;
  private features: FeatureId[] = [];
  private featureGrids: Float32Array[] = [];
  private epoch = 0;
  /** Bumped on every reset, so work queued for an older network publishes nothing. */
  private generation = 0;
  private queue: Promise<void> = Promise.resolve();
  private frameRequested = false;
  private disconnect: (() => void) | null = null;
  private readonly outputResolution: number;
  private readonly neuronResolution: number;
  private readonly epochsPerFrame: number;

  constructor(
    private readonly store: PlaygroundStore,
    private readonly engine: EngineAdapter,
    private readonly scheduler: FrameScheduler = animationFrameScheduler,
    { outputResolution = 200, neuronResolution = 64, epochsPerFrame = 1 }: TrainerOptions = {},
  ) {
    this.outputResolution = outputResolution;
    this.neuronResolution = neuronResolution;
    this.epochsPerFrame = epochsPerFrame;
  }

  /** Start the backend, build the first network and listen to the store. Resolves when the first results are published. */
  async start(): Promise<void> {
    this.store.getState().publishBackend(await this.engine.start());
    this.disconnect = this.store.getState().connectTrainer(this);
    this.reset();
    if (this.store.getState().playing) this.requestFrame();
    await this.idle();
  }

  stop(): void {
    this.disconnect?.();
    this.disconnect = null;
    this.generation++;
    this.enqueue(async () => {
      this.network?.dispose();
      this.network = null;
    });
  }

  /** Resolves when all queued work is done (tests, and callers that need settled results). */
  idle(): Promise<void> {
    return this.queue;
  }

  // TrainerPort: the store calls these after changing its state.

  reset(): void {
    const generation = ++this.generation;
    this.enqueue(async () => {
      this.network?.dispose();
      this.network = null;
      const settings = this.store.getState().settings;
      const spec = networkSpec(settings);
      const network = await this.engine.createNetwork(spec);
      if (generation !== this.generation) {
        network.dispose();
        return;
      }
      this.network = network;
      this.features = spec.features;
      this.featureGrids = featureHeatmaps(spec.features, this.neuronResolution);
      this.uploadData();
      this.epoch = 0;
      await this.publish(generation);
    });
  }

  dataChanged(): void {
    const generation = this.generation;
    this.enqueue(async () => {
      if (!this.network) return;
      this.uploadData();
      await this.publish(generation);
    });
  }

  hyperparametersChanged(): void {
    this.enqueue(async () => {
      await this.network?.setHyperparameters(hyperparameters(this.store.getState().settings));
    });
  }

  playingChanged(playing: boolean): void {
    if (playing) this.requestFrame();
  }

  step(): void {
    this.train(1);
  }

  setWeight(column: number, from: number, to: number, value: number): void {
    const generation = this.generation;
    this.enqueue(async () => {
      await this.network?.setWeight(column, from, to, value);
      await this.publish(generation);
    });
  }

  setBias(column: number, index: number, value: number): void {
    const generation = this.generation;
    this.enqueue(async () => {
      await this.network?.setBias(column, index, value);
      await this.publish(generation);
    });
  }

  private requestFrame(): void {
    if (this.frameRequested) return;
    this.frameRequested = true;
    this.scheduler.request(() => {
      this.frameRequested = false;
      if (!this.store.getState().playing) return;
      // The next frame is asked for only once this one's work is done, so frames never pile up.
      this.train(this.epochsPerFrame).then(() => {
        if (this.store.getState().playing) this.requestFrame();
      });
    });
  }

  private train(epochs: number): Promise<void> {
    const generation = this.generation;
    return this.enqueue(async () => {
      if (!this.network) return;
      await this.network.trainEpochs(epochs);
      if (generation !== this.generation) return;
      this.epoch += epochs;
      await this.publish(generation);
    });
  }

  private uploadData(): void {
    const { train, test } = this.store.getState().data;
    this.network?.setData(dataSet(train, this.features), dataSet(test, this.features));
  }

  /** Read losses, parameters and grids (asynchronously) and hand them to the store, unless a reset came since. */
  private async publish(generation: number): Promise<void> {
    const network = this.network;
    if (!network) return;
    const { train, test } = await network.losses();
    const params = await network.getParams();
    const nodes = await network.evaluateGrid(this.neuronResolution);
    const output = await network.evaluateOutput(this.outputResolution);
    if (generation !== this.generation) return;
    this.store.getState().publishResults({
      epoch: this.epoch,
      trainLoss: train,
      testLoss: test,
      network: params,
      heatmaps: {
        outputResolution: this.outputResolution,
        output,
        neuronResolution: this.neuronResolution,
        columns: [this.featureGrids, ...nodes],
      },
    });
  }

  /** Run work after everything queued before it; a failure pauses training and is shown, and the queue goes on. */
  private enqueue(work: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(work).catch((error: unknown) => {
      const state = this.store.getState();
      state.pause();
      state.publishError(error instanceof Error ? error.message : String(error));
    });
    return this.queue;
  }
}
