// The fit loop: epochs of (shuffled) batches through the train step, epoch logs, validation and callbacks.
// The data lives on the device, uploaded once; each epoch writes one row permutation that the batches
// gather from. Host reads: the summed epoch loss once per epoch, a batch loss only when a batch callback
// wants it.
import type { OptimizerConfig } from '../engine/backend/backend';
import { createBatchRunner } from '../engine/batch-runner';
import * as ops from '../engine/ops';
import type { Rng } from '../engine/random';
import { activeBackend } from '../engine/registry';
import { noGrad, type Tensor } from '../engine/tensor';
import type { Callback, CallbackModel, Logs } from './callbacks';
import { scoringPass, type DeviceData, type RepeatedPass, type ScoredModel } from './evaluate';
import type { TrainStep } from './train-step';

export interface FitOptions {
  epochs?: number;
  batchSize?: number;
  shuffle?: boolean;
  /** The LAST fraction of x/y (before shuffling) is held out, as in Keras. */
  validationSplit?: number;
  validationData?: [unknown, unknown];
  callbacks?: Callback[];
  onEpochBegin?: (epoch: number) => void | Promise<void>;
  onEpochEnd?: (epoch: number, logs: Logs) => void | Promise<void>;
  onBatchEnd?: (batch: number, logs: Logs) => void | Promise<void>;
  /**
   * Aborting stops before the next epoch (an epoch's batches are queued together), or before the next batch
   * when batch callbacks make them run one at a time; an interrupted epoch is not recorded.
   */
  signal?: AbortSignal;
  /** 1 prints one line per epoch (console.log); 0 (default) is silent. */
  verbose?: 0 | 1;
  /** Epoch index to start from (the epochs run are initialEpoch … epochs − 1). */
  initialEpoch?: number;
}

export interface History {
  epoch: number[];
  history: Record<string, number[]>;
}

export interface FitHost {
  /** What callbacks receive (setModel) and whose stopTraining flag ends the loop. */
  model: CallbackModel;
  scored: ScoredModel;
  step: TrainStep;
  /** The optimizer settings the step reads: when a callback changes them, the recorded step is rebuilt. */
  optimizer: OptimizerConfig;
  shuffleRng: Rng;
}

/** fit's counts, checked. */
export function fitCounts(options: FitOptions): { epochs: number; batchSize: number; initialEpoch: number } {
  const epochs = options.epochs ?? 1;
  const batchSize = options.batchSize ?? 32;
  const initialEpoch = options.initialEpoch ?? 0;
  if (!Number.isInteger(epochs) || epochs < 0) throw new Error(`fit: epochs must be a non-negative integer, got ${options.epochs}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`fit: batchSize must be a positive integer, got ${options.batchSize}`);
  if (!Number.isInteger(initialEpoch) || initialEpoch < 0) throw new Error(`fit: initialEpoch must be a non-negative integer, got ${options.initialEpoch}`);
  return { epochs, batchSize, initialEpoch };
}

/**
 * The passes a fit call runs over its data: the training batches, and the scoring of the training
 * metrics and of the validation data. They can serve any number of fit calls over the same device data
 * (the model keeps them, see call-cache.ts); a changed optimizer setting re-records the training step.
 */
export interface FitPasses {
  training: TrainingPass;
  trainScore: RepeatedPass<Record<string, number>> | null;
  valScore: RepeatedPass<Record<string, number>> | null;
  dispose(): void;
}

export function fitPasses(host: FitHost, train: DeviceData, validation: DeviceData | null, batchSize: number): FitPasses {
  const training = trainingPass(host, train, batchSize);
  const made: { dispose(): void }[] = [training];
  try {
    const trainScore = host.scored.metrics.length ? scoringPass(host.scored, train, SCORE_CHUNK, { withLoss: false, repeated: true }) : null;
    if (trainScore) made.push(trainScore);
    const valScore = validation && scoringPass(host.scored, validation, SCORE_CHUNK, { repeated: true });
    if (valScore) made.push(valScore);
    return { training, trainScore, valScore, dispose: () => made.forEach((p) => p.dispose()) };
  } catch (e) {
    made.forEach((p) => p.dispose());
    throw e;
  }
}

/**
 * Epochs of training batches: each epoch one row permutation (seeded), then its batches queued together
 * on the compiled path (src/engine/batch-runner.ts), and the epoch's summed loss read once. With batch
 * callbacks the batches run one at a time so each callback sees its batch. The caller owns `passes`.
 */
export async function runFit(host: FitHost, passes: FitPasses, options: FitOptions): Promise<History> {
  const { epochs, initialEpoch } = fitCounts(options);
  const shuffle = options.shuffle ?? true;
  const { training, trainScore, valScore } = passes;
  const rows = training.rows;
  const callbacks = options.callbacks ?? [];
  const wantBatchLoss = options.onBatchEnd !== undefined || callbacks.some((c) => c.onBatchEnd);
  const perBatch = wantBatchLoss || callbacks.some((c) => c.onBatchBegin);
  const history: History = { epoch: [], history: {} };

  const model = host.model;
  model.stopTraining = false;
  for (const c of callbacks) c.setModel?.(model);
  for (const c of callbacks) await c.onTrainBegin?.();

  for (let epoch = initialEpoch; epoch < epochs && !model.stopTraining && !options.signal?.aborted; epoch++) {
    await options.onEpochBegin?.(epoch);
    for (const c of callbacks) await c.onEpochBegin?.(epoch);
    const order = Array.from({ length: rows }, (_, i) => i);
    if (shuffle) host.shuffleRng.shuffle(order);
    training.begin(order);
    let seen = 0;
    let aborted = false;
    if (perBatch) {
      for (let batch = 0; batch < training.batches; batch++) {
        if (options.signal?.aborted) {
          aborted = true;
          break;
        }
        const size = training.batchRows(batch);
        for (const c of callbacks) await c.onBatchBegin?.(batch, { batch, size });
        const loss = training.run(1);
        seen += size;
        if (wantBatchLoss) {
          const logs = { batch, size, loss: (await loss.data())[0] };
          await options.onBatchEnd?.(batch, logs);
          for (const c of callbacks) await c.onBatchEnd?.(batch, logs);
        }
        if (model.stopTraining) break;
      }
    } else if (options.signal?.aborted) {
      aborted = true;
    } else {
      training.run(training.batches);
      seen = rows;
    }
    if (aborted) break;

    const logs: Logs = {};
    if (seen > 0) logs.loss = (await training.lossSum()) / seen;
    if (trainScore) Object.assign(logs, await trainScore.run());
    if (valScore) {
      const val = await valScore.run();
      for (const [k, v] of Object.entries(val)) logs[`val_${k}`] = v;
    }
    history.epoch.push(epoch);
    for (const [k, v] of Object.entries(logs)) (history.history[k] ??= []).push(v);
    if (options.verbose === 1) {
      console.log(`Epoch ${epoch + 1}/${epochs} - ${Object.entries(logs).map(([k, v]) => `${k}: ${v.toFixed(4)}`).join(' - ')}`);
    }
    await options.onEpochEnd?.(epoch, logs);
    for (const c of callbacks) await c.onEpochEnd?.(epoch, logs);
  }
  for (const c of callbacks) await c.onTrainEnd?.();
  return history;
}

const ZERO = new Float32Array(1);

/** Rows per forward pass when fit scores the training metrics and the validation data. */
const SCORE_CHUNK = 1024;

/** The training batches of an epoch, with Σ size·loss over those run kept on the device. */
interface TrainingPass {
  readonly rows: number;
  readonly batches: number;
  batchRows(i: number): number;
  /** Start an epoch over the rows in `order`; the loss sum restarts at 0. */
  begin(order: number[]): void;
  /** Train the epoch's next `count` batches; returns the last one's loss (valid until the next run). */
  run(count: number): Tensor;
  /** Σ size·loss over the epoch's batches run so far (one read). */
  lossSum(): Promise<number>;
  dispose(): void;
}

function trainingPass(host: FitHost, train: DeviceData, batchSize: number): TrainingPass {
  const b = activeBackend();
  const sum = ops.zeros([]);
  // The batch sizes as tensors made once, so a replayed step does not fill them again.
  const rows = train.x.shape[0];
  const sizes = new Map([...new Set([batchSize, rows % batchSize || batchSize])].map((n) => [n, ops.fill([], n)]));
  const runner = createBatchRunner({
    x: train.x,
    y: train.y,
    batchSize,
    updatesParameters: true,
    repeated: true,
    fn: (x, y, size) => {
      const loss = host.step(x, y as Tensor);
      noGrad(() => b.assign(sum.handle, ops.add(sum, ops.mul(loss, sizes.get(size) as Tensor)).handle));
      return loss;
    },
  });
  // The recorded step bakes in the optimizer's settings (a learning-rate schedule may change them).
  const settings = (): string => JSON.stringify(host.optimizer);
  let recorded = settings();
  return {
    rows,
    batches: runner.batches,
    batchRows: (i) => runner.batchRows(i),
    begin(order) {
      runner.begin(order);
      ops.write(sum, ZERO);
    },
    run(count) {
      if (settings() !== recorded) {
        runner.rebuild();
        recorded = settings();
      }
      return runner.run(count);
    },
    async lossSum() {
      return (await sum.data())[0];
    },
    dispose() {
      runner.dispose();
      for (const t of [sum, ...sizes.values()]) t.dispose();
    },
  };
}
