// A dense MNIST-sized MLP: where matmul throughput matters. Images are synthetic (uniform noise, random labels).
import * as tf from '@tensorflow/tfjs';
import { layers, Sequential } from '../../src/index';
import { ourImagesPerSecond, tfImagesPerSecond, type ImageTask } from './image-classifier';
import { tfDense } from './tfjs-train';
import type { Workload } from './workload';

const INPUTS = 784;
const HIDDEN = 256;
export const MLP_MNIST: ImageTask = { batch: 128, batches: 4, shape: [INPUTS], classes: 10 };

export const mlpMnist: Workload = {
  id: 'mlp-mnist',
  what: '784→256→256→10 relu/softmax; CE, Adam, batch 128, synthetic images',
  unit: 'images/s',
  targets: [{ vs: 'tfjs_webgpu', min: 2 }],
  tfjs: (budget) =>
    tfImagesPerSecond(tf.sequential({ layers: [tfDense(HIDDEN, 'relu', INPUTS), tfDense(HIDDEN, 'relu'), tfDense(MLP_MNIST.classes, 'softmax')] }), MLP_MNIST, budget),
  ours: (budget) =>
    ourImagesPerSecond(
      new Sequential(
        [
          layers.input({ shape: [INPUTS] }),
          layers.dense({ units: HIDDEN, activation: 'relu' }),
          layers.dense({ units: HIDDEN, activation: 'relu' }),
          layers.dense({ units: MLP_MNIST.classes, activation: 'softmax' }),
        ],
        { seed: 1 },
      ),
      MLP_MNIST,
      budget,
    ),
};
