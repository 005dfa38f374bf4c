// Timing with a fixed wall budget. The clock stops only after `sync` has read a value back,
// so work an engine merely queued (GPU command buffers, pending promises) is counted.
import type { Budget, CellResult } from './types';

export interface Repeatable {
  /** Do `reps` repetitions of the work (may only queue them). */
  run(reps: number): void | Promise<void>;
  /** Wait until everything queued so far has finished, by reading a value back: the latest loss, for training. */
  sync(): Promise<number | void>;
  /**
   * Training: the batches the trainer cycles through in order, step k on batch k mod batches. The loss
   * check compares the first step's loss with a later step's on the same batch 0.
   */
  batches?: number;
}

export interface Measurement {
  perSecond: number;
  reps: number;
  ms: number;
  /** Repetitions between two syncs in the timed loop. */
  chunk: number;
  /**
   * When sync returns the loss: the first step's (batch 0, before any update) and, after the timed loop
   * and at least one pass over the data, the loss of a step on batch 0 again (untimed steps line it up).
   */
  loss?: { first: number; last: number; steps: number };
  /** How much each counter grew over the timed loop, when `counters` was given. */
  countersDelta?: Record<string, number>;
}

/**
 * Warm up (at least one synced repetition), growing the chunk of repetitions per sync until a chunk
 * takes about a tenth of the budget, so the readback is amortized the same way for every engine;
 * then repeat chunks until the budget is spent and at least `minReps` repetitions are done.
 */
export async function measure(work: Repeatable, budget: Budget, counters?: () => Record<string, number>): Promise<Measurement> {
  const chunkTargetMs = budget.measureMs / 10;
  let chunk = 1;
  let first: number | undefined;
  let warmupReps = 0;
  const warmStart = performance.now();
  for (;;) {
    const t0 = performance.now();
    await work.run(chunk);
    warmupReps += chunk;
    const loss = await work.sync();
    // The first chunk is one step: its loss is batch 0's before any update.
    first ??= typeof loss === 'number' ? loss : undefined;
    const dt = performance.now() - t0;
    if (performance.now() - warmStart >= budget.warmupMs) break;
    if (dt < chunkTargetMs / 2) chunk *= 2;
  }
  let reps = 0;
  const before = counters?.();
  const start = performance.now();
  let latest: number | void;
  do {
    await work.run(chunk);
    latest = await work.sync();
    reps += chunk;
  } while (performance.now() - start < budget.measureMs || reps < budget.minReps);
  const ms = performance.now() - start;
  const after = counters?.();
  const countersDelta = before && after ? Object.fromEntries(Object.keys(after).map((k) => [k, after[k] - before[k]])) : undefined;
  const done = warmupReps + reps;
  let loss: Measurement['loss'];
  if (first !== undefined && work.batches && budget.requireLossFall) {
    // Untimed: step until the next step is on batch 0 again, then take that step and read its loss.
    const lineUp = (work.batches - (done % work.batches)) % work.batches;
    if (lineUp) await work.run(lineUp);
    await work.run(1);
    const again = await work.sync();
    if (typeof again === 'number') loss = { first, last: again, steps: done + lineUp + 1 };
  } else if (first !== undefined && typeof latest === 'number') {
    // A quick run only needs the loss finite: the latest one, whatever its batch.
    loss = { first, last: latest, steps: done };
  }
  return {
    perSecond: (reps * 1000) / ms,
    reps,
    ms,
    chunk,
    ...(loss ? { loss } : {}),
    ...(countersDelta ? { countersDelta } : {}),
  };
}

/** A training cell's result: `perStep` units per step (the batch size for images/s); the loss must fall. */
export function trainingCell(m: Measurement, perStep: number, how: string): CellResult {
  if (!m.loss) throw new Error('trainingCell: the trainer did not report its loss');
  return { value: m.perSecond * perStep, how: `${how}; ${m.reps} steps timed`, reps: m.reps, ms: m.ms, loss: m.loss };
}
