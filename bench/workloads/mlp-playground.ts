// The playground's own network, trained step by step: where per-step overhead decides everything.
import * as tf from '@tensorflow/tfjs';
import { numpy as np } from '@jax-js/jax';
import convnetjs from 'convnetjs';
import { engineStats, getBackend, layers, Sequential } from '../../src/index';
import { convnetTrain } from './convnet-train';
import { circleBatches, glorotUniform } from './data';
import { jaxTrain, type JaxParams } from './jax-train';
import { measure, trainingCell } from './measure';
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

/** The network as jax-js computes it: params [w1, b1, w2, b2, …], kernels [inputs, units]. */
export function jaxPlaygroundForward(p: JaxParams, x: np.Array): np.Array {
  let h = x;
  for (let i = 0; i < p.length; i += 2) h = np.tanh(np.dot(h, p[i]).add(p[i + 1]));
  return h;
}

/** Glorot-uniform kernels and zero biases, for the engines that take initial values from outside. */
export function playgroundParams(seed = 1): { values: Float32Array; shape: number[] }[] {
  const s = PLAYGROUND.sizes;
  return s.slice(1).flatMap((units, i) => [
    { values: glorotUniform(s[i], units, seed + i), shape: [s[i], units] },
    { values: new Float32Array(units), shape: [units] },
  ]);
}

/**
 * ConvNetJS layers built one by one (its `makeLayers` would put a linear layer of its own before the
 * regression loss): input, then fc + tanh per layer, then the regression loss (½(o − t)²).
 */
export function convnetPlaygroundNet(): convnetjs.Net {
  const [input, ...units] = PLAYGROUND.sizes;
  const net = new convnetjs.Net();
  net.makeLayers([{ type: 'input', out_sx: 1, out_sy: 1, out_depth: input }, ...units.map((u) => ({ type: 'fc', num_neurons: u, activation: PLAYGROUND.activation }))]);
  net.layers.push(new convnetjs.RegressionLayer({ in_sx: 1, in_sy: 1, in_depth: units[units.length - 1] }));
  return net;
}

const circle = () => circleBatches(PLAYGROUND.samples, PLAYGROUND.batch);

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
    const batches = tfBatches(circle(), [2], 1);
    const trainer = tfTrainer(model, tfMse, tf.train.sgd(PLAYGROUND.learningRate), batches);
    try {
      const m = await measure(trainer, budget);
      return trainingCell(m, 1, `optimizer.minimize in tf.tidy, loss read every ${m.chunk} steps`);
    } finally {
      trainer.dispose();
      batches.dispose();
      model.dispose();
    }
  },
  async ours(budget) {
    const model = ourPlaygroundModel();
    const trainer = ourTrainer(model, circle(), [2], 1);
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
  jax: (budget, device) =>
    jaxTrain(
      {
        forward: jaxPlaygroundForward,
        loss: 'mse',
        optimizer: { type: 'sgd', learningRate: PLAYGROUND.learningRate },
        params: playgroundParams(),
        data: circle(),
        xShape: [2],
        labelWidth: 1,
        perStep: 1,
      },
      device,
      budget,
    ),
  convnetjs: (budget) =>
    convnetTrain(
      {
        net: convnetPlaygroundNet(),
        trainer: { method: 'sgd', learning_rate: PLAYGROUND.learningRate, momentum: 0 },
        data: circle(),
        inputShape: [1, 1, 2],
        labels: 'regression',
        labelWidth: 1,
        perStep: 1,
        how: 'fc + tanh layers and a regression loss',
      },
      budget,
    ),
};
