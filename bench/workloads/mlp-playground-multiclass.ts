// The multi-class playground: 2→8→8→4 with a softmax output, categorical cross-entropy and Adam, trained
// step by step like mlp-playground. The target is against our own two-class workload rather than a
// peer: at least 0.8× mlp-playground's steps/s on WebGPU (the fused step computes the softmax loss by row).
import * as tf from '@tensorflow/tfjs';
import { getBackend, layers, Sequential } from '../../src/index';
import { engineStats } from '../../src/engine/stats';
import { rng, type Batches } from './data';
import { measure, trainingCell } from './measure';
import { ourTrainer } from './ours-train';
import { tfBatches, tfDense, tfSoftmaxCrossEntropy, tfTrainer } from './tfjs-train';
import type { Workload } from './workload';

export const MULTICLASS = { sizes: [2, 8, 8, 4], activation: 'tanh', learningRate: 0.01, batch: 10, samples: 500 } as const;

/**
 * `classes` Gaussian blobs (standard deviation 0.2) centred evenly on the circle of radius 0.6, points
 * dealt to the classes in turn; one-hot labels. As batches of `batch` rows.
 */
export function blobBatches(samples: number, batch: number, classes: number, seed = 3): Batches {
  const rand = rng(seed);
  const gaussian = (): number => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const x: Float32Array[] = [];
  const y: Float32Array[] = [];
  for (let start = 0; start + batch <= samples; start += batch) {
    const xb = new Float32Array(batch * 2);
    const yb = new Float32Array(batch * classes);
    for (let r = 0; r < batch; r++) {
      const c = (start + r) % classes;
      const angle = (2 * Math.PI * c) / classes;
      xb[2 * r] = 0.6 * Math.cos(angle) + 0.2 * gaussian();
      xb[2 * r + 1] = 0.6 * Math.sin(angle) + 0.2 * gaussian();
      yb[r * classes + c] = 1;
    }
    x.push(xb);
    y.push(yb);
  }
  return { x, y };
}

const classes = MULTICLASS.sizes[MULTICLASS.sizes.length - 1];

export const mlpPlaygroundMulticlass: Workload = {
  id: 'mlp-playground-multiclass',
  what: '2→8→8→4 tanh/softmax, categorical CE, Adam lr 0.01, batch 10, 500 points in 4 blobs',
  unit: 'steps/s',
  targets: [],
  unsupported: { jax: 'measured against our own mlp-playground (the issue asks ≥ 0.8× of it)', convnetjs: 'measured against our own mlp-playground (the issue asks ≥ 0.8× of it)' },
  async tfjs(budget) {
    const [input, ...units] = MULTICLASS.sizes;
    // Logits out and softmax cross-entropy from them, as our categorical loss computes it.
    const model = tf.sequential({ layers: units.map((u, i) => tfDense(u, i === units.length - 1 ? 'linear' : MULTICLASS.activation, i === 0 ? input : undefined)) });
    const batches = tfBatches(blobBatches(MULTICLASS.samples, MULTICLASS.batch, classes), [2], classes);
    try {
      const m = await measure(tfTrainer(model, tfSoftmaxCrossEntropy, tf.train.adam(MULTICLASS.learningRate), batches), budget);
      return trainingCell(m, 1, `optimizer.minimize in tf.tidy, loss read every ${m.chunk} steps`);
    } finally {
      batches.dispose();
      model.dispose();
    }
  },
  async ours(budget) {
    const [input, ...units] = MULTICLASS.sizes;
    const model = new Sequential(
      [
        layers.input({ shape: [input] }),
        ...units.map((u, i) => layers.dense({ units: u, activation: i === units.length - 1 ? 'softmax' : MULTICLASS.activation })),
      ],
      { seed: 1 },
    );
    model.compile({ optimizer: { type: 'adam', learningRate: MULTICLASS.learningRate }, loss: 'categorical_crossentropy' });
    const trainer = ourTrainer(model, blobBatches(MULTICLASS.samples, MULTICLASS.batch, classes), [2], classes);
    try {
      // The counters are the WebGPU backend's (the CPU backend does not count dispatches).
      const onGpu = getBackend() === 'webgpu';
      const m = await measure(trainer, budget, onGpu ? () => ({ ...engineStats() }) : undefined);
      const perStep = (k: string): number => (m.countersDelta?.[k] ?? NaN) / m.reps;
      return {
        ...trainingCell(m, 1, `${trainer.how}, ${m.chunk} steps per submit and readback`),
        stats: onGpu
          ? {
              dispatches: perStep('dispatches'),
              submits: perStep('submits'),
              buffersCreated: perStep('buffersCreated'),
              bytesReadBack: perStep('bytesReadBack'),
              pipelinesCompiled: perStep('pipelinesCompiled'),
              stepsPerReadback: m.chunk,
            }
          : undefined,
      };
    } finally {
      trainer.dispose();
      model.dispose();
    }
  },
};
