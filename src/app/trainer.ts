// Drives the engine from the store: builds the network the settings describe, trains it a frame at a time,
// and publishes losses, parameters and heatmaps back. Every engine call goes through `EngineAdapter`, so a
// faster engine (WebGPU grid kernel, many steps per submit) replaces one object, not this loop.
//
// Semantics (TensorFlow Playground's unless stated): one epoch = ⌈rows / batchSize⌉ SGD steps walking the
// training set in order (the engine's compiled trainer walks it cyclically, so when batchSize does not divide
// the set a batch wraps around instead of coming up short); output tanh for classification (labels ±1), linear for
// regression. Loss is Keras's `mse` (mean of (o − t)²), which is twice TensorFlow Playground's ½(o − t), so
// its numbers are twice as large; L1/L2 use Keras's kernelRegularizer (rate·Σ|w|, rate·Σw²; biases free).
// Initialization is Keras's (Glorot uniform, zero biases), seeded from the URL seed so reset repeats a run.
import type { FeatureId } from '../data/features';
import type { TrainerPath } from '../engine/plan';
import { statsDelta, type EngineStats } from '../engine/stats';
import type { Point2D } from '../data/playground-datasets';
import { featureMatrix } from '../data/features';
import { featureHeatmaps } from './grid';
import type { BackendEvent } from './engine-startup';
import { FrameBudget } from './frame-budget';
import { SnapshotKeeper, type NonFinite } from './snapshots';
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

/** How the engine trains, for the engine panel. */
export interface EngineInfo {
  /** 'fused': one dispatch per step; 'plan': a traced plan of kernels; 'eager': op by op (CPU). */
  path: TrainerPath;
  dispatchesPerStep: number;
  /** The engine's running counters (engineStats()). */
  counters: EngineStats;
}

/**
 * A built network on some backend. Training and changes are issued one at a time (the trainer awaits
 * each); the reads that publish results (losses, getParams, the grids) are issued together.
 */
export interface EngineNetwork {
  engineInfo(): EngineInfo;
  setData(train: DataSet, test: DataSet): void;
  setHyperparameters(hyper: Hyperparameters): Promise<void>;
  /**
   * The next `count` SGD steps. Steps walk the training set in order, cyclically, batchSize rows each
   * (the engine's compiled trainer), restarting at row 0 after setData or setHyperparameters.
   * An epoch is ⌈rows / batchSize⌉ steps.
   */
  trainBatches(count: number): Promise<void>;
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
  /** Overwrite every weight and bias (getParams' layout): a snapshot restored, or a move between backends. */
  setParams(params: NetworkParams): void;
  /** Resolves when the device has finished every step queued so far (at once on the CPU). */
  workDone(): Promise<void>;
  setWeight(column: number, from: number, to: number, value: number): Promise<void>;
  setBias(column: number, index: number, value: number): Promise<void>;
  dispose(): void;
}

export interface EngineAdapter {
  /**
   * Pick and start a backend; says which and, if it is not WebGPU, why. Later changes (a faster backend
   * ready, a lost device, an engine error) come through `onEvent`.
   */
  start(onEvent?: (event: BackendEvent) => void): Promise<BackendInfo>;
  createNetwork(spec: NetworkSpec): Promise<EngineNetwork>;
  /** Lose the GPU device on purpose (the browser tests' hook); false when there is none. */
  loseDevice?(): boolean;
  /** Whether a failure comes from a lost GPU device, which the engine recovers from (see engine-startup.ts). */
  failedFromLoss?(): Promise<boolean>;
  /** Send no more events (the trainer stopped). */
  stop?(): void;
}

/** When to run the next frame and what time it is: requestAnimationFrame in the browser, a manual pump in tests. */
export interface FrameScheduler {
  request(callback: () => void): void;
  /** Milliseconds, monotonic. */
  now(): number;
}

export const animationFrameScheduler: FrameScheduler = {
  request: (callback) => void requestAnimationFrame(() => callback()),
  now: () => performance.now(),
};

export interface TrainerOptions {
  /** The big output plot (TensorFlow Playground: 100). */
  outputResolution?: number;
  /** Each node's own heatmap (TensorFlow Playground: 10, averaged down). */
  neuronResolution?: number;
  /** Epochs per animation frame at most (TensorFlow Playground: 1). */
  epochsPerFrame?: number;
  /** Device time per frame the training steps may take, ms (see frame-budget.ts); a longer epoch spreads over frames. */
  frameBudgetMs?: number;
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
  /** Next batch of the current epoch (a frame may end mid-epoch when an epoch outlasts the budget). */
  private position = 0;
  /** Steps per frame, sized from the measured completion time of earlier frames' steps. */
  private readonly budget: FrameBudget;
  /** Finite states: the best to roll a divergence back to, the latest to restore after a lost device. */
  private readonly snapshots = new SnapshotKeeper();
  /** Networks on a lost GPU device: disposed once the device is recreated (their buffers are gone until then). */
  private orphans: EngineNetwork[] = [];
  private rollingBack = false;
  /** Bumped on every reset, so work queued for an older network publishes nothing. */
  private generation = 0;
  private queue: Promise<void> = Promise.resolve();
  private frameRequested = false;
  private disconnect: (() => void) | null = null;
  private readonly outputResolution: number;
  private readonly neuronResolution: number;
  private readonly epochsPerFrame: number;
  /** Totals since start, and the engine panel's last sample of them (rates are measured over ≥ 1 s). */
  private stepsRun = 0;
  private framesRun = 0;
  private debugSample: { at: number; steps: number; frames: number; counters: EngineStats } | null = null;

  constructor(
    private readonly store: PlaygroundStore,
    private readonly engine: EngineAdapter,
    private readonly scheduler: FrameScheduler = animationFrameScheduler,
    { outputResolution = 200, neuronResolution = 64, epochsPerFrame = 1, frameBudgetMs = 10 }: TrainerOptions = {},
  ) {
    this.outputResolution = outputResolution;
    this.neuronResolution = neuronResolution;
    this.epochsPerFrame = epochsPerFrame;
    this.budget = new FrameBudget(scheduler, { budgetMs: frameBudgetMs });
  }

  /** Start the backend, build the first network and listen to the store. Resolves when the first results are published. */
  async start(): Promise<void> {
    // Listen at once: commands given while the backend starts (a click on Step, say) queue behind it.
    this.disconnect = this.store.getState().connectTrainer(this);
    this.enqueue(async () => this.store.getState().publishBackend(await this.engine.start((event) => this.backendEvent(event))));
    this.reset();
    if (this.store.getState().playing) this.requestFrame();
    await this.idle();
  }

  stop(): void {
    this.disconnect?.();
    this.disconnect = null;
    this.engine.stop?.();
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
      this.snapshots.clear();
      this.epoch = 0;
      // Another architecture costs differently per step.
      this.budget.reset();
      await this.rebuild(generation, null);
    });
  }

  dataChanged(): void {
    const generation = this.generation;
    this.enqueue(async () => {
      if (!this.network) return;
      this.snapshots.clear();
      this.uploadData();
      await this.publish(generation);
    });
  }

  hyperparametersChanged(): void {
    this.enqueue(async () => {
      if (!this.network) return;
      await this.network.setHyperparameters(hyperparameters(this.store.getState().settings));
      // Batch boundaries moved: the pass in progress starts over.
      this.position = 0;
    });
  }

  playingChanged(playing: boolean): void {
    if (playing) this.requestFrame();
  }

  engineInfoRequested(): void {
    this.debugSample = null;
    this.enqueue(async () => this.publishDebug());
  }

  /** Finish the current epoch (a whole one when paused at its start). */
  step(): void {
    const generation = this.generation;
    this.enqueue(async () => {
      if (!this.network) return;
      await this.trainBatches(this.batchesPerEpoch() - this.position);
      await this.publish(generation);
    });
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
      this.enqueue(() => this.frame()).then(() => {
        if (this.store.getState().playing) this.requestFrame();
      });
    });
  }

  /**
   * As many steps as the frame budget fits (at most epochsPerFrame epochs), queued at once and timed to
   * their completion on the device; then publish. Until a step has been timed, the frame first runs one
   * to completion.
   */
  private async frame(): Promise<void> {
    const network = this.network;
    if (!network) return;
    const generation = this.generation;
    const frameStarted = this.scheduler.now();
    this.framesRun++;
    let left = this.epochsPerFrame * this.batchesPerEpoch();
    let spent = 0;
    if (!this.budget.calibrated) {
      const started = this.scheduler.now();
      const timing = this.budget.start(1);
      await this.trainBatches(1);
      await network.workDone();
      timing.finish();
      left -= 1;
      spent = this.scheduler.now() - started;
    }
    const steps = this.budget.steps(left, spent);
    if (steps > 0) {
      const timing = this.budget.start(steps);
      for (let n = steps; n > 0 && this.network === network; ) {
        const count = Math.min(n, this.batchesPerEpoch() - this.position);
        await this.trainBatches(count);
        n -= count;
      }
      // Not awaited: the publish's readbacks arrive after these steps anyway, and a lost device may never answer.
      void network.workDone().then(() => timing.finish(), () => {});
    }
    await this.publish(generation);
    this.budget.frameTook(this.scheduler.now() - frameStarted);
  }

  private batchesPerEpoch(): number {
    const rows = this.store.getState().data.train.length;
    return Math.max(1, Math.ceil(rows / this.store.getState().settings.batchSize));
  }

  private async trainBatches(count: number): Promise<void> {
    if (!this.network || count <= 0) return;
    await this.network.trainBatches(count);
    this.stepsRun += count;
    this.position += count;
    if (this.position >= this.batchesPerEpoch()) {
      this.position = 0;
      this.epoch++;
    }
  }

  private uploadData(): void {
    const { train, test } = this.store.getState().data;
    this.network?.setData(dataSet(train, this.features), dataSet(test, this.features));
    this.position = 0;
  }

  /** Read losses, parameters and grids (asynchronously) and hand them to the store, unless a reset came since. */
  private async publish(generation: number): Promise<void> {
    const network = this.network;
    if (!network) return;
    // Issued together: their kernels queue back to back and their readbacks overlap, instead of one
    // round trip to the GPU after another.
    const [{ train, test }, params, nodes, output] = await Promise.all([
      network.losses(),
      network.getParams(),
      network.evaluateGrid(this.neuronResolution),
      network.evaluateOutput(this.outputResolution),
    ]);
    if (generation !== this.generation) return;
    const diverged = this.snapshots.offer({ epoch: this.epoch, position: this.position, trainLoss: train, testLoss: test, params });
    if (diverged !== null) return this.rollBack(diverged, generation);
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
    this.publishDebug();
  }

  /** While the engine panel is open: how the engine trains, and rates over about the last second. */
  private publishDebug(): void {
    const state = this.store.getState();
    if (!state.debugOpen || !this.network) return;
    const info = this.network.engineInfo();
    const now = this.scheduler.now();
    const last = this.debugSample;
    const seconds = last ? (now - last.at) / 1000 : 0;
    if (last && seconds < 1) return;
    this.debugSample = { at: now, steps: this.stepsRun, frames: this.framesRun, counters: info.counters };
    const delta = last && statsDelta(last.counters, info.counters);
    const rate = (value: number | undefined): number | null => (last && value !== undefined ? value / seconds : null);
    state.publishDebug({
      path: info.path,
      dispatchesPerStep: info.dispatchesPerStep,
      stepsPerSecond: rate(last ? this.stepsRun - last.steps : undefined),
      framesPerSecond: rate(last ? this.framesRun - last.frames : undefined),
      dispatchesPerSecond: rate(delta?.dispatches),
      submitsPerSecond: rate(delta?.submits),
      buffersPerSecond: rate(delta?.buffersCreated),
      bytesReadBackPerSecond: rate(delta?.bytesReadBack),
      pipelinesCompiled: info.counters.pipelinesCompiled,
      msPerFrame: this.budget.lastFrameMs,
    });
  }

  /** A loss or weight stopped being a finite number: pause, go back to the last finite state and say so. */
  private async rollBack(what: NonFinite & string, generation: number): Promise<void> {
    const state = this.store.getState();
    state.pause();
    // A snapshot that diverges again as soon as it is restored is no rollback point: start over instead.
    const snapshot = this.rollingBack ? null : this.snapshots.rollbackPoint();
    const alert = { kind: 'diverged' as const, epoch: this.epoch, restoredEpoch: snapshot?.epoch ?? 0, what, learningRate: state.settings.learningRate };
    if (!snapshot || !this.network) {
      // Nothing finite to go back to (the very first results): start the run again.
      state.reset();
      this.store.getState().publishAlert(alert);
      return;
    }
    // A new network, not only new weights: the optimizer's slots overflowed too.
    this.network.dispose();
    this.network = null;
    this.epoch = snapshot.epoch;
    state.publishAlert(alert);
    this.rollingBack = true;
    try {
      await this.rebuild(generation, snapshot.params);
    } finally {
      this.rollingBack = false;
    }
  }

  /** The engine changed backends or reported an error (see engine-startup.ts). */
  private backendEvent(event: BackendEvent): void {
    const state = this.store.getState();
    if (event.type === 'error') {
      state.publishError(event.message);
    } else if (event.type === 'status') {
      // A lost device that could not be recreated: its networks' buffers never come back.
      if (event.info.preparing == null) this.orphans = [];
      state.publishBackend(event.info);
    } else {
      if (event.lost && this.network) {
        // Work queued on the lost device publishes nothing; the network is rebuilt from the last snapshot.
        this.generation++;
        this.orphans.push(this.network);
        this.network = null;
      }
      this.enqueue(() => this.moveNetwork(event));
    }
  }

  /** Build the network again on the event's backend, with the same weights (or the last snapshot's, when the old backend was lost). */
  private async moveNetwork(event: Extract<BackendEvent, { type: 'switch' }>): Promise<void> {
    const generation = this.generation;
    let params: NetworkParams | null = null;
    if (this.network) {
      params = await this.network.getParams();
      this.network.dispose();
      this.network = null;
    } else {
      const snapshot = this.snapshots.last();
      if (snapshot) {
        params = snapshot.params;
        this.epoch = snapshot.epoch;
      }
    }
    event.activate();
    this.budget.reset();
    if (!event.lost) for (const orphan of this.orphans.splice(0)) orphan.dispose();
    this.store.getState().publishBackend(event.info);
    await this.rebuild(generation, params);
  }

  /** A new network on the active backend from the current settings, with these weights (or the seed's); then publish. */
  private async rebuild(generation: number, params: NetworkParams | null): Promise<void> {
    const spec = networkSpec(this.store.getState().settings);
    const network = await this.engine.createNetwork(spec);
    if (generation !== this.generation) {
      network.dispose();
      return;
    }
    if (params) network.setParams(params);
    this.network = network;
    this.features = spec.features;
    this.featureGrids = featureHeatmaps(spec.features, this.neuronResolution);
    this.uploadData();
    await this.publish(generation);
  }

  /** Run work after everything queued before it; a failure pauses training and is shown, and the queue goes on. */
  private enqueue(work: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(work).catch(async (error: unknown) => {
      // Work cut short by a lost device: the network moves to the last snapshot, nothing is wrong to show.
      if (await this.engine.failedFromLoss?.()) return;
      const state = this.store.getState();
      state.pause();
      state.publishError(error instanceof Error ? error.message : String(error));
    });
    return this.queue;
  }
}
