// Buffer lifecycle contracts on WebGPU: a buffer is never destroyed while commands that use it are
// encoded or running. The pool keeps no free buffers here (limit 0), so every freed temporary is destroyed
// at once unless its destruction waits for the work that uses it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sequential, layers, setBackend, useBackend } from '../../src/index';
import type { Backend } from '../../src/engine/backend/backend';
import { compileTrainer, type TrainerData } from '../../src/engine/plan';
import { POOL_FREE_BYTES } from '../../src/engine/backend/webgpu/storages';
import { cpu, gpuSuite, maxViolation, randomValues, webgpuBackend } from './setup';

const gpu = await webgpuBackend();

function cnn(): Sequential {
  const model = new Sequential(
    [
      layers.input({ shape: [6, 6, 1] }),
      layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu', padding: 'same' }),
      layers.maxPooling2d({ poolSize: 2 }),
      layers.flatten(),
      layers.dense({ units: 6, activation: 'tanh' }),
      layers.dense({ units: 3, activation: 'softmax' }),
    ],
    { seed: 21 },
  );
  model.compile({ optimizer: { type: 'adam', learningRate: 0.01 }, loss: 'sparse_categorical_crossentropy' });
  return model;
}

const rows = 20;
const data: TrainerData = {
  x: randomValues(rows * 36, 31),
  xShape: [rows, 6, 6, 1],
  y: Float32Array.from({ length: rows }, (_, i) => i % 3),
  yShape: [rows],
};
const x = { shape: data.xShape, values: data.x };
const y = Array.from(data.y);

const flat = async (m: Sequential): Promise<Float32Array> => Float32Array.from((await m.getWeights()).flatMap((w) => Array.from(w.values)));

/** fit, trainOnBatch and a compiled trainer in turn, then a predict: the weights and the predictions. */
async function run(backend: Backend): Promise<Float32Array[]> {
  useBackend(backend);
  const model = cnn();
  await model.fit(x, y, { epochs: 2, batchSize: 6, shuffle: false });
  const afterFit = await flat(model);
  await model.trainOnBatch(x, y);
  const afterBatch = await flat(model);
  const trainer = compileTrainer({ ...model.getTrainStep(), data, batchSize: 7 });
  trainer.run(3);
  trainer.run(2);
  const afterTrainer = await flat(model);
  trainer.dispose();
  const predicted = (await model.predict(x)).values as Float32Array;
  model.dispose();
  return [afterFit, afterBatch, afterTrainer, Float32Array.from(predicted)];
}

describe.skipIf(typeof gpu === 'string')(gpuSuite('buffer lifecycle on WebGPU', gpu), () => {
  beforeAll(() => {
    if (typeof gpu !== 'string') gpu.executor.storages.poolFreeLimit = 0;
  });
  afterAll(() => {
    if (typeof gpu !== 'string') gpu.executor.storages.poolFreeLimit = POOL_FREE_BYTES;
  });

  it('with the pool keeping no free buffer, fit, trainOnBatch, a compiled trainer and predict equal the CPU backend', async () => {
    if (typeof gpu === 'string') throw new Error(gpu);
    const expected = await run(cpu);
    const actual = await run(gpu);
    const names = ['fit', 'trainOnBatch', 'compiled trainer', 'predict'];
    actual.forEach((a, i) => expect(maxViolation(a, expected[i]), names[i]).toBe(0));
  });

  it('setBackend(\'webgpu\') reuses the device the tests already hold instead of creating one per call', async () => {
    if (typeof gpu === 'string') throw new Error(gpu);
    expect(await setBackend('webgpu')).toBe(gpu);
    expect(await setBackend('webgpu')).toBe(gpu);
  });
});
