// A dense MNIST-sized MLP: where matmul throughput matters. Images are synthetic (uniform noise, random labels).
import * as tf from '@tensorflow/tfjs';
import { nn, numpy as np } from '@jax-js/jax';
import convnetjs from 'convnetjs';
import { layers, Sequential } from '../../src/index';
import { glorotUniform } from './data';
import { convnetImagesPerSecond, jaxImagesPerSecond, ourImagesPerSecond, tfImagesPerSecond, type ImageTask } from './image-classifier';
import type { JaxParams } from './jax-train';
import { tfDense } from './tfjs-train';
import type { Workload } from './workload';

const INPUTS = 784;
const HIDDEN = 256;
export const MLP_MNIST: ImageTask = { batch: 128, batches: 4, shape: [INPUTS], classes: 10 };
const SIZES = [INPUTS, HIDDEN, HIDDEN, MLP_MNIST.classes];

function jaxForward(p: JaxParams, x: np.Array): np.Array {
  const h1 = nn.relu(np.dot(x, p[0]).add(p[1]));
  const h2 = nn.relu(np.dot(h1, p[2]).add(p[3]));
  return np.dot(h2, p[4]).add(p[5]);
}

export const mlpMnist: Workload = {
  id: 'mlp-mnist',
  what: '784→256→256→10 relu/softmax; CE, Adam, batch 128, synthetic images',
  unit: 'images/s',
  targets: [{ vs: 'tfjs_webgpu', min: 2 }],
  tfjs: (budget) =>
    tfImagesPerSecond(tf.sequential({ layers: [tfDense(HIDDEN, 'relu', INPUTS), tfDense(HIDDEN, 'relu'), tfDense(MLP_MNIST.classes, 'linear')] }), MLP_MNIST, budget),
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
  jax: (budget, device) =>
    jaxImagesPerSecond(
      jaxForward,
      SIZES.slice(1).flatMap((units, i) => [
        { values: glorotUniform(SIZES[i], units, i + 1), shape: [SIZES[i], units] },
        { values: new Float32Array(units), shape: [units] },
      ]),
      [INPUTS],
      MLP_MNIST,
      budget,
      device,
    ),
  convnetjs(budget) {
    const net = new convnetjs.Net();
    net.makeLayers([
      { type: 'input', out_sx: 1, out_sy: 1, out_depth: INPUTS },
      { type: 'fc', num_neurons: HIDDEN, activation: 'relu' },
      { type: 'fc', num_neurons: HIDDEN, activation: 'relu' },
      { type: 'softmax', num_classes: MLP_MNIST.classes },
    ]);
    return convnetImagesPerSecond(net, [1, 1, INPUTS], MLP_MNIST, budget);
  },
};
