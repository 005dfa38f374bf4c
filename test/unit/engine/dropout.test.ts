import { describe, expect, it } from 'vitest';
import * as ops from '../../../src/engine/ops';
import { Tensor } from '../../../src/engine/tensor';
import { activeBackend } from '../../../src/engine/registry';
import { hashUniform } from '../../../src/engine/random';
import { createRng } from '../../../src/engine/random';
import { checkGradients, randomInput } from './grad-check';

const b = activeBackend();
const mask = (shape: number[], rate: number, seed: number, step: number): Promise<Float32Array> =>
  b.read(b.dropoutMask(shape, rate, seed, b.createCounter(step)));

describe('dropout', () => {
  it('keeps element i exactly when hashUniform(seed, step, i) >= rate, scaled by 1/(1 − rate)', async () => {
    const m = await mask([4, 25], 0.3, 17, 5);
    m.forEach((v, i) => expect(v).toBe(hashUniform(17, 5, i) >= Math.fround(0.3) ? Math.fround(1 / (1 - Math.fround(0.3))) : 0));
  });

  it('is reproducible for (seed, step) and changes with either', async () => {
    const a = await mask([1000], 0.5, 1, 0);
    expect(await mask([1000], 0.5, 1, 0)).toEqual(a);
    expect(await mask([1000], 0.5, 2, 0)).not.toEqual(a);
    expect(await mask([1000], 0.5, 1, 1)).not.toEqual(a);
  });

  it('follows the step counter as it is incremented on the device', async () => {
    const counter = b.createCounter(0);
    const first = await b.read(b.dropoutMask([100], 0.5, 3, counter));
    b.increment(counter);
    expect(await b.read(b.dropoutMask([100], 0.5, 3, counter))).toEqual(await mask([100], 0.5, 3, 1));
    expect(await b.read(b.dropoutMask([100], 0.5, 3, counter))).not.toEqual(first);
  });

  it('drops the requested fraction and preserves the mean', async () => {
    for (const rate of [0.1, 0.5, 0.8]) {
      const m = await mask([20000], rate, 9, 4);
      const dropped = m.filter((v) => v === 0).length / m.length;
      expect(Math.abs(dropped - rate)).toBeLessThan(0.015);
      expect(Math.abs(m.reduce((s, v) => s + v, 0) / m.length - 1)).toBeLessThan(0.05);
    }
  });

  it('gradient passes through the same mask', async () => {
    const step = new Tensor(b.createCounter(2));
    await checkGradients(([x]) => ops.dropout(x, 0.4, 11, step), [randomInput(createRng(1), [5, 6])]);
  });

  it('rejects a rate outside [0, 1) and a non-integer seed', () => {
    expect(() => b.dropoutMask([2], 1, 0, b.createCounter(0))).toThrow('dropoutMask: rate must be in [0, 1), got 1');
    expect(() => b.dropoutMask([2], 0.5, 0.5, b.createCounter(0))).toThrow(/seed must be an integer/);
  });
});
