// A small MNIST-shaped CNN: where convolution throughput matters. Images are synthetic (uniform noise, random labels).
import * as tf from '@tensorflow/tfjs';
import { lax, nn, numpy as np } from '@jax-js/jax';
import convnetjs from 'convnetjs';
import { layers, Sequential } from '../../src/index';
import { glorotUniform } from './data';
import { convnetImagesPerSecond, jaxImagesPerSecond, ourImagesPerSecond, tfImagesPerSecond, type ImageTask } from './image-classifier';
import type { JaxParams, ParamInit } from './jax-train';
import type { Workload } from './workload';

const SIDE = 28;
export const CNN: ImageTask = { batch: 32, batches: 8, shape: [SIDE, SIDE, 1], classes: 10 };
const FILTERS = [16, 32];
// 28 → conv 26 → pool 13 → conv 11 → pool 5.
const FLAT = 5 * 5 * FILTERS[1];

/** jax-js layout (as its MNIST demo): images [batch, 1, 28, 28] (NCHW), kernels [out, in, 3, 3], biases [out, 1, 1]. */
function jaxParams(): ParamInit[] {
  const conv = (inC: number, outC: number, seed: number): ParamInit[] => [
    { values: glorotUniform(inC * 9, outC * 9, seed, outC * inC * 9), shape: [outC, inC, 3, 3] },
    { values: new Float32Array(outC), shape: [outC, 1, 1] },
  ];
  return [
    ...conv(1, FILTERS[0], 1),
    ...conv(FILTERS[0], FILTERS[1], 2),
    { values: glorotUniform(FLAT, CNN.classes, 3), shape: [FLAT, CNN.classes] },
    { values: new Float32Array(CNN.classes), shape: [CNN.classes] },
  ];
}

const maxPool2 = (x: np.Array): np.Array => lax.reduceWindow(x, np.max, [2, 2], [2, 2]);

function jaxForward(p: JaxParams, x: np.Array): np.Array {
  const a1 = maxPool2(nn.relu(lax.convGeneralDilated(x, p[0], [1, 1], 'VALID').add(p[1])));
  const a2 = maxPool2(nn.relu(lax.convGeneralDilated(a1, p[2], [1, 1], 'VALID').add(p[3])));
  return np.dot(a2.reshape([-1, FLAT]), p[4]).add(p[5]);
}

export const cnnMnist: Workload = {
  id: 'cnn-mnist',
  what: '28×28×1 → conv3×3×16 relu → maxpool2 → conv3×3×32 relu → maxpool2 → dense 10 softmax; CE, Adam, batch 32, synthetic images',
  unit: 'images/s',
  targets: [{ vs: 'tfjs_webgpu', min: 3 }],
  tfjs: (budget) =>
    tfImagesPerSecond(
      tf.sequential({
        layers: [
          tf.layers.conv2d({ inputShape: CNN.shape, filters: FILTERS[0], kernelSize: 3, activation: 'relu' }),
          tf.layers.maxPooling2d({ poolSize: 2 }),
          tf.layers.conv2d({ filters: FILTERS[1], kernelSize: 3, activation: 'relu' }),
          tf.layers.maxPooling2d({ poolSize: 2 }),
          tf.layers.flatten(),
          tf.layers.dense({ units: CNN.classes }),
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
          layers.conv2d({ filters: FILTERS[0], kernelSize: 3, activation: 'relu' }),
          layers.maxPooling2d({ poolSize: 2 }),
          layers.conv2d({ filters: FILTERS[1], kernelSize: 3, activation: 'relu' }),
          layers.maxPooling2d({ poolSize: 2 }),
          layers.flatten(),
          layers.dense({ units: CNN.classes, activation: 'softmax' }),
        ],
        { seed: 1 },
      ),
      CNN,
      budget,
    ),
  // One channel: the NHWC images are already NCHW.
  jax: (budget, device) => jaxImagesPerSecond(jaxForward, jaxParams(), [1, SIDE, SIDE], CNN, budget, device),
  convnetjs(budget) {
    const net = new convnetjs.Net();
    net.makeLayers([
      { type: 'input', out_sx: SIDE, out_sy: SIDE, out_depth: 1 },
      { type: 'conv', sx: 3, filters: FILTERS[0], stride: 1, pad: 0, activation: 'relu' },
      { type: 'pool', sx: 2, stride: 2 },
      { type: 'conv', sx: 3, filters: FILTERS[1], stride: 1, pad: 0, activation: 'relu' },
      { type: 'pool', sx: 2, stride: 2 },
      { type: 'softmax', num_classes: CNN.classes },
    ]);
    return convnetImagesPerSecond(net, [SIDE, SIDE, 1], CNN, budget);
  },
};
