// TensorFlow.js the idiomatic fast way: `optimizer.minimize` inside `tf.tidy`, with no readback per step
// (`model.trainOnBatch` would await the loss every step, which on WebGPU is a full GPU round trip).
import * as tf from '@tensorflow/tfjs';
import type { Repeatable } from './measure';
import type { Batches } from './data';

export type TfLoss = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Scalar;

// Plain mean((y − p)²): tf.losses.meanSquaredError's weighting machinery made CPU steps ~35% slower here.
export const tfMse: TfLoss = (y, p) => tf.mean(tf.squaredDifference(y, p)) as tf.Scalar;
export const tfCategoricalCrossentropy: TfLoss = (y, p) => tf.mean(tf.metrics.categoricalCrossentropy(y, p)) as tf.Scalar;

export interface TfBatches {
  x: tf.Tensor[];
  y: tf.Tensor[];
  dispose(): void;
}

/** Upload every batch once, shaped [batch, ...featureShape]. */
export function tfBatches(data: Batches, featureShape: number[], labelWidth: number): TfBatches {
  const x = data.x.map((v) => tf.tensor(v, [v.length / featureShape.reduce((a, b) => a * b, 1), ...featureShape]));
  const y = data.y.map((v) => tf.tensor2d(v, [v.length / labelWidth, labelWidth]));
  return { x, y, dispose: () => tf.dispose([...x, ...y]) };
}

/** One repetition = one training step on the next batch (cycling). Sync reads one weight back. */
export function tfTrainer(model: tf.LayersModel, loss: TfLoss, optimizer: tf.Optimizer, batches: TfBatches): Repeatable {
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  let next = 0;
  return {
    run(reps) {
      for (let i = 0; i < reps; i++) {
        const k = next++ % batches.x.length;
        tf.tidy(() => {
          optimizer.minimize(() => loss(batches.y[k], model.apply(batches.x[k], { training: true }) as tf.Tensor), false, vars);
        });
      }
    },
    sync: () => readOne(vars[vars.length - 1]),
  };
}

/** Read one element of `t` back to the host: waits for every queued kernel that writes it. */
export async function readOne(t: tf.Tensor): Promise<void> {
  const one = tf.tidy(() => tf.slice(tf.reshape(t, [-1]), [0], [1]));
  await one.data();
  one.dispose();
}

export function tfDense(units: number, activation: 'tanh' | 'relu' | 'softmax', inputDim?: number): tf.layers.Layer {
  return tf.layers.dense({ units, activation, ...(inputDim ? { inputShape: [inputDim] } : {}) });
}
