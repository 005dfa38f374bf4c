// A small MNIST-shaped CNN: where convolution throughput matters. Images are synthetic (uniform noise, random labels).
import * as tf from '@tensorflow/tfjs';
import { layers, Sequential } from '../../src/index';
import { imageBatches } from './data';
import { measure } from './measure';
import { ourTrainer } from './ours-train';
import { tfBatches, tfCategoricalCrossentropy, tfTrainer } from './tfjs-train';
import type { Workload } from './workload';

export const CNN = { batch: 32, batches: 8, side: 28, classes: 10 } as const;

export const cnnMnist: Workload = {
  id: 'cnn-mnist',
  what: '28×28×1 → conv3×3×16 relu → maxpool2 → conv3×3×32 relu → maxpool2 → dense 10 softmax; CE, Adam, batch 32, synthetic images',
  unit: 'images/s',
  targets: [{ vs: 'tfjs_webgpu', min: 3 }],
  async tfjs(budget) {
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [CNN.side, CNN.side, 1], filters: 16, kernelSize: 3, activation: 'relu' }),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu' }),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.flatten(),
        tf.layers.dense({ units: CNN.classes, activation: 'softmax' }),
      ],
    });
    const batches = tfBatches(imageBatches(CNN.batches, CNN.batch, CNN.side * CNN.side, CNN.classes), [CNN.side, CNN.side, 1], CNN.classes);
    try {
      const m = await measure(tfTrainer(model, tfCategoricalCrossentropy, tf.train.adam(), batches), budget);
      return { value: m.perSecond * CNN.batch, how: `optimizer.minimize in tf.tidy, ${m.chunk} steps per readback, ${m.reps} steps` };
    } finally {
      batches.dispose();
      model.dispose();
    }
  },
  async ours(budget) {
    const model = new Sequential(
      [
        layers.input({ shape: [CNN.side, CNN.side, 1] }),
        layers.conv2d({ filters: 16, kernelSize: 3, activation: 'relu' }),
        layers.maxPooling2d({ poolSize: 2 }),
        layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu' }),
        layers.maxPooling2d({ poolSize: 2 }),
        layers.flatten(),
        layers.dense({ units: CNN.classes, activation: 'softmax' }),
      ],
      { seed: 1 },
    );
    model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy' });
    const trainer = ourTrainer(model, imageBatches(CNN.batches, CNN.batch, CNN.side * CNN.side, CNN.classes), [CNN.side, CNN.side, 1], CNN.classes);
    try {
      const m = await measure(trainer, budget);
      return { value: m.perSecond * CNN.batch, how: `${trainer.how}, ${m.chunk} steps per submit and readback, ${m.reps} steps` };
    } finally {
      trainer.dispose();
      model.dispose();
    }
  },
};
