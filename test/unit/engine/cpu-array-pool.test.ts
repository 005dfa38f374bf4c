// The CPU backends' array pool (cpu/array-pool.ts): an op-by-op training step creates no typed array after
// warm-up, disposed arrays are reused only when no handle can reach them, and the free list stays bounded.
import { afterAll, describe, expect, it } from 'vitest';
import { Sequential, layers, useBackend } from '../../../src/index';
import { ArrayPool } from '../../../src/engine/backend/cpu/array-pool';
import { CpuBackend } from '../../../src/engine/backend/cpu/cpu-backend';
import { createWasmBackend } from '../../../src/engine/backend/wasm/wasm-backend';
import { compileTrainer, type TrainerData } from '../../../src/engine/plan';
import { randomValues } from '../../gpu/compare';

const wasm = await createWasmBackend();
const reference = new CpuBackend();
afterAll(() => useBackend(new CpuBackend()));

type Constructors = { Float32Array: Float32ArrayConstructor; Float64Array: Float64ArrayConstructor };
const typedArrayPrototype = Object.getPrototypeOf(Float32Array.prototype) as { slice: (...args: unknown[]) => unknown };

/**
 * Bytes of new typed-array storage `fn` creates: every `new Float32Array/Float64Array(n | values)`,
 * `.from`, `.of` and `.slice` (views over an existing buffer, as `subarray` makes, own no storage and
 * are not counted).
 */
function typedArrayBytes(fn: () => void): number {
  let bytes = 0;
  const g = globalThis as unknown as Constructors;
  const saved: Constructors = { Float32Array: g.Float32Array, Float64Array: g.Float64Array };
  const savedSlice = typedArrayPrototype.slice;
  for (const name of ['Float32Array', 'Float64Array'] as const) {
    (g as unknown as Record<string, unknown>)[name] = new Proxy(saved[name], {
      construct(target, args, newTarget) {
        const made = Reflect.construct(target, args, newTarget === g[name] ? target : newTarget) as Float32Array;
        if (!(args[0] instanceof ArrayBuffer || (typeof SharedArrayBuffer === 'function' && args[0] instanceof SharedArrayBuffer))) bytes += made.byteLength;
        return made;
      },
    });
  }
  typedArrayPrototype.slice = function (this: Float32Array, ...args: unknown[]) {
    const made = savedSlice.apply(this, args) as Float32Array;
    bytes += made.byteLength;
    return made;
  };
  try {
    fn();
  } finally {
    Object.assign(g, saved);
    typedArrayPrototype.slice = savedSlice;
  }
  return bytes;
}

function mlp(): Sequential {
  const model = new Sequential([layers.input({ shape: [64] }), layers.dense({ units: 32, activation: 'relu' }), layers.dense({ units: 10, activation: 'softmax' })], { seed: 3 });
  model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy' });
  return model;
}

function cnn(): Sequential {
  const model = new Sequential(
    [
      layers.input({ shape: [8, 8, 1] }),
      layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }),
      layers.maxPooling2d({ poolSize: 2 }),
      layers.flatten(),
      layers.dense({ units: 10, activation: 'softmax' }),
    ],
    { seed: 3 },
  );
  model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy' });
  return model;
}

function classes(rows: number, features: number): TrainerData {
  const x = randomValues(rows * features, 7, 1);
  const y = new Float32Array(rows * 10);
  for (let r = 0; r < rows; r++) y[r * 10 + (r % 10)] = 1;
  return { x, xShape: [rows, features], y, yShape: [rows, 10] };
}

describe('CPU array pool', () => {
  for (const [name, make, shape, backend] of [
    ['MLP 64-32-10 (Adam)', mlp, [64], wasm],
    ['CNN conv-pool-dense (Adam)', cnn, [8, 8, 1], wasm],
    ['MLP 64-32-10 (Adam)', mlp, [64], reference],
    ['CNN conv-pool-dense (Adam)', cnn, [8, 8, 1], reference],
  ] as const) {
    it(`an op-by-op step of a ${name} on the ${backend.name} backend creates no typed array after warm-up`, () => {
      useBackend(backend);
      const model = make();
      const data = classes(40, 64);
      data.xShape = [40, ...shape];
      // No dense spec: the eager, op-by-op path (the fused host step has its own test).
      const trainer = compileTrainer({ step: model.getTrainStep().step, data, batchSize: 8 });
      expect(trainer.path).toBe('eager');
      trainer.run(10); // warm-up: the pool fills with every size a step uses
      // The probe sees the engine's arrays: with no free arrays kept, the same steps create new ones.
      const bound = backend.pool.maxFreeBytes;
      Object.assign(backend.pool, { maxFreeBytes: 0 });
      trainer.run(1); // the free list drains
      expect(typedArrayBytes(() => trainer.run(5))).toBeGreaterThan(5 * 1000);
      Object.assign(backend.pool, { maxFreeBytes: bound });
      trainer.run(10);
      expect(typedArrayBytes(() => trainer.run(50))).toBe(0);
      expect(backend.pool.bytesFree).toBeLessThanOrEqual(backend.pool.maxFreeBytes);
      trainer.dispose();
      model.dispose();
    });
  }

  it('a disposed tensor still throws on use, and its array is reused only once no reshape of it is live', async () => {
    const backend = new CpuBackend();
    const a = backend.upload(Float32Array.of(1, 2, 3, 4), [2, 2]);
    const r = backend.reshape(a, [4]);
    backend.dispose(a);
    await expect(backend.read(a)).rejects.toThrow('read: x [2, 2] was used after dispose');
    expect(() => backend.unary('neg', a)).toThrow('unary neg: x [2, 2] was used after dispose');
    expect(backend.pool.bytesFree).toBe(0); // the reshape still reads it
    const b = backend.fill([4], 9);
    expect(Array.from(await backend.read(r))).toEqual([1, 2, 3, 4]);
    backend.dispose(r);
    expect(backend.pool.bytesFree).toBe(16);
    const c = backend.unary('neg', b); // takes the freed array and overwrites all of it
    expect(backend.pool.bytesFree).toBe(0);
    expect(Array.from(await backend.read(c))).toEqual([-9, -9, -9, -9]);
    // A read copies out: disposing afterwards does not change what the caller holds.
    const held = await backend.read(c);
    backend.dispose(c);
    backend.fill([4], 5);
    expect(Array.from(held)).toEqual([-9, -9, -9, -9]);
  });

  it('zeroes the arrays of ops that accumulate, whatever the reused array held', async () => {
    const backend = new CpuBackend();
    const junk = backend.fill([1, 4, 4, 1], 7);
    backend.dispose(junk);
    const x = backend.upload(Float32Array.of(1, 2, 3, 4), [1, 2, 2, 1]);
    const padded = backend.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]]);
    const values = await backend.read(padded);
    expect(Array.from(values)).toEqual([0, 0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0, 0, 0, 0]);
  });

  it('keeps at most maxFreeBytes in free arrays, dropping the lengths kept first', () => {
    const pool = new ArrayPool(100);
    const twenty = new Float32Array(20);
    pool.give(twenty); // 80 bytes
    pool.give(new Float32Array(5)); // 100
    expect(pool.bytesFree).toBe(100);
    pool.give(new Float32Array(30)); // 120 bytes alone: dropped, the others stay
    expect(pool.bytesFree).toBe(100);
    const ten = new Float32Array(10);
    pool.give(ten); // 40 more: the 20-float array (kept first) goes, 60 bytes remain
    expect(pool.bytesFree).toBe(60);
    expect(pool.take(10)).toBe(ten);
    expect(pool.take(20)).not.toBe(twenty); // dropped: a new one
    expect(pool.bytesFree).toBe(20);
    pool.give(new Float32Array(5)); // same length as the one kept: it stays, 40 bytes
    expect(pool.bytesFree).toBe(40);
    expect(pool.take(5).length).toBe(5);
    expect(pool.bytesFree).toBe(20);
    expect(() => new ArrayPool(-1)).toThrow('ArrayPool: maxFreeBytes must be a number ≥ 0, got -1');
  });
});
