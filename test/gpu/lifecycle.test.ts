// Lifecycle contracts on WebGPU: a buffer is never destroyed while commands that use it are encoded or
// running (with the pool keeping no free buffer, every freed temporary is destroyed unless that waits for
// the work using it); caches stay bounded; device errors are reported, never read as values.
import { describe, expect, it } from 'vitest';
import { Sequential, layers, setBackend, useBackend } from '../../src/index';
import type { Backend } from '../../src/engine/backend/backend';
import { compileTrainer, type TrainerData } from '../../src/engine/plan';
import { POOL_FREE_BYTES } from '../../src/engine/backend/webgpu/storages';
import { GpuTensor, Storage, STORAGE_USAGE } from '../../src/engine/backend/webgpu/memory';
import type { DeviceEvent } from '../../src/engine/backend/webgpu/recovery';
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
  it('with the pool keeping no free buffer, fit, trainOnBatch, a compiled trainer and predict equal the CPU backend', async () => {
    if (typeof gpu === 'string') throw new Error(gpu);
    const expected = await run(cpu);
    gpu.executor.storages.poolFreeLimit = 0;
    try {
      const actual = await run(gpu);
      const names = ['fit', 'trainOnBatch', 'compiled trainer', 'predict'];
      actual.forEach((a, i) => expect(maxViolation(a, expected[i]), names[i]).toBe(0));
    } finally {
      gpu.executor.storages.poolFreeLimit = POOL_FREE_BYTES;
    }
  });

  it('the parameter-block cache stays within its limit while eager work churns it; a plan keeps the blocks it uses', async () => {
    if (typeof gpu === 'string') throw new Error(gpu);
    const cache = gpu.executor.constants;
    const limit = cache.limit;
    const expected = await run(cpu);
    cache.limit = 4;
    try {
      for (let n = 1; n <= 20; n++) {
        const t = gpu.fill([n], n);
        expect(Array.from(await gpu.read(t))).toEqual(Array(n).fill(n));
        gpu.dispose(t);
      }
      expect(cache.size).toBeLessThanOrEqual(4);
      // The compiled trainer's plan replays after eager steps evicted everything it did not hold.
      const actual = await run(gpu);
      actual.forEach((a, i) => expect(maxViolation(a, expected[i])).toBe(0));
    } finally {
      cache.limit = limit;
    }
  });

  it('a submit the device rejects becomes an error event naming the work, and the next read rejects instead of returning stale values', async () => {
    if (typeof gpu === 'string') throw new Error(gpu);
    const events: DeviceEvent[] = [];
    const off = gpu.onDeviceEvent((e) => events.push(e));
    const x = gpu.upload(Float32Array.of(1, 2, 3, 4), [4]);
    // A tensor whose buffer was destroyed under it: the submit of any work that uses it is rejected.
    const buffer = gpu.executor.device.createBuffer({ size: 16, usage: STORAGE_USAGE });
    buffer.destroy();
    const broken = new GpuTensor([4], new Storage(buffer, 0, 4, 'view'));
    const y = gpu.unary('neg', broken);
    try {
      await expect(gpu.read(y)).rejects.toThrow(/^WebGPU: reading back 4 values \(1 dispatch: unary \(4, 4 elements\)\) failed: /);
      expect(events.filter((e) => e.type === 'error').map((e) => (e as { message: string }).message)).toEqual([
        expect.stringMatching(/unary \(4, 4 elements\)/),
      ]);
      // The failure is reported once; later work reads normally.
      const z = gpu.unary('neg', x);
      expect(Array.from(await gpu.read(z))).toEqual([-1, -2, -3, -4]);
      gpu.dispose(z);
    } finally {
      off();
      gpu.dispose(x);
      gpu.dispose(y);
    }
  });

  it('setBackend(\'webgpu\') reuses the device the tests already hold instead of creating one per call', async () => {
    if (typeof gpu === 'string') throw new Error(gpu);
    expect(await setBackend('webgpu')).toBe(gpu);
    expect(await setBackend('webgpu')).toBe(gpu);
  });

  it('an error outside every scope (uncapturederror) is reported too, and rejects the next read', async () => {
    if (typeof gpu === 'string') throw new Error(gpu);
    const events: DeviceEvent[] = [];
    const off = gpu.onDeviceEvent((e) => events.push(e));
    const x = gpu.upload(Float32Array.of(5), [1]);
    try {
      // MAP_READ may only be combined with COPY_DST: the device rejects this buffer.
      gpu.executor.device.createBuffer({ size: 4, usage: 0x1 | 0x80 });
      await expect(gpu.read(x)).rejects.toThrow(/^WebGPU: .*usage/i);
      expect(events.map((e) => e.type)).toEqual(['error']);
      expect(Array.from(await gpu.read(x))).toEqual([5]);
    } finally {
      off();
      gpu.dispose(x);
    }
  });
});
