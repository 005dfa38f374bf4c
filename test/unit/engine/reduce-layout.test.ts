import { describe, expect, it } from 'vitest';
import * as ops from '../../../src/engine/ops';
import { createRng } from '../../../src/engine/random';
import { checkGradients, distinctInput, expectClose, randomInput, randomShape } from './grad-check';

const rng = createRng(99);

describe('reductions', () => {
  it('sum, mean and max over chosen axes, with and without keepDims', async () => {
    const x = ops.tensor([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [2, 3, 2]);
    const s = ops.sum(x, [0, 2]);
    expect(s.shape).toEqual([3]);
    expect(Array.from(await s.data())).toEqual([1 + 2 + 7 + 8, 3 + 4 + 9 + 10, 5 + 6 + 11 + 12]);
    const m = ops.mean(x, [1], true);
    expect(m.shape).toEqual([2, 1, 2]);
    expectClose(await m.data(), [3, 4, 9, 10]);
    const mx = ops.max(x, -1);
    expect(mx.shape).toEqual([2, 3]);
    expect(Array.from(await mx.data())).toEqual([2, 4, 6, 8, 10, 12]);
    const all = ops.sum(x);
    expect(all.shape).toEqual([]);
    expect(Array.from(await all.data())).toEqual([78]);
  });

  for (const [name, f] of [
    ['sum', ops.sum],
    ['mean', ops.mean],
    ['max', ops.max],
  ] as const) {
    it(`${name}: gradients over every axis subset of a random rank-3 tensor`, async () => {
      const shape = randomShape(rng, 3);
      for (const axes of [[0], [1], [2], [0, 2], [1, 2], [0, 1, 2]]) {
        for (const keepDims of [false, true]) {
          const x = name === 'max' ? distinctInput(rng, shape) : randomInput(rng, shape);
          await checkGradients(([t]) => f(t, axes, keepDims), [x]);
        }
      }
    });
  }
});

describe('shape ops', () => {
  it('reshape shares values and its gradient reshapes back', async () => {
    const x = randomInput(rng, [2, 6]);
    expect(Array.from(await ops.reshape(ops.tensor(x.values, x.shape), [3, -1]).data())).toEqual(Array.from(x.values));
    await checkGradients(([t]) => ops.mul(ops.reshape(t, [4, 3]), ops.reshape(t, [4, 3])), [x]);
  });

  it('transpose moves values and its gradient inverts the permutation', async () => {
    const t = ops.transpose(ops.tensor([1, 2, 3, 4, 5, 6], [1, 2, 3]), [2, 0, 1]);
    expect(t.shape).toEqual([3, 1, 2]);
    expect(Array.from(await t.data())).toEqual([1, 4, 2, 5, 3, 6]);
    for (const perm of [[0, 1, 2], [2, 1, 0], [1, 2, 0], [2, 0, 1]]) {
      await checkGradients(([x]) => ops.transpose(x, perm), [randomInput(rng, randomShape(rng, 3))]);
    }
  });

  it('slice cuts a box and its gradient pads it back', async () => {
    const s = ops.slice(ops.tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [3, 3]), [1, 0], [2, -1]);
    expect(s.shape).toEqual([2, 3]);
    expect(Array.from(await s.data())).toEqual([4, 5, 6, 7, 8, 9]);
    await checkGradients(([x]) => ops.slice(x, [1, 0, 2], [2, 3, 1]), [randomInput(rng, [3, 4, 4])]);
  });

  it('pad adds zeros before and after and its gradient slices', async () => {
    const p = ops.pad(ops.tensor([1, 2, 3, 4], [2, 2]), [[0, 1], [2, 0]]);
    expect(p.shape).toEqual([3, 4]);
    expect(Array.from(await p.data())).toEqual([0, 0, 1, 2, 0, 0, 3, 4, 0, 0, 0, 0]);
    await checkGradients(([x]) => ops.pad(x, [[1, 2], [0, 1], [2, 0]]), [randomInput(rng, [2, 3, 2])]);
  });

  it('concat along each axis, gradients split back to every input', async () => {
    const c = ops.concat([ops.tensor([1, 2, 3, 4], [2, 2]), ops.tensor([5, 6], [2, 1])], 1);
    expect(c.shape).toEqual([2, 3]);
    expect(Array.from(await c.data())).toEqual([1, 2, 5, 3, 4, 6]);
    for (const axis of [0, 1, 2]) {
      const shapes = [0, 1, 2].map(() => [2, 3, 2].map((d, i) => (i === axis ? 1 + rng.int(3) : d)));
      await checkGradients((xs) => ops.concat(xs, axis), shapes.map((s) => randomInput(rng, s)));
    }
  });

  it('gatherRows picks rows by index and rejects indices out of range', async () => {
    const x = ops.tensor([1, 2, 3, 4, 5, 6], [3, 2]);
    const g = ops.gatherRows(x, ops.tensor([2, 0, 2], [3]));
    expect(g.shape).toEqual([3, 2]);
    expect(Array.from(await g.data())).toEqual([5, 6, 1, 2, 5, 6]);
    expect(() => ops.gatherRows(x, ops.tensor([3], [1]))).toThrow(/gatherRows: index 3/);
    expect(() => ops.gatherRows(x, ops.tensor([0.5], [1]))).toThrow(/gatherRows: index 0.5/);
  });
});
