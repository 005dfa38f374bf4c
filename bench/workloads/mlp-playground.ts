// The playground's own network, trained step by step: where per-step overhead decides everything.
import * as tf from '@tensorflow/tfjs';
import { getBackend, layers, Sequential } from '../../src/index';
import { engineStats } from '../../src/engine/stats';
import { circleBatches } from './data';
import { measure } from './measure';
import { ourTrainer } from './ours-train';
import { tfBatches, tfDense, tfMse, tfTrainer } from './tfjs-train';
import type { Workload } from './workload';

export const PLAYGROUND = { sizes: [2, 8, 8, 8, 1], activation: 'tanh', learningRate: 0.03, batch: 10, samples: 500 } as const;

/** 2→8→8→8→1, tanh everywhere (the output too: labels are ±1). */
export function tfPlaygroundModel(): tf.Sequential {
  const [input, ...units] = PLAYGROUND.sizes;
  return tf.sequential({ layers: units.map((u, i) => tfDense(u, PLAYGROUND.activation, i === 0 ? input : undefined)) });
}

export function ourPlaygroundModel(): Sequential {
  const [input, ...units] = PLAYGROUND.sizes;
  const model = new Sequential([layers.input({ shape: [input] }), ...units.map((u) => layers.dense({ units: u, activation: PLAYGROUND.activation }))], { seed: 1 });
  model.compile({ optimizer: { type: 'sgd', learningRate: PLAYGROUND.learningRate }, loss: 'mse' });
  return model;
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
  async ours(budget) {
    const model = ourPlaygroundModel();
    const trainer = ourTrainer(model, circleBatches(PLAYGROUND.samples, PLAYGROUND.batch), [2], 1);
    try {
      // The counters are the WebGPU backend's (the CPU backend does not count dispatches).
      const onGpu = getBackend() === 'webgpu';
      const m = await measure(trainer, budget, onGpu ? () => ({ ...engineStats() }) : undefined);
      const perStep = (k: string): number => (m.countersDelta?.[k] ?? NaN) / m.reps;
      return {
        value: m.perSecond,
        how: `${trainer.how}, ${m.chunk} steps per submit and readback, ${m.reps} steps`,
        stats: onGpu ? {
          dispatches: perStep('dispatches'),
          submits: perStep('submits'),
          buffersCreated: perStep('buffersCreated'),
          bytesReadBack: perStep('bytesReadBack'),
          pipelinesCompiled: perStep('pipelinesCompiled'),
          stepsPerReadback: m.chunk,
        } : undefined,
      };
    } finally {
      trainer.dispose();
      model.dispose();
    }
  },
};
