// compileTrainer's path for backends that declare the `fusedDenseStep` capability (the wasm backend): the
// whole step of a dense network as one host loop (dense-step.ts), batches taken as the eager trainer takes
// them, so the two give the same weights.
import type { CompileTrainerOptions, Trainer } from '../../plan';
import { HostDenseStep } from './dense-step';

/** A trainer running `options.dense` fused; `checkOrder` turns a row order into a checked array (plan.ts's). */
export function fusedDenseTrainer(
  options: CompileTrainerOptions & { dense: NonNullable<CompileTrainerOptions['dense']> },
  checkOrder: (order: ArrayLike<number> | undefined) => Float32Array,
): Trainer {
  const order = checkOrder(options.order);
  const { data, batchSize, dense } = options;
  const rows = order.length;
  const step = new HostDenseStep(dense, { x: data.x, y: data.y, rows }, batchSize);
  let steps = 0;
  let currentOrder = order;
  return {
    run(k) {
      for (let s = 0; s < k; s++) {
        // Step t starts at row position t·batch (mod rows), as eagerTrainer in plan.ts.
        step.run(currentOrder, ((steps % rows) * (batchSize % rows)) % rows);
        steps++;
      }
      return k;
    },
    get steps() {
      return steps;
    },
    dispatchesPerStep: 0,
    path: 'fused',
    unfusedReason: null,
    async latestLoss() {
      if (steps === 0) throw new Error('latestLoss: no step has run yet');
      return step.loss;
    },
    setOrder(next) {
      currentOrder = checkOrder(next);
    },
    // The step reads the optimizer's settings at every step: nothing to re-record.
    rebuild() {},
    async snapshot() {},
    dispose() {},
  };
}
