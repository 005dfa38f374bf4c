// Drives the engine from the store: builds the network the lesson describes, trains it a frame at a time,
// and publishes losses, accuracies, parameters and heatmaps back. Every engine call goes through
// `EngineAdapter`, so a faster engine replaces one object, not this loop. The trainer knows lessons, not
// planes: inputs and targets come from lesson-data.ts, the grids' inputs from grid.ts.
//
// One epoch = ⌈rows / batch⌉ steps walking the training set in order (the engine's compiled trainer walks
// it cyclically, so when the batch does not divide the set a batch wraps around instead of coming up short).
// The rules (TensorFlow Playground's or Keras's) are the lesson's `training.semantics`, see keras-training.ts.
import { confusionFromCounts, EarlyStopping, type CallbackModel, type EmbeddedData, type ExportOptions, type ModelJSON, type Summary, type WeightSnapshot } from '../index';
import type { TrainerPath } from '../engine/plan';
import { statsDelta, type EngineStats } from '../engine/stats';
import type { BackendEvent } from './engine-startup';
import { FrameBudget } from './frame-budget';
import { gridPlane, inputHeatmaps, type GridPlane } from './grid';
import type { LayerConfig } from '../data/image-presets';
import { IMAGE_DATASETS } from '../data/image-datasets';
import { batchRows, decodeClasses, encodeTargets, inputCount, inputShape, isClassification, outputLayer, type LayerSpec, type Lesson, type TrainingSpec } from './lesson';
import { encodeInputs, type LessonData, type Sample } from './lesson-data';
import { SnapshotKeeper, type NonFinite } from './snapshots';
import { accuracyOfCounts, DATA_PARTS, partMetrics, type DataPart, type LessonMetrics } from './lesson-metrics';
import { checkArchitecture } from './lesson-file';
import { lessonProblem } from './image-stack';
import { arraysOfParams, paramsOfArrays, type SavedEarlyStopping, type TrainingProgress } from './saved-progress';
import { TEST_IMAGES_SHOWN, type BackendInfo, type FeatureMaps, type NetworkParams, type PlaygroundStore, type TrainerPort } from './store';

/** The languages of the exported training scripts. */
export type CodeLanguage = 'pytorch' | 'keras';

export interface NetworkSpec {
  inputs: number;
  /** One example's shape: [inputs], or an image's [height, width, channels]. */
  inputShape: number[];
  /** An image lesson's layers before the output layer (model-file configs), or null. */
  stack: readonly LayerConfig[] | null;
  /** Hidden layers, then the output layer. */
  layers: readonly LayerSpec[];
  training: TrainingSpec;
  /** Rows per training step. */
  batchRows: number;
  /** The lesson's classes (0: regression): what the metrics count (lesson-metrics.ts metricCountsInfo). */
  classes: number;
}

/**
 * Rows of inputs (row-major [rows, inputs]), their targets (row-major [rows, output units]) and labels (each
 * row's class index; for regression the targets again), which the metrics count against on the device.
 */
export interface DataSet {
  x: Float32Array;
  y: Float32Array;
  labels: Float32Array;
  rows: number;
}

/** A set with no rows (a lesson without validation or test rows). */
export const EMPTY_DATA_SET: DataSet = { x: new Float32Array(0), y: new Float32Array(0), labels: new Float32Array(0), rows: 0 };

/**
 * A set's mean loss (as the lesson displays it, without the regularization penalty) and the metrics' counts
 * the device reduced its outputs to (ops.metricCounts for lesson-metrics.ts's metricCountsInfo): a few numbers.
 */
export interface SetEvaluation {
  loss: number;
  counts: Float32Array;
}

/** How the engine trains, for the engine panel. */
export interface EngineInfo {
  /** 'fused': one dispatch per step; 'plan': a traced plan of kernels; 'eager': op by op (CPU). */
  path: TrainerPath;
  dispatchesPerStep: number;
  /** The steps run on the CPU (WebAssembly or the reference backend), not on a GPU. */
  cpu?: boolean;
  /** The engine's running counters (engineStats()). */
  counters: EngineStats;
}

/**
 * A built network on some backend. Training and changes are issued one at a time (the trainer awaits
 * each); the reads that publish results (evaluate, getParams, the grids) are issued together.
 */
export interface EngineNetwork {
  engineInfo(): EngineInfo;
  /** `validation` and `test` may be empty (rows 0). */
  setData(train: DataSet, validation: DataSet, test: DataSet, firstRow?: number): void;
  /** Learning rate, batch, regularization rates or optimizer parameters changed: apply from the next step, keeping the weights. */
  setTraining(training: TrainingSpec, batchRows: number): Promise<void>;
  /**
   * The next `count` training steps. Steps walk the training set in order, cyclically, batchRows rows each
   * (the engine's compiled trainer), restarting at row 0 after setTraining, and after setData at its
   * `firstRow` (default 0: a saved lesson goes on from the row it had reached).
   */
  trainBatches(count: number): Promise<void>;
  /**
   * Each non-empty set's loss and metric counts (null for an empty one), reduced on the device: the
   * confusion counts always, a two-class lesson's threshold counts only with `curves` (the metrics panel's
   * updates, a few a second: 400 numbers a set that a frame's accuracy does not need).
   */
  evaluate(curves?: boolean): Promise<{ train: SetEvaluation | null; validation: SetEvaluation | null; test: SetEvaluation | null }>;
  /**
   * The network's outputs [rows, units] for the first `rows` rows of one set (default every row): read only
   * on demand (a highlighted cell, the test images an image lesson shows).
   */
  outputs(part: DataPart, rows?: number): Promise<Float32Array>;
  /**
   * Every hidden and output node over a resolution² grid of the plane (layout of grid.ts): result[l][j] is
   * node j of layer l (hidden layers then the output; a softmax output as probabilities).
   */
  evaluateGrid(resolution: number, plane: GridPlane): Promise<Float32Array[][]>;
  /** The output nodes alone, [units, resolution²] (the big plot, finer than the per-node grids). */
  evaluateOutput(resolution: number, plane: GridPlane): Promise<Float32Array>;
  getParams(): Promise<NetworkParams>;
  /** The network's outputs for rows of inputs (row-major [rows, ...inputShape]). */
  predict(x: Float32Array, rows: number): Promise<Float32Array>;
  /** The first convolution's kernel [kh, kw, channels, filters], or null without one. */
  filters(): Promise<{ shape: number[]; values: Float32Array; bias: Float32Array } | null>;
  /** Every layer's output (activations) for one example, without the batch axis. */
  layerOutputs(x: Float32Array): Promise<FeatureMaps[]>;
  /** Overwrite every weight and bias (getParams' layout): a snapshot restored, or a move between backends. */
  setParams(params: NetworkParams): void;
  /** Resolves when the device has finished every step queued so far (at once on the CPU). */
  workDone(): Promise<void>;
  setWeight(column: number, from: number, to: number, value: number): Promise<void>;
  setBias(column: number, index: number, value: number): Promise<void>;
  /** What a Keras callback (early stopping) may touch. */
  callbackModel(): CallbackModel;
  /** The model file (architecture, compile config, weights, optimizer state). */
  toJSON(): Promise<ModelJSON>;
  /** Keras's model.summary(): layers, output shapes, parameters. */
  summary(): Summary;
  /** A Python script rebuilding the trained model (exportPyTorch / exportKeras). */
  exportScript(language: CodeLanguage, options: ExportOptions): Promise<string>;
  dispose(): void;
}

export interface EngineAdapter {
  /**
   * Pick and start a backend; says which and, if it is not WebGPU, why. Later changes (a faster backend
   * ready, a lost device, an engine error) come through `onEvent`.
   */
  start(onEvent?: (event: BackendEvent) => void): Promise<BackendInfo>;
  /** A fresh network for the spec, or the `saved` model (which must have the spec's layers) to train on from where it stopped. */
  createNetwork(spec: NetworkSpec, saved?: ModelJSON | null): Promise<EngineNetwork>;
  /**
   * The network that trains now and its training set, after each build, data upload and batch change: an
   * engine that picks its backend by timing steps (measured-engine.ts) times them on these.
   */
  networkChanged?(spec: NetworkSpec, train: DataSet): void;
  /** While true (the engine is timing its paths), animation frames train nothing, so training does not skew the timing. */
  trainingHeld?(): boolean;
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
  /** While training, the metrics panel's figures are recomputed at most this often, ms (always when paused). */
  metricsIntervalMs?: number;
}

/** A saved model to build instead of a fresh one at the next reset, the epoch it had reached and where in it. */
export interface SavedModel {
  model: ModelJSON;
  epoch: number;
  /** The batch and row reached and early stopping's state; null: the epoch's start, early stopping afresh. */
  progress?: TrainingProgress | null;
}

export function networkSpec(lesson: Lesson, trainRows: number): NetworkSpec {
  return {
    inputs: inputCount(lesson.data),
    inputShape: inputShape(lesson.data),
    stack: lesson.stack,
    layers: lesson.model,
    training: lesson.training,
    batchRows: batchRows(lesson.training, trainRows),
    classes: lesson.data.classes,
  };
}

/** A part of the lesson's data as the network's input matrix and targets. */
export function dataSet(lesson: Lesson, samples: readonly Sample[]): DataSet {
  const labels = samples.map((s) => s.label);
  const y = encodeTargets(lesson, labels);
  return { x: encodeInputs(lesson, samples), y, labels: isClassification(lesson) ? Float32Array.from(labels) : y, rows: samples.length };
}

/** Share of a set's samples whose predicted class is their label, from its confusion counts. */
function accuracy(lesson: Lesson, e: SetEvaluation): number {
  return accuracyOfCounts(e.counts, lesson.data.classes);
}

/** Why a saved lesson's batch or row does not lie inside the data its settings give, or null. */
function progressMisfit(progress: TrainingProgress, rows: number, batches: number): string | null {
  if (progress.firstRow >= rows) return `lesson file: progress.firstRow ${progress.firstRow} is past the lesson's ${rows} training rows; training goes on from the epoch's start`;
  if (progress.position >= batches) return `lesson file: progress.position ${progress.position} is past the ${batches} batches of an epoch; training goes on from the epoch's start`;
  return null;
}

function fitsLesson(lesson: Lesson, model: ModelJSON): boolean {
  try {
    checkArchitecture(lesson, model);
    return true;
  } catch {
    return false;
  }
}

/** The metrics panel's figures for every non-empty part, from the counts evaluate() already read back. */
function lessonMetrics(lesson: Lesson, scores: Awaited<ReturnType<EngineNetwork['evaluate']>>): LessonMetrics {
  const metrics: LessonMetrics = {};
  for (const part of DATA_PARTS) {
    const e = scores[part];
    if (e) metrics[part] = partMetrics(lesson, e.counts);
  }
  return metrics;
}

export class Trainer implements TrainerPort {
  private network: EngineNetwork | null = null;
  /** The lesson and data the network was built for. */
  private lesson: Lesson | null = null;
  private data: LessonData | null = null;
  /** The training set as uploaded to the network. */
  private trainSet: DataSet = EMPTY_DATA_SET;
  private plane: GridPlane | null = null;
  private inputGrids: Float32Array[] = [];
  private earlyStopping: EarlyStopping | null = null;
  /** The last epoch early stopping has seen. */
  private checkedEpoch = 0;
  private epoch = 0;
  /** Next batch of the current epoch (a frame may end mid-epoch when an epoch outlasts the budget). */
  private position = 0;
  /** The training row the network's next batch starts at (its compiled trainer walks the rows cyclically). */
  private firstRow = 0;
  /** The weights of early stopping's best epoch, as published then, for a lesson file (restoreBestWeights only). */
  private bestParams: NetworkParams | null = null;
  /** Early stopping's last verdict found a new best: the next parameters read are its weights. */
  private bestPending = false;
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
  private readonly metricsIntervalMs: number;
  /** When the metrics were last computed (scheduler time). */
  private metricsAt = -Infinity;
  /** Built by the next reset instead of a fresh network (a lesson file being opened). */
  private pendingModel: SavedModel | null = null;
  /** Totals since start, and the engine panel's last sample of them (rates are measured over ≥ 1 s). */
  private stepsRun = 0;
  private framesRun = 0;
  private debugSample: { at: number; steps: number; frames: number; counters: EngineStats } | null = null;
  /** An image lesson's epoch whose scores were last published (they are read at an epoch's end, not every frame). */
  private scoredEpoch = -1;
  /** The images-per-second measure: its last sample, and its latest value. */
  private rateSample: { at: number; steps: number } | null = null;
  private imagesPerSecond: number | null = null;

  constructor(
    private readonly store: PlaygroundStore,
    private readonly engine: EngineAdapter,
    private readonly scheduler: FrameScheduler = animationFrameScheduler,
    { outputResolution = 200, neuronResolution = 64, epochsPerFrame = 1, frameBudgetMs = 10, metricsIntervalMs = 250 }: TrainerOptions = {},
  ) {
    this.metricsIntervalMs = metricsIntervalMs;
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
      // Another architecture costs differently per step.
      this.budget.reset();
      this.metricsAt = -Infinity;
      const { lesson } = this.store.getState();
      // The opened file's model, unless the lesson changed before its table arrived (then it no longer fits).
      const saved = this.pendingModel && fitsLesson(lesson, this.pendingModel.model) ? this.pendingModel : null;
      this.epoch = saved?.epoch ?? 0;
      await this.rebuild(generation, null, saved);
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
      const { lesson, data } = this.store.getState();
      this.lesson = lesson;
      await this.network.setTraining(lesson.training, batchRows(lesson.training, data.train.length));
      this.engine.networkChanged?.(networkSpec(lesson, data.train.length), this.trainSet);
      this.startEarlyStopping();
      // Batch boundaries moved: the pass in progress starts over, and the network's batches at row 0.
      this.position = 0;
      this.firstRow = 0;
    });
  }

  viewChanged(): void {
    const generation = this.generation;
    this.enqueue(async () => {
      if (!this.network) return;
      this.lesson = this.store.getState().lesson;
      this.updatePlane();
      await this.publish(generation);
    });
  }

  playingChanged(playing: boolean): void {
    if (playing) this.requestFrame();
  }

  drawingChanged(): void {
    this.enqueue(async () => this.classifyDrawing());
  }

  inspectedChanged(): void {
    this.enqueue(async () => this.publishFeatureMaps());
  }

  highlightChanged(): void {
    const generation = this.generation;
    this.enqueue(async () => this.publishHighlight(generation));
  }

  mistakesChanged(): void {
    const generation = this.generation;
    this.enqueue(async () => {
      const probabilities = await this.testImageProbabilities();
      if (probabilities && generation === this.generation) this.store.getState().publishTestProbabilities(probabilities);
    });
  }

  /** The next reset builds this saved model instead of a fresh one (the store resets right after). */
  loadModel(saved: SavedModel): void {
    this.pendingModel = saved;
  }

  /** The current model's file and the epoch it reached, after the work queued before. */
  saveModel(): Promise<SavedModel> {
    return this.afterQueue(async (network) => {
      const model = await network.toJSON();
      return { model, epoch: this.epoch, progress: this.progress(model) };
    });
  }

  /** Where training stands beyond the model: the batch and row reached, early stopping's state and best weights. */
  private progress(model: ModelJSON): TrainingProgress {
    const es = this.earlyStopping;
    const keepsBest = es !== null && es.restoreBestWeights && es.bestEpoch >= 0 && this.bestParams !== null;
    return {
      position: this.position,
      firstRow: this.firstRow,
      earlyStopping: es && { ...es.state, bestWeights: keepsBest ? arraysOfParams(this.bestParams!, model) : null },
    };
  }

  /** The exported script for the current model, with the lesson's preprocessing and data. */
  exportScript(language: CodeLanguage): Promise<string> {
    return this.afterQueue((network) => network.exportScript(language, this.exportOptions()));
  }

  /** Run `work` on the network once the queue is done; rejects (without pausing training) when there is none or it fails. */
  private afterQueue<T>(work: (network: EngineNetwork) => Promise<T>): Promise<T> {
    const result = this.queue.then(() => {
      if (!this.network) throw new Error('there is no network yet (the data is still loading)');
      return work(this.network);
    });
    this.queue = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /**
   * What the exported script takes along: the standardization a table went through, and the data as the
   * model's raw inputs (before it) and targets, the training and validation rows to train on, the test rows
   * to score. Playground data is small, so it is embedded; an image lesson's script reads the shipped image file.
   */
  private exportOptions(): ExportOptions {
    const { lesson, data } = this;
    if (!lesson || !data) return {};
    // An image set is megabytes: the script reads the shipped file (its name without the data/ folder).
    if (lesson.data.kind === 'images') {
      const file = IMAGE_DATASETS[lesson.data.dataset].file.split('/').pop() as string;
      return { data: { file, format: 'images' }, batchSize: batchRows(lesson.training, data.train.length) };
    }
    const st = data.standardization;
    const raw = (samples: readonly Sample[]) => {
      const x = encodeInputs(lesson, samples);
      if (st) for (let i = 0; i < x.length; i++) x[i] = x[i] * st.std[i % st.std.length] + st.mean[i % st.mean.length];
      return x;
    };
    const units = outputLayer(lesson).units;
    const width = inputCount(lesson.data);
    const part = (samples: readonly Sample[]) => ({ x: { shape: [samples.length, width], values: raw(samples) }, y: { shape: [samples.length, units], values: encodeTargets(lesson, samples.map((s) => s.label)) } });
    const fit = part([...data.train, ...data.validation]);
    const test = data.test.length > 0 ? part(data.test) : null;
    const embedded: EmbeddedData = { x: fit.x, y: fit.y, ...(test && { xTest: test.x, yTest: test.y }) };
    return {
      ...(st && { preprocessing: { kind: 'standardize' as const, mean: st.mean, std: st.std } }),
      data: embedded,
      batchSize: batchRows(lesson.training, data.train.length),
    };
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
   * As many steps as the frame budget fits (at most epochsPerFrame epochs; with early stopping, up to the
   * epoch's end, which it judges), queued at once and timed to their completion on the device; then publish.
   * Until a step has been timed, the frame first runs one to completion.
   */
  private async frame(): Promise<void> {
    const network = this.network;
    if (!network || this.engine.trainingHeld?.()) return;
    const generation = this.generation;
    const frameStarted = this.scheduler.now();
    this.framesRun++;
    let left = this.earlyStopping ? this.batchesPerEpoch() - this.position : this.epochsPerFrame * this.batchesPerEpoch();
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
    // An image lesson scores its sets once an epoch; between, the frame waits for its steps so the
    // progress shown is work done and the queue never runs ahead of the device.
    if (this.lesson?.view.kind === 'images' && this.epoch === this.scoredEpoch) {
      await network.workDone();
      if (generation === this.generation) this.publishProgress();
    } else {
      await this.publish(generation);
    }
    this.budget.frameTook(this.scheduler.now() - frameStarted);
  }

  private batchesPerEpoch(): number {
    const { data, lesson } = this.store.getState();
    return Math.max(1, Math.ceil(data.train.length / batchRows(lesson.training, data.train.length)));
  }

  /** A fresh early-stopping callback on the current network (or none), as Keras's EarlyStopping at fit's start. */
  private startEarlyStopping(): void {
    // Frees the previous callback's best-weights copy.
    this.earlyStopping?.onTrainBegin();
    const spec = this.lesson?.training.earlyStopping;
    this.earlyStopping = spec && this.network ? new EarlyStopping(spec) : null;
    this.earlyStopping?.setModel(this.network!.callbackModel());
    this.earlyStopping?.onTrainBegin();
    this.checkedEpoch = this.epoch;
    this.bestParams = null;
    this.bestPending = false;
  }

  /** The weights read right after early stopping found a new best are that epoch's: kept for a lesson file. */
  private keepBest(params: NetworkParams): void {
    if (!this.bestPending) return;
    this.bestParams = params;
    this.bestPending = false;
  }

  /** Early stopping as a saved lesson left it: its counts, and a device copy of its best weights (put there for the copy, then back). */
  private async resumeEarlyStopping(saved: SavedEarlyStopping): Promise<void> {
    const es = this.earlyStopping;
    const network = this.network;
    if (!es || !network) return;
    let snapshot: WeightSnapshot | null = null;
    this.bestParams = null;
    if (saved.bestWeights && es.restoreBestWeights) {
      const best = paramsOfArrays(saved.bestWeights);
      const current = await network.getParams();
      network.setParams(best);
      snapshot = network.callbackModel().snapshotWeights();
      network.setParams(current);
      this.bestParams = best;
    }
    es.resume(saved, snapshot);
  }

  /** The grids' plane for the current lesson and data, and the inputs' own heatmaps over it. */
  private updatePlane(): void {
    if (!this.lesson || !this.data) return;
    if (this.lesson.view.kind === 'images') {
      this.plane = null;
      this.inputGrids = [];
      return;
    }
    this.plane = gridPlane(this.lesson, this.data);
    this.inputGrids = inputHeatmaps(this.plane, this.neuronResolution);
  }

  private async trainBatches(count: number): Promise<void> {
    if (!this.network || count <= 0) return;
    await this.network.trainBatches(count);
    this.stepsRun += count;
    this.position += count;
    const { data, lesson } = this.store.getState();
    this.firstRow = (this.firstRow + count * batchRows(lesson.training, data.train.length)) % Math.max(1, data.train.length);
    if (this.position >= this.batchesPerEpoch()) {
      this.position = 0;
      this.epoch++;
    }
  }

  /** The lesson's data to the network, its batches from `firstRow` on (a saved lesson's), the epoch's from its start. */
  private uploadData(firstRow = 0): void {
    const { data, lesson } = this.store.getState();
    this.lesson = lesson;
    this.data = data;
    this.trainSet = dataSet(lesson, data.train);
    this.network?.setData(this.trainSet, dataSet(lesson, data.validation), dataSet(lesson, data.test), firstRow);
    this.engine.networkChanged?.(networkSpec(lesson, data.train.length), this.trainSet);
    this.updatePlane();
    this.position = 0;
    this.firstRow = firstRow;
    this.scoredEpoch = -1;
    this.rateSample = null;
    this.imagesPerSecond = null;
  }

  /** Read losses, parameters and grids (asynchronously) and hand them to the store, unless a reset came since. */
  private async publish(generation: number): Promise<void> {
    if (this.lesson?.view.kind === 'images') return this.publishImages(generation);
    const network = this.network;
    const { lesson, data, plane } = this;
    if (!network || !lesson || !data || !plane) return;
    const metricsDue = this.metricsDue();
    let scores = await network.evaluate(metricsDue);
    if (generation !== this.generation) return;
    const verdict = this.judgeEpoch(scores);
    if (verdict.restored) scores = await network.evaluate(metricsDue);
    // Issued together: their kernels queue back to back and their readbacks overlap, instead of one
    // round trip to the GPU after another.
    const [params, nodes, output] = await Promise.all([
      network.getParams(),
      network.evaluateGrid(this.neuronResolution, plane),
      network.evaluateOutput(this.outputResolution, plane),
    ]);
    if (generation !== this.generation) return;
    this.keepBest(params);
    const diverged = this.snapshots.offer({
      epoch: this.epoch,
      position: this.position,
      trainLoss: scores.train?.loss ?? Number.NaN,
      testLoss: scores.test?.loss ?? null,
      params,
    });
    if (diverged !== null) return this.rollBack(diverged, generation);
    // The stop is shown with the results it ends on.
    if (verdict.stoppedAt !== null) this.store.getState().publishStopped(verdict.stoppedAt);
    const classify = isClassification(lesson);
    const score = (e: SetEvaluation | null) => (classify && e ? accuracy(lesson, e) : null);
    this.store.getState().publishResults({
      metrics: metricsDue ? lessonMetrics(lesson, scores) : undefined,
      validationAccuracy: score(scores.validation),
      epoch: this.epoch,
      trainLoss: scores.train?.loss ?? Number.NaN,
      testLoss: scores.test?.loss ?? Number.NaN,
      validationLoss: scores.validation?.loss ?? Number.NaN,
      trainAccuracy: score(scores.train),
      testAccuracy: score(scores.test),
      network: params,
      heatmaps: {
        outputResolution: this.outputResolution,
        output,
        outputUnits: lesson.model[lesson.model.length - 1].units,
        radius: plane.radius,
        neuronResolution: this.neuronResolution,
        columns: [this.inputGrids, ...nodes],
      },
    });
    // A highlighted cell's points follow the counts it was picked from.
    if (metricsDue) await this.publishHighlight(generation);
    this.publishDebug();
  }

  /**
   * The predicted class of every point of the highlighted confusion cell's part: the one per-sample read
   * of the metrics, made only while a cell is highlighted.
   */
  private async publishHighlight(generation: number): Promise<void> {
    const { highlight, highlightClasses } = this.store.getState();
    const network = this.network;
    const lesson = this.lesson;
    if (!highlight) {
      if (highlightClasses) this.store.getState().publishHighlightClasses(null);
      return;
    }
    if (!network || !lesson || !this.data || !isClassification(lesson)) return;
    const rows = this.data[highlight.part].length;
    if (rows === 0) return;
    const predicted = decodeClasses(lesson, await network.outputs(highlight.part), rows);
    if (generation === this.generation && this.store.getState().highlight?.part === highlight.part) this.store.getState().publishHighlightClasses({ part: highlight.part, predicted });
  }

  /**
   * The probabilities of the test images the grid needs (see ImageResults): the first few it shows, or all of
   * them while it shows only the mistakes. Null without a network or test images.
   */
  private async testImageProbabilities(): Promise<Float32Array | null> {
    const network = this.network;
    const rows = this.data?.test.length ?? 0;
    if (!network || rows === 0) return null;
    return network.outputs('test', this.store.getState().onlyMistakes ? rows : Math.min(TEST_IMAGES_SHOWN, rows));
  }

  /** An image lesson's scores (every set's loss and accuracy, the test set's confusion counts, the shown test images' probabilities, the filters), progress and drawn digit. */
  private async publishImages(generation: number): Promise<void> {
    const network = this.network;
    const { lesson, data } = this;
    if (!network || !lesson || !data) return;
    let scores = await network.evaluate();
    if (generation !== this.generation) return;
    const verdict = this.judgeEpoch(scores);
    if (verdict.restored) scores = await network.evaluate();
    const [params, filters] = await Promise.all([network.getParams(), network.filters()]);
    if (generation !== this.generation) return;
    this.keepBest(params);
    const diverged = this.snapshots.offer({ epoch: this.epoch, position: this.position, trainLoss: scores.train?.loss ?? Number.NaN, testLoss: scores.test?.loss ?? null, params });
    if (diverged !== null) return this.rollBack(diverged, generation);
    if (verdict.stoppedAt !== null) this.store.getState().publishStopped(verdict.stoppedAt);
    this.scoredEpoch = this.epoch;
    const score = (e: SetEvaluation | null) => (e ? accuracy(lesson, e) : null);
    // The confusion matrix is the device's counts; only the test images the grid shows are read back.
    const testConfusion = scores.test ? confusionFromCounts(scores.test.counts, lesson.data.classes) : [];
    const testProbabilities = (await this.testImageProbabilities()) ?? new Float32Array(0);
    if (generation !== this.generation) return;
    this.store.getState().publishResults({
      epoch: this.epoch,
      trainLoss: scores.train?.loss ?? Number.NaN,
      testLoss: scores.test?.loss ?? Number.NaN,
      validationLoss: scores.validation?.loss ?? Number.NaN,
      trainAccuracy: score(scores.train),
      testAccuracy: score(scores.test),
      network: params,
      images: { testConfusion, testProbabilities, filters },
    });
    this.publishProgress();
    await this.classifyDrawing();
    await this.publishFeatureMaps();
    this.publishDebug();
  }

  /** Where the epoch stands, and the training rate measured over at least a second. */
  private publishProgress(): void {
    const { data, lesson } = this.store.getState();
    const rows = batchRows(lesson.training, data.train.length);
    const now = this.scheduler.now();
    const sample = this.rateSample;
    if (!sample) this.rateSample = { at: now, steps: this.stepsRun };
    else if (now - sample.at >= 1000) {
      this.imagesPerSecond = ((this.stepsRun - sample.steps) * rows * 1000) / (now - sample.at);
      this.rateSample = { at: now, steps: this.stepsRun };
    }
    const batches = this.batchesPerEpoch();
    const rate = this.imagesPerSecond;
    this.store.getState().publishImageProgress({
      batch: this.position,
      batches,
      imagesPerSecond: rate,
      secondsLeft: rate ? ((batches - this.position) * rows) / rate : null,
    });
  }

  /** The network's class probabilities for the digit drawn on the canvas (image lessons). */
  private async classifyDrawing(): Promise<void> {
    const { drawing, lesson } = this.store.getState();
    const network = this.network;
    if (!drawing || !network || lesson.data.kind !== 'images' || drawing.length !== inputCount(lesson.data)) return;
    const generation = this.generation;
    const probabilities = await network.predict(drawing, 1);
    // A newer drawing or network asks again.
    if (generation === this.generation && this.store.getState().drawing === drawing) this.store.getState().publishDrawingProbabilities(probabilities);
  }

  /** Every layer's output for the inspected test image (image lessons). */
  private async publishFeatureMaps(): Promise<void> {
    const { inspected, data, lesson } = this.store.getState();
    const network = this.network;
    const sample = data.test[inspected];
    if (!network || !sample || lesson.data.kind !== 'images') return;
    const generation = this.generation;
    const maps = await network.layerOutputs(Float32Array.from(sample.values));
    if (generation === this.generation && this.store.getState().inspected === inspected) this.store.getState().publishFeatureMaps(maps);
  }

  /** Metrics are recomputed on every publish while paused, and every metricsIntervalMs while training. */
  private metricsDue(): boolean {
    const now = this.scheduler.now();
    if (this.store.getState().playing && now - this.metricsAt < this.metricsIntervalMs) return false;
    this.metricsAt = now;
    return true;
  }

  /**
   * Early stopping's verdict on the epochs completed since it last looked (Keras's logs: loss, accuracy and
   * their val_ forms): the epoch it stopped at, and whether it put back the best weights (the scores are stale).
   */
  private judgeEpoch(scores: Awaited<ReturnType<EngineNetwork['evaluate']>>): { stoppedAt: number | null; restored: boolean } {
    const none = { stoppedAt: null, restored: false };
    const es = this.earlyStopping;
    if (!es || !this.lesson || !this.data || this.epoch <= this.checkedEpoch) return none;
    this.checkedEpoch = this.epoch;
    const logs: Record<string, number> = { loss: scores.train?.loss ?? Number.NaN };
    const validation = scores.validation ?? scores.test;
    if (validation) logs.val_loss = validation.loss;
    if (isClassification(this.lesson)) {
      if (scores.train) logs.accuracy = accuracy(this.lesson, scores.train);
      if (validation) logs.val_accuracy = accuracy(this.lesson, validation);
    }
    // Keras counts epochs from 0.
    es.onEpochEnd(this.epoch - 1, logs);
    this.bestPending = es.restoreBestWeights && es.bestEpoch === this.epoch - 1;
    const model = this.network!.callbackModel();
    if (!model.stopTraining) return none;
    model.stopTraining = false;
    this.earlyStopping = null;
    this.store.getState().pause();
    return { stoppedAt: this.epoch, restored: es.restoreBestWeights && es.bestEpoch >= 0 };
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
      cpu: info.cpu,
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
    const snapshot = this.rollingBack ? null : this.snapshots.rollBack();
    const learningRate = state.lesson.training.optimizer.learningRate;
    const alert = { kind: 'diverged' as const, epoch: this.epoch, restoredEpoch: snapshot?.epoch ?? 0, what, learningRate };
    // The alert is shown only with the state it restored: until then the views still hold the last frame
    // before the overflow, finite but huge (1e29), which the alert must not be read against.
    if (!snapshot || !this.network) {
      // Nothing finite to go back to (the very first results): start the run again.
      state.reset();
      const fresh = this.generation;
      this.enqueue(async () => {
        if (fresh === this.generation) this.store.getState().publishAlert(alert);
      });
      return;
    }
    // A new network, not only new weights: the optimizer's slots overflowed too.
    this.network.dispose();
    this.network = null;
    this.epoch = snapshot.epoch;
    this.rollingBack = true;
    try {
      await this.rebuild(generation, snapshot.params);
    } finally {
      this.rollingBack = false;
    }
    // Not when the restored state diverged again (that started the run over, with its own alert) or a reset came since.
    if (generation === this.generation && this.network) this.store.getState().publishAlert(alert);
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

  /**
   * A new network on the active backend for the current lesson, with these weights, or the opened file's
   * model, or the seed's; then publish.
   */
  private async rebuild(generation: number, params: NetworkParams | null, saved: SavedModel | null = null): Promise<void> {
    const { lesson, data } = this.store.getState();
    // A table still loading: the store resets again when it arrives. An impossible image network is
    // explained on its layer and not built until it is fixed.
    if (data.train.length === 0 || lessonProblem(lesson)) return;
    const network = await this.engine.createNetwork(networkSpec(lesson, data.train.length), saved?.model);
    if (generation !== this.generation) {
      network.dispose();
      return;
    }
    if (saved) this.pendingModel = null;
    if (params) network.setParams(params);
    this.network = network;
    this.lesson = lesson;
    let progress = saved?.progress ?? null;
    const misfit = progress && progressMisfit(progress, data.train.length, this.batchesPerEpoch());
    if (misfit) {
      // The model is the file's; only where it stood is lost: the epoch starts over, early stopping afresh.
      this.store.getState().publishError(misfit);
      progress = null;
    }
    this.uploadData(progress?.firstRow ?? 0);
    this.position = progress?.position ?? 0;
    // Early stopping starts over on the new network (its best weights were copies on the old one's device),
    // unless a saved lesson says where it stood.
    this.startEarlyStopping();
    if (progress?.earlyStopping) await this.resumeEarlyStopping(progress.earlyStopping);
    this.store.getState().publishSummary(network.summary());
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
