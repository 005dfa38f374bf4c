// The last state of the network known to be good: what training rolls back to when it diverges, and what
// a recreated GPU device (or the CPU) is given after the device was lost. It costs no readback: the
// trainer reads losses and parameters every frame to draw them, and offers each frame's to the keeper.
import type { NetworkParams } from './store';

export interface Snapshot {
  epoch: number;
  /** Batches into that epoch. */
  position: number;
  trainLoss: number;
  testLoss: number;
  params: NetworkParams;
}

/** What made a frame's results unusable (a loss or a parameter that is NaN or infinite), or null. */
export type NonFinite = 'loss' | 'weights' | null;

export function findNonFinite({ trainLoss, testLoss, params }: Pick<Snapshot, 'trainLoss' | 'testLoss' | 'params'>): NonFinite {
  if (!Number.isFinite(trainLoss) || !Number.isFinite(testLoss)) return 'loss';
  const finite = (v: number): boolean => Number.isFinite(v);
  const weightsOk = params.weights.every((w) => w.every((row) => row.every(finite))) && params.biases.every((b) => b.every(finite));
  return weightsOk ? null : 'weights';
}

/** Finite snapshots kept: a divergence can grow through finite but huge values for a few frames first. */
const KEPT = 16;

export class SnapshotKeeper {
  private kept: Snapshot[] = [];

  /** Keep `snapshot` if every number in it is finite; says what was not otherwise. */
  offer(snapshot: Snapshot): NonFinite {
    const problem = findNonFinite(snapshot);
    if (problem === null) {
      this.kept.push(snapshot);
      if (this.kept.length > KEPT) this.kept.shift();
    }
    return problem;
  }

  /** The latest finite state (what a lost device gets back). */
  last(): Snapshot | null {
    return this.kept.at(-1) ?? null;
  }

  /** Where a divergence goes back to: of the recent finite states, the one with the lowest training loss (the latest of equals). */
  rollbackPoint(): Snapshot | null {
    let best: Snapshot | null = null;
    for (const s of this.kept) if (!best || s.trainLoss <= best.trainLoss) best = s;
    return best;
  }

  /** A new network: the old one's state must not come back. */
  clear(): void {
    this.kept = [];
  }
}
