import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../../../src/engine/backend/cpu/cpu-backend';
import { counterValue } from '../../../src/engine/counter';

const b = new CpuBackend();

describe('CpuBackend memory', () => {
  it('names itself', () => {
    expect(b.name).toBe('cpu');
    expect(b.description).toBe('CPU');
  });

  it('upload and read copy, so neither side can change the other', async () => {
    const values = Float32Array.of(1, 2, 3, 4);
    const h = b.upload(values, [2, 2]);
    values[0] = 99;
    const read = await b.read(h);
    expect(Array.from(read)).toEqual([1, 2, 3, 4]);
    read[1] = 99;
    expect(Array.from(await b.read(h))).toEqual([1, 2, 3, 4]);
  });

  it('fill, reshape sharing storage, and assign in place', async () => {
    const h = b.fill([2, 3], 0.5);
    expect(h.shape).toEqual([2, 3]);
    expect(h.size).toBe(6);
    const r = b.reshape(h, [3, 2]);
    b.assign(h, b.upload(Float32Array.of(1, 2, 3, 4, 5, 6), [6]));
    expect(r.shape).toEqual([3, 2]);
    expect(Array.from(await b.read(r))).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('a disposed handle cannot be used again', () => {
    const h = b.fill([2], 1);
    b.dispose(h);
    expect(() => b.unary('neg', h)).toThrow('unary neg: x [2] was used after dispose');
  });

  it('counters start at a value and increment on the backend', async () => {
    const c = b.createCounter(41);
    b.increment(c);
    expect(counterValue(await b.read(c))).toBe(42);
    expect(() => b.createCounter(-1)).toThrow(/integer in \[0, 2\^32\)/);
  });
});

describe('CpuBackend input validation', () => {
  it('names the kernel and the shapes', () => {
    expect(() => b.upload(Float32Array.of(1, 2, 3), [2, 2])).toThrow('upload: 3 values do not fill shape [2, 2] (4 expected)');
    expect(() => b.fill([2, -1], 0)).toThrow(/fill: shape must be a list of non-negative integers/);
    expect(() => b.reshape(b.fill([2, 3], 0), [4])).toThrow('reshape: cannot reshape [2, 3] (6 values) to [4]');
    expect(() => b.assign(b.fill([2], 0), b.fill([3], 0))).toThrow('assign: target [2] and source [3] differ in size');
    expect(() => b.binary('add', b.fill([2, 3], 0), b.fill([4], 0))).toThrow(/binary add: shapes \[2, 3\] and \[4\] cannot be broadcast/);
    expect(() => b.matmul(b.fill([2, 3], 0), b.fill([2, 3], 0), false, false)).toThrow(/matmul: inner dimensions differ: a \[2, 3\] · b \[2, 3\]/);
    expect(() => b.matmul(b.fill([2, 3], 0), b.fill([3, 2], 0), false, false, undefined, 'gelu' as never)).toThrow(/matmul: unknown activation "gelu"/);
    expect(() => b.reduce('sum', b.fill([2, 3], 0), [1, 0], false)).toThrow(/reduce sum: axes \[1, 0\] must be sorted/);
    expect(() => b.transpose(b.fill([2, 3], 0), [0, 0])).toThrow(/transpose: perm \[0, 0\]/);
    expect(() => b.slice(b.fill([2, 3], 0), [1, 1], [2, 1])).toThrow(/slice: begin \[1, 1\] size \[2, 1\] out of range for \[2, 3\]/);
    expect(() => b.pad(b.fill([2], 0), [[1, -1]])).toThrow(/pad: expected 1 non-negative/);
    expect(() => b.concat([b.fill([2, 3], 0), b.fill([3, 3], 0)], 1)).toThrow(/concat: shapes \[2, 3\] \[3, 3\] differ outside axis 1/);
    expect(() => b.softmax(b.fill([], 0))).toThrow(/softmax: expected rank ≥ 1/);
    expect(() => b.activationGrad('tanh', b.fill([2], 0), b.fill([3], 0))).toThrow(/activationGrad tanh: y \[2\] and dy \[3\] differ/);
    expect(() => b.pool2d(b.fill([4, 4, 1], 0), { type: 'max', poolSize: [2, 2], strides: [2, 2], padding: 'valid' })).toThrow(
      /maxPool2d: expected NHWC input, got \[4, 4, 1\]/,
    );
    expect(() => b.pool2d(b.fill([1, 4, 4, 1], 0), { type: 'avg', poolSize: [2, 2], strides: [0, 1], padding: 'valid' })).toThrow(
      /strides must be positive integers, got 0/,
    );
    expect(() => b.increment(b.fill([2], 0))).toThrow(/increment: counter must have one element/);
    expect(() => b.unary('neg', { shape: [1], size: 1, disposed: false })).toThrow('unary neg: x is not a CPU tensor');
  });
});

describe('CpuBackend reduce', () => {
  // Leading and trailing axes take contiguous loops; a unit axis around them sends the same numbers
  // through the general walk, which must give the same float32 results, bit for bit.
  const [n, m] = [37, 29];
  const values = Float32Array.from({ length: n * m }, (_, i) => Math.sin(i * 1.7) * 10 ** ((i % 7) - 3));
  values[5] = NaN;
  for (const op of ['sum', 'mean', 'max'] as const) {
    it(`${op} over leading and over trailing axes equals the general walk`, async () => {
      const x = b.upload(values, [n, m]);
      const leading = await b.read(b.reduce(op, x, [0], false));
      const general0 = await b.read(b.reduce(op, b.upload(values, [1, n, m]), [1], false));
      expect(leading).toEqual(general0);
      const trailing = await b.read(b.reduce(op, x, [1], false));
      const general1 = await b.read(b.reduce(op, b.upload(values, [n, m, 1]), [1], false));
      expect(trailing).toEqual(general1);
      expect(leading.length).toBe(m);
      expect(trailing.length).toBe(n);
    });
  }
});
