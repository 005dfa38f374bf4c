// The fit loop: epochs of (shuffled) batches through the train step, epoch logs, validation and callbacks.
// The data lives on the device; each epoch uploads one index permutation and cuts batches with gatherRows.
// Host reads: the summed epoch loss once per epoch, a batch loss only when a batch callback wants it.
import * as ops from '../engine/ops';
import type { Rng } from '../engine/random';
import { noGrad, tidy, type Tensor } from '../engine/tensor';
import type { Callback, CallbackModel, Logs } from './callbacks';
import type { ScoredModel } from './evaluate';
import { scoreRows } from './evaluate';
import type { HostArray } from './host-array';
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
  /** Aborting stops before the next batch; the interrupted epoch is not recorded. */
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

/** A data set on the device, with the host copy of its targets for the metrics. */
export interface DeviceData {
  x: Tensor;
  y: Tensor;
  yHost: HostArray;
}

export interface FitHost {
  /** What callbacks receive (setModel) and whose stopTraining flag ends the loop. */
  model: CallbackModel;
  scored: ScoredModel;
  step: TrainStep;
  shuffleRng: Rng;
}

export async function runFit(host: FitHost, train: DeviceData, validation: DeviceData | null, options: FitOptions): Promise<History> {
  const epochs = options.epochs ?? 1;
  const batchSize = options.batchSize ?? 32;
  const initialEpoch = options.initialEpoch ?? 0;
  if (!Number.isInteger(epochs) || epochs < 0) throw new Error(`fit: epochs must be a non-negative integer, got ${options.epochs}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`fit: batchSize must be a positive integer, got ${options.batchSize}`);
  if (!Number.isInteger(initialEpoch) || initialEpoch < 0) throw new Error(`fit: initialEpoch must be a non-negative integer, got ${options.initialEpoch}`);
  const shuffle = options.shuffle ?? true;
  const rows = train.x.shape[0];
  const callbacks = options.callbacks ?? [];
  const wantBatchLoss = options.onBatchEnd !== undefined || callbacks.some((c) => c.onBatchEnd);
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
    const permutation = ops.tensor(order, [rows]);
    let lossSum: Tensor | null = null;
    let seen = 0;
    let aborted = false;
    for (let batch = 0, start = 0; start < rows; batch++, start += batchSize) {
      if (options.signal?.aborted) {
        aborted = true;
        break;
      }
      const size = Math.min(batchSize, rows - start);
      for (const c of callbacks) await c.onBatchBegin?.(batch, { batch, size });
      // One tidy per batch: its activations, gradients and temporaries are freed when it ends.
      const previous: Tensor | null = lossSum;
      const { loss, sum } = tidy((): { loss: Tensor; sum: Tensor } => {
        const indices = ops.slice(permutation, [start], [size]);
        const batchLoss = host.step(ops.gatherRows(train.x, indices), ops.gatherRows(train.y, indices));
        const weighted = noGrad(() => ops.mul(batchLoss, ops.fill([], size)));
        return { loss: batchLoss, sum: previous ? noGrad(() => ops.add(previous, weighted)) : weighted };
      });
      previous?.dispose();
      lossSum = sum;
      seen += size;
      if (wantBatchLoss) {
        const logs = { batch, size, loss: (await loss.data())[0] };
        await options.onBatchEnd?.(batch, logs);
        for (const c of callbacks) await c.onBatchEnd?.(batch, logs);
      }
      if (loss !== sum) loss.dispose();
      if (model.stopTraining) break;
    }
    permutation.dispose();
    if (aborted) break;

    const logs: Logs = {};
    if (lossSum) {
      logs.loss = (await lossSum.data())[0] / seen;
      lossSum.dispose();
    }
    if (host.scored.metrics.length) Object.assign(logs, await scoreRows(host.scored, train.x, train.y, train.yHost, 1024, false));
    if (validation) {
      const val = await scoreRows(host.scored, validation.x, validation.y, validation.yHost, 1024);
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
