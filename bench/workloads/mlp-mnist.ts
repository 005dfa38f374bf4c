// A dense MNIST-sized MLP: where matmul throughput matters. Images are synthetic (uniform noise, random labels).
import * as tf from '@tensorflow/tfjs';
import { layers, Sequential } from '../../src/index';
import { imageBatches } from './data';
import { measure } from './measure';
import { ourTrainer } from './ours-train';
import { tfBatches, tfCategoricalCrossentropy, tfDense, tfTrainer } from './tfjs-train';
import type { Workload } from './workload';

export const MLP_MNIST = { batch: 128, batches: 4, inputs: 784, hidden: 256, classes: 10 } as const;

export const mlpMnist: Workload = {
  id: 'mlp-mnist',
  what: '784→256→256→10 relu/softmax; CE, Adam, batch 128, synthetic images',
  unit: 'images/s',
  targets: [{ vs: 'tfjs_webgpu', min: 2 }],
  async tfjs(budget) {
    const { inputs, hidden, classes } = MLP_MNIST;
    const model = tf.sequential({ layers: [tfDense(hidden, 'relu', inputs), tfDense(hidden, 'relu'), tfDense(classes, 'softmax')] });
    const batches = tfBatches(imageBatches(MLP_MNIST.batches, MLP_MNIST.batch, inputs, classes), [inputs], classes);
    try {
      const m = await measure(tfTrainer(model, tfCategoricalCrossentropy, tf.train.adam(), batches), budget);
      return { value: m.perSecond * MLP_MNIST.batch, how: `optimizer.minimize in tf.tidy, ${m.chunk} steps per readback, ${m.reps} steps` };
    } finally {
      batches.dispose();
      model.dispose();
    }
  },
  async ours(budget) {
    const { inputs, hidden, classes } = MLP_MNIST;
    const model = new Sequential(
      [
        layers.input({ shape: [inputs] }),
        layers.dense({ units: hidden, activation: 'relu' }),
        layers.dense({ units: hidden, activation: 'relu' }),
        layers.dense({ units: classes, activation: 'softmax' }),
      ],
      { seed: 1 },
    );
    model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy' });
    const trainer = ourTrainer(model, imageBatches(MLP_MNIST.batches, MLP_MNIST.batch, inputs, classes), [inputs], classes);
    try {
      const m = await measure(trainer, budget);
      return { value: m.perSecond * MLP_MNIST.batch, how: `${trainer.how}, ${m.chunk} steps per submit and readback, ${m.reps} steps` };
    } finally {
      trainer.dispose();
      model.dispose();
    }
  },
};
