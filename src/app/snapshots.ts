// The last state of the network known to be good: what training rolls back to when it diverges, and what
// a recreated GPU device (or the CPU) is given after the device was lost. It costs no readback: the
// trainer reads losses and parameters every frame to draw them, and offers each frame's to the keeper.
import type { NetworkParams } from './store';

export interface Snapshot {
  epoch: number;
  /** Batches into that epoch. */
  position: number;
  trainLoss: number;
  /** Null when the lesson has no test part (a table small enough to train on whole). */
  testLoss: number | null;
  params: NetworkParams;
}

/** What made a frame's results unusable (a loss or a parameter that is NaN or infinite), or null. */
export type NonFinite = 'loss' | 'weights' | null;

export function findNonFinite({ trainLoss, testLoss, params }: Pick<Snapshot, 'trainLoss' | 'testLoss' | 'params'>): NonFinite {
  if (!Number.isFinite(trainLoss) || (testLoss !== null && !Number.isFinite(testLoss))) return 'loss';
  const finite = (v: number): boolean => Number.isFinite(v);
  const weightsOk =
    params.weights.every((w) => w.every((row) => row.every(finite))) && params.biases.every((b) => b.every(finite)) && (params.tensors ?? []).every((t) => t.values.every(finite));
  return weightsOk ? null : 'weights';
}

export class SnapshotKeeper {
  private latest: Snapshot | null = null;
  private best: Snapshot | null = null;

  /** Keep `snapshot` if every number in it is finite; says what was not otherwise. */
  offer(snapshot: Snapshot): NonFinite {
    const problem = findNonFinite(snapshot);
    if (problem === null) {
      this.latest = snapshot;
      if (!this.best || snapshot.trainLoss <= this.best.trainLoss) this.best = snapshot;
    }
    return problem;
  }

  /** The latest finite state (what a lost device gets back). */
  last(): Snapshot | null {
    return this.latest;
  }

  /**
   * Where a divergence goes back to: the finite state with the lowest training loss since the network
   * or its data last changed. A run that diverges grows through finite but huge values first, for as
   * many frames as it takes; the state before that is the one worth training on from. It becomes the
   * latest state too: a device lost while the network is rebuilt from it must not bring back the huge one.
   */
  rollBack(): Snapshot | null {
    if (this.best) this.latest = this.best;
    return this.best;
  }

  /** A new network or new data: the old states must not come back (nor their losses compete). */
  clear(): void {
    this.latest = null;
    this.best = null;
  }
}
