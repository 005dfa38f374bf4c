// Timing with a fixed wall budget. The clock stops only after `sync` has read a value back,
// so work an engine merely queued (GPU command buffers, pending promises) is counted.
import type { Budget, CellResult } from './types';

export interface Repeatable {
  /** Do `reps` repetitions of the work (may only queue them). */
  run(reps: number): void | Promise<void>;
  /** Wait until everything queued so far has finished, by reading a value back: the latest loss, for training. */
  sync(): Promise<number | void>;
}

export interface Measurement {
  perSecond: number;
  reps: number;
  ms: number;
  /** Repetitions between two syncs in the timed loop. */
  chunk: number;
  /** When sync returns the loss: the one after the first repetition and the one after the last. */
  loss?: { first: number; last: number };
  /** How much each counter grew over the timed loop, when `counters` was given. */
  countersDelta?: Record<string, number>;
}

/**
 * Warm up (at least one synced repetition), growing the chunk of repetitions per sync until a chunk
 * takes about a tenth of the budget, so the readback is amortized the same way for every engine;
 * then repeat chunks until the budget is spent and at least `minReps` repetitions are done.
 * `maxChunk` caps the chunk for engines that must wait for their queue regularly.
 */
export async function measure(work: Repeatable, budget: Budget, counters?: () => Record<string, number>, maxChunk = Infinity): Promise<Measurement> {
  const chunkTargetMs = budget.measureMs / 10;
  let chunk = 1;
  let first: number | undefined;
  let last: number | void = undefined;
  const warmStart = performance.now();
  for (;;) {
    const t0 = performance.now();
    await work.run(chunk);
    last = await work.sync();
    first ??= typeof last === 'number' ? last : undefined;
    const dt = performance.now() - t0;
    if (performance.now() - warmStart >= budget.warmupMs) break;
    if (dt < chunkTargetMs / 2 && chunk * 2 <= maxChunk) chunk *= 2;
  }
  let reps = 0;
  const before = counters?.();
  const start = performance.now();
  do {
    await work.run(chunk);
    last = await work.sync();
    reps += chunk;
  } while (performance.now() - start < budget.measureMs || reps < budget.minReps);
  const ms = performance.now() - start;
  const after = counters?.();
  const countersDelta = before && after ? Object.fromEntries(Object.keys(after).map((k) => [k, after[k] - before[k]])) : undefined;
  return {
    perSecond: (reps * 1000) / ms,
    reps,
    ms,
    chunk,
    ...(first !== undefined && typeof last === 'number' ? { loss: { first, last } } : {}),
    ...(countersDelta ? { countersDelta } : {}),
  };
}

/** A training cell's result: `perStep` units per step (the batch size for images/s); the loss must fall. */
export function trainingCell(m: Measurement, perStep: number, how: string): CellResult {
  if (!m.loss) throw new Error('trainingCell: the trainer did not report its loss');
  return { value: m.perSecond * perStep, how: `${how}; ${m.reps} steps timed`, reps: m.reps, ms: m.ms, loss: m.loss };
}
