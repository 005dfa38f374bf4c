// Our engine's fast training path, the one the playground uses: `compileTrainer` uploads the data once and,
// on WebGPU, records one step (batch gather, forward, loss, backward, update) that `run(k)` replays k times
// in one submit — as one fused kernel for small dense networks, else as a traced plan of kernels; on the
// CPU it runs the same steps eagerly. Sync reads the latest loss.
import { compileTrainer, type Sequential, type Trainer } from '../../src/index';
import type { Batches } from './data';
import type { Repeatable } from './measure';

/** The batches joined back into one training set; the trainer walks it in order, `batch` rows per step. */
export function ourTrainer(model: Sequential, data: Batches, featureShape: number[], labelWidth: number): Repeatable & { how: string; dispose(): void } {
  const x = concat(data.x);
  const y = concat(data.y);
  const batchSize = data.y[0].length / labelWidth;
  const width = featureShape.reduce((a, b) => a * b, 1);
  const { step, dense } = model.getTrainStep();
  const trainer: Trainer = compileTrainer({
    step,
    dense,
    data: { x, xShape: [x.length / width, ...featureShape], y, yShape: [y.length / labelWidth, labelWidth] },
    batchSize,
  });
  const how = {
    fused: 'compileTrainer, fused dense step (one dispatch per step)',
    plan: `compileTrainer, traced plan replayed (${trainer.dispatchesPerStep} dispatches per step)`,
    eager: 'compileTrainer, eager steps',
  }[trainer.path];
  return {
    how,
    run(reps) {
      if (trainer.run(reps) !== reps) throw new Error('compileTrainer: steps were dropped (device lost?)');
    },
    sync: () => trainer.latestLoss(),
    batches: data.x.length,
    dispose: () => trainer.dispose(),
  };
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
