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
   * check compares the mean loss of the first pass over them with that of a pass after the timed loop.
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
   * Training: the mean loss of the first pass over the batches and of a pass after the timed loop
   * (untimed, every step read back; `steps` is where that pass ended). A quick run reads only the first
   * step's loss and the latest.
   */
  loss?: { first: number; last: number; steps: number };
  /** How much each counter grew over the timed loop, when `counters` was given. */
  countersDelta?: Record<string, number>;
}

/**
 * Warm up (at least one synced repetition), growing the chunk of repetitions per sync until a chunk
 * takes about a tenth of the budget, so the readback is amortized the same way for every engine;
 * then repeat chunks until the budget is spent and at least `minReps` repetitions are done. Training
 * cells in a full run also pass over the data once, untimed, before and after, for the loss check.
 */
export async function measure(work: Repeatable, budget: Budget, counters?: () => Record<string, number>): Promise<Measurement> {
  const chunkTargetMs = budget.measureMs / 10;
  const checkPasses = work.batches !== undefined && budget.requireLossFall;
  let chunk = 1;
  let first: number | undefined;
  let warmupReps = 0;
  if (checkPasses) {
    // Untimed: the first pass, one step at a time, each loss read back.
    first = await passMean(work, work.batches!);
    warmupReps += work.batches!;
  }
  const warmStart = performance.now();
  for (;;) {
    const t0 = performance.now();
    await work.run(chunk);
    warmupReps += chunk;
    const loss = await work.sync();
    // Without the pass check, the first chunk is one step: its loss is batch 0's before any update.
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
  if (checkPasses && first !== undefined) {
    // Untimed: one more pass (any `batches` consecutive steps visit every batch once), each loss read back.
    loss = { first, last: await passMean(work, work.batches!), steps: done + work.batches! };
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

/** One step on each of `batches` batches, reading every step's loss back: their mean. */
async function passMean(work: Repeatable, batches: number): Promise<number> {
  let sum = 0;
  for (let i = 0; i < batches; i++) {
    await work.run(1);
    const loss = await work.sync();
    if (typeof loss !== 'number') throw new Error('measure: a trainer with batches must return its loss from sync');
    sum += loss;
  }
  return sum / batches;
}

/** A training cell's result: `perStep` units per step (the batch size for images/s); the loss must fall. */
export function trainingCell(m: Measurement, perStep: number, how: string): CellResult {
  if (!m.loss) throw new Error('trainingCell: the trainer did not report its loss');
  return { value: m.perSecond * perStep, how: `${how}; ${m.reps} steps timed`, reps: m.reps, ms: m.ms, loss: m.loss };
}
