// TensorFlow.js the idiomatic fast way: `optimizer.minimize` inside `tf.tidy`, with no readback per step
// (`model.trainOnBatch` would await the loss every step, which on WebGPU is a full GPU round trip).
import * as tf from '@tensorflow/tfjs';
import type { Repeatable } from './measure';
import type { Batches } from './data';

export type TfLoss = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Scalar;

// Plain mean((y − p)²): tf.losses.meanSquaredError's weighting machinery made CPU steps ~35% slower here.
export const tfMse: TfLoss = (y, p) => tf.mean(tf.squaredDifference(y, p)) as tf.Scalar;
/** Softmax cross-entropy from the logits (the last layer is linear), as our engine computes it. */
export const tfSoftmaxCrossEntropy: TfLoss = (y, logits) => tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar;

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

/** One repetition = one training step on the next batch (cycling). Sync reads the latest step's loss. */
export function tfTrainer(model: tf.LayersModel, loss: TfLoss, optimizer: tf.Optimizer, batches: TfBatches): Repeatable & { dispose(): void } {
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  let next = 0;
  let latest: tf.Scalar | null = null;
  return {
    run(reps) {
      for (let i = 0; i < reps; i++) {
        const k = next++ % batches.x.length;
        const cost = tf.tidy(() => optimizer.minimize(() => loss(batches.y[k], model.apply(batches.x[k], { training: true }) as tf.Tensor), true, vars)!);
        latest?.dispose();
        latest = cost;
      }
    },
    async sync() {
      return (await latest!.data())[0];
    },
    batches: batches.x.length,
    dispose() {
      latest?.dispose();
      optimizer.dispose();
    },
  };
}

/** Read one element of `t` back to the host: waits for every queued kernel that writes it. */
export async function readOne(t: tf.Tensor): Promise<void> {
  const one = tf.tidy(() => tf.slice(tf.reshape(t, [-1]), [0], [1]));
  await one.data();
  one.dispose();
}

export function tfDense(units: number, activation: 'tanh' | 'relu' | 'linear', inputDim?: number): tf.layers.Layer {
  return tf.layers.dense({ units, activation, ...(inputDim ? { inputShape: [inputDim] } : {}) });
}
