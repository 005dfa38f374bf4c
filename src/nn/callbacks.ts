// Training callbacks (Keras's hooks in TensorFlow.js spelling) and early stopping.

export type Logs = Record<string, number>;

/** A copy of every weight kept on the device (no host read), to put back later. */
export interface WeightSnapshot {
  dispose(): void;
}

/** What a callback may touch on the model it watches. */
export interface CallbackModel {
  stopTraining: boolean;
  snapshotWeights(): WeightSnapshot;
  restoreWeights(snapshot: WeightSnapshot): void;
}

export interface Callback {
  setModel?(model: CallbackModel): void;
  onTrainBegin?(logs?: Logs): void | Promise<void>;
  onTrainEnd?(logs?: Logs): void | Promise<void>;
  onEpochBegin?(epoch: number, logs?: Logs): void | Promise<void>;
  onEpochEnd?(epoch: number, logs: Logs): void | Promise<void>;
  onBatchBegin?(batch: number, logs?: Logs): void | Promise<void>;
  onBatchEnd?(batch: number, logs: Logs): void | Promise<void>;
}

export interface EarlyStoppingOptions {
  monitor?: string;
  minDelta?: number;
  patience?: number;
  /** 'auto' minimizes losses and maximizes accuracy, precision, recall, f1 and auc. */
  mode?: 'auto' | 'min' | 'max';
  /** When stopping, put back the weights of the best epoch (as Keras: only when it stops early). */
  restoreBestWeights?: boolean;
}

const MAXIMIZED = ['acc', 'precision', 'recall', 'f1', 'auc'];

/** Where early stopping stands between epochs: what a saved lesson needs to go on judging as before. */
export interface EarlyStoppingState {
  /** Epochs since the last improvement. */
  wait: number;
  /** The best monitored value so far, null before the first epoch. */
  best: number | null;
  bestEpoch: number;
}

/** Stops training when `monitor` has not improved by more than `minDelta` for `patience` epochs. */
export class EarlyStopping implements Callback {
  readonly monitor: string;
  readonly minDelta: number;
  readonly patience: number;
  readonly mode: 'min' | 'max';
  readonly restoreBestWeights: boolean;
  /** The epoch training stopped at, or -1. */
  stoppedEpoch = -1;
  bestEpoch = -1;
  best = Infinity;
  private wait = 0;
  private model: CallbackModel | null = null;
  private bestWeights: WeightSnapshot | null = null;

  constructor(options: EarlyStoppingOptions = {}) {
    this.monitor = options.monitor ?? 'val_loss';
    this.minDelta = Math.abs(options.minDelta ?? 0);
    this.patience = options.patience ?? 0;
    if (!Number.isInteger(this.patience) || this.patience < 0) throw new Error(`earlyStopping: patience must be a non-negative integer, got ${options.patience}`);
    if (!Number.isFinite(this.minDelta)) throw new Error(`earlyStopping: minDelta must be a finite number, got ${options.minDelta}`);
    const mode = options.mode ?? 'auto';
    if (!['auto', 'min', 'max'].includes(mode)) throw new Error(`earlyStopping: mode must be 'auto', 'min' or 'max', got ${JSON.stringify(mode)}`);
    this.mode = mode === 'auto' ? (MAXIMIZED.some((m) => this.monitor.includes(m)) ? 'max' : 'min') : mode;
    this.restoreBestWeights = options.restoreBestWeights ?? false;
  }

  setModel(model: CallbackModel): void {
    this.model = model;
  }

  onTrainBegin(): void {
    this.wait = 0;
    this.stoppedEpoch = -1;
    this.bestEpoch = -1;
    this.best = this.mode === 'min' ? Infinity : -Infinity;
    this.bestWeights?.dispose();
    this.bestWeights = null;
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    const value = logs[this.monitor];
    if (value === undefined) {
      throw new Error(`earlyStopping: monitor "${this.monitor}" is not in the epoch logs; expected one of ${Object.keys(logs).join(', ')}`);
    }
    this.wait++;
    if (this.improved(value)) {
      this.best = value;
      this.bestEpoch = epoch;
      this.wait = 0;
      if (this.restoreBestWeights && this.model) {
        this.bestWeights?.dispose();
        this.bestWeights = this.model.snapshotWeights();
      }
      return;
    }
    if (this.wait >= this.patience && epoch > 0 && this.model) {
      this.stoppedEpoch = epoch;
      this.model.stopTraining = true;
      if (this.restoreBestWeights && this.bestWeights) this.model.restoreWeights(this.bestWeights);
    }
  }

  get state(): EarlyStoppingState {
    return { wait: this.wait, best: this.bestEpoch >= 0 ? this.best : null, bestEpoch: this.bestEpoch };
  }

  /**
   * Go on from a saved state (after onTrainBegin): the same verdicts as if training had never stopped.
   * `bestWeights`: a snapshot of the best epoch's weights, when restoreBestWeights (now owned here).
   */
  resume(state: EarlyStoppingState, bestWeights: WeightSnapshot | null = null): void {
    this.wait = state.wait;
    this.bestEpoch = state.bestEpoch;
    this.best = state.best ?? (this.mode === 'min' ? Infinity : -Infinity);
    this.bestWeights?.dispose();
    this.bestWeights = bestWeights;
  }

  private improved(value: number): boolean {
    return this.mode === 'min' ? value < this.best - this.minDelta : value > this.best + this.minDelta;
  }
}

export const callbacks = {
  earlyStopping: (options?: EarlyStoppingOptions) => new EarlyStopping(options),
};
