// The playground's own network, trained step by step: where per-step overhead decides everything.
import * as tf from '@tensorflow/tfjs';
import { circleBatches } from './data';
import { measure } from './measure';
import { tfBatches, tfDense, tfMse, tfTrainer } from './tfjs-train';
import type { Workload } from './workload';

export const PLAYGROUND = { sizes: [2, 8, 8, 8, 1], activation: 'tanh', learningRate: 0.03, batch: 10, samples: 500 } as const;

/** 2→8→8→8→1, tanh everywhere (the output too: labels are ±1). */
export function tfPlaygroundModel(): tf.Sequential {
  const [input, ...units] = PLAYGROUND.sizes;
  return tf.sequential({ layers: units.map((u, i) => tfDense(u, PLAYGROUND.activation, i === 0 ? input : undefined)) });
}

export const mlpPlayground: Workload = {
  id: 'mlp-playground',
  what: '2→8→8→8→1 tanh, MSE, SGD lr 0.03, batch 10, 500 circle points',
  unit: 'steps/s',
  targets: [
    { vs: 'tfjs_webgpu', min: 100 },
    { vs: 'tfjs_cpu', min: 1 },
  ],
  async tfjs(budget) {
    const model = tfPlaygroundModel();
    const batches = tfBatches(circleBatches(PLAYGROUND.samples, PLAYGROUND.batch), [2], 1);
    try {
      const m = await measure(tfTrainer(model, tfMse, tf.train.sgd(PLAYGROUND.learningRate), batches), budget);
      return { value: m.perSecond, how: `optimizer.minimize in tf.tidy, ${m.chunk} steps per readback, ${m.reps} steps` };
    } finally {
      batches.dispose();
      model.dispose();
    }
  },
};
