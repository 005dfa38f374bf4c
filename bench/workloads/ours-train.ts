// Our engine the way TensorFlow.js is driven in tfjs-train.ts: batches uploaded once, then the model's own
// training step (forward, loss, backward, update; no host read) called per batch; sync reads the last loss.
import { ops, type Sequential, type Tensor } from '../../src/index';
import type { Batches } from './data';
import type { Repeatable } from './measure';

export interface OurBatches {
  x: Tensor[];
  y: Tensor[];
  dispose(): void;
}

/** Upload every batch once, shaped [batch, ...featureShape]. */
export function ourBatches(data: Batches, featureShape: number[], labelWidth: number): OurBatches {
  const width = featureShape.reduce((a, b) => a * b, 1);
  const x = data.x.map((v) => ops.tensor(v, [v.length / width, ...featureShape]));
  const y = data.y.map((v) => ops.tensor(v, [v.length / labelWidth, labelWidth]));
  return { x, y, dispose: () => [...x, ...y].forEach((t) => t.dispose()) };
}

/** One repetition = one training step on the next batch (cycling), through `model.getTrainStep()`. */
export function ourTrainer(model: Sequential, batches: OurBatches): Repeatable {
  const { step } = model.getTrainStep();
  let next = 0;
  let loss: Tensor | undefined;
  return {
    run(reps) {
      for (let i = 0; i < reps; i++) {
        const k = next++ % batches.x.length;
        loss = step(batches.x[k], batches.y[k]);
      }
    },
    async sync() {
      await loss!.data();
    },
  };
}
