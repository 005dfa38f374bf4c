// A small MNIST-shaped CNN: where convolution throughput matters. Images are synthetic (uniform noise, random labels).
import * as tf from '@tensorflow/tfjs';
import { layers, Sequential } from '../../src/index';
import { ourImagesPerSecond, tfImagesPerSecond, type ImageTask } from './image-classifier';
import type { Workload } from './workload';

const SIDE = 28;
export const CNN: ImageTask = { batch: 32, batches: 8, shape: [SIDE, SIDE, 1], classes: 10 };

export const cnnMnist: Workload = {
  id: 'cnn-mnist',
  what: '28×28×1 → conv3×3×16 relu → maxpool2 → conv3×3×32 relu → maxpool2 → dense 10 softmax; CE, Adam, batch 32, synthetic images',
  unit: 'images/s',
  targets: [{ vs: 'tfjs_webgpu', min: 3 }],
  tfjs: (budget) =>
    tfImagesPerSecond(
      tf.sequential({
        layers: [
          tf.layers.conv2d({ inputShape: CNN.shape, filters: 16, kernelSize: 3, activation: 'relu' }),
          tf.layers.maxPooling2d({ poolSize: 2 }),
          tf.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu' }),
          tf.layers.maxPooling2d({ poolSize: 2 }),
          tf.layers.flatten(),
          tf.layers.dense({ units: CNN.classes, activation: 'softmax' }),
        ],
      }),
      CNN,
      budget,
    ),
  ours: (budget) =>
    ourImagesPerSecond(
      new Sequential(
        [
          layers.input({ shape: CNN.shape }),
          layers.conv2d({ filters: 16, kernelSize: 3, activation: 'relu' }),
          layers.maxPooling2d({ poolSize: 2 }),
          layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu' }),
          layers.maxPooling2d({ poolSize: 2 }),
          layers.flatten(),
          layers.dense({ units: CNN.classes, activation: 'softmax' }),
        ],
        { seed: 1 },
      ),
      CNN,
      budget,
    ),
};
