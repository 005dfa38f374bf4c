// ConvNetJS (0.3.0) with its own Trainer: per-example forward and backward in plain JavaScript loops over
// Float64Arrays, gradients summed over `batch_size` calls of `train`, then one update. Each example is a Vol
// built once, as ConvNetJS's demos keep theirs.
import convnetjs from 'convnetjs';
import type { Batches } from './data';
import { measure, trainingCell } from './measure';
import type { Budget, CellResult } from './types';

export interface ConvnetTask {
  net: convnetjs.Net;
  trainer: convnetjs.TrainerOptions;
  data: Batches;
  /** The input Vol's [sx, sy, depth]. */
  inputShape: [number, number, number];
  /** 'regression': each label row is the target values; 'class': one-hot rows, ConvNetJS takes the index. */
  labels: 'regression' | 'class';
  labelWidth: number;
  perStep: number;
  how: string;
}

/** A Vol holding `values` (copied: ConvNetJS computes in double precision). */
export function volOf(values: ArrayLike<number>, [sx, sy, depth]: [number, number, number]): convnetjs.Vol {
  const v = new convnetjs.Vol(sx, sy, depth, 0);
  v.w.set(values);
  return v;
}

export async function convnetTrain(task: ConvnetTask, budget: Budget): Promise<CellResult> {
  const width = task.inputShape[0] * task.inputShape[1] * task.inputShape[2];
  const examples: { x: convnetjs.Vol; y: number | number[] }[][] = task.data.x.map((xb, b) => {
    const yb = task.data.y[b];
    return Array.from({ length: yb.length / task.labelWidth }, (_, i) => {
      const row = Array.from(yb.subarray(i * task.labelWidth, (i + 1) * task.labelWidth));
      return { x: volOf(xb.subarray(i * width, (i + 1) * width), task.inputShape), y: task.labels === 'class' ? row.indexOf(1) : row };
    });
  });
  const trainer = new convnetjs.Trainer(task.net, { ...task.trainer, batch_size: examples[0].length });
  let next = 0;
  let latest = NaN;
  const m = await measure(
    {
      run(reps) {
        for (let r = 0; r < reps; r++) {
          const batch = examples[next++ % examples.length];
          let sum = 0;
          for (const e of batch) sum += trainer.train(e.x, e.y).cost_loss;
          latest = sum / batch.length;
        }
      },
      sync: async () => latest,
      batches: examples.length,
    },
    budget,
  );
  return trainingCell(m, task.perStep, `${task.how}, Trainer.train per example, ${task.trainer.method} update per batch`);
}
