import { describe, expect, it } from 'vitest';
import * as ops from '../../../src/engine/ops';
import { activeBackend } from '../../../src/engine/registry';
import { grad, result, type Tensor } from '../../../src/engine/tensor';
import { createRng } from '../../../src/engine/random';
import type { ActivationKind } from '../../../src/engine/backend/backend';
import { checkGradients, expectClose, randomInput, randomShape } from './grad-check';

const rng = createRng(2024);

/** Pairs of shapes that broadcast: equal, trailing-suffix, size-1 stretch on both sides, scalar. */
function broadcastPairs(): [number[], number[]][] {
  const s = randomShape(rng, 3);
  return [
    [s, s],
    [s, s.slice(1)],
    [[s[0], 1, s[2]], [1, s[1], 1]],
    [s, []],
    [[], s],
  ];
}

describe('binary ops', () => {
  it('broadcast forward values like NumPy', async () => {
    const a = ops.tensor([1, 2, 3, 4, 5, 6], [2, 1, 3]);
    const b = ops.tensor([10, 20], [2, 1]);
    const sum = ops.add(a, b);
    expect(sum.shape).toEqual([2, 2, 3]);
    expect(Array.from(await sum.data())).toEqual([11, 12, 13, 21, 22, 23, 14, 15, 16, 24, 25, 26]);
    expect(Array.from(await ops.pow(ops.tensor([2, 3], [2]), ops.tensor([3], [1])).data())).toEqual([8, 27]);
    expect(Array.from(await ops.equal(ops.tensor([1, 2, 3], [3]), ops.tensor([2], [])).data())).toEqual([0, 1, 0]);
    expect(Array.from(await ops.greater(ops.tensor([1, 2, 3], [3]), ops.tensor([2], [])).data())).toEqual([0, 0, 1]);
  });

  it('every broadcasting path (equal, scalar, trailing, general) matches a naive index mapping', async () => {
    for (const [sa, sb] of [...broadcastPairs(), [[3], [4, 1, 3]], [[2, 1], [2, 3]], [[1, 4], [3, 1]]] as [number[], number[]][]) {
      const a = randomInput(rng, sa);
      const b = randomInput(rng, sb);
      const out = ops.sub(ops.tensor(a.values, sa), ops.tensor(b.values, sb));
      const shape = out.shape;
      // Value at output multi-index idx: read each operand at idx's trailing axes, 0 where its axis is 1.
      const at = (x: { values: Float32Array; shape: number[] }, idx: number[]): number => {
        let flat = 0;
        x.shape.forEach((d, i) => (flat = flat * d + (d === 1 ? 0 : idx[idx.length - x.shape.length + i])));
        return x.values[flat];
      };
      const expected: number[] = [];
      const idx = shape.map(() => 0);
      for (let n = 0; n < out.size; n++) {
        expected.push(at(a, idx) - at(b, idx));
        for (let d = shape.length - 1; d >= 0 && ++idx[d] === shape[d]; d--) idx[d] = 0;
      }
      expectClose(await out.data(), expected, 1e-6);
    }
  });

  it('maximum and minimum send the gradient of a tie to x', async () => {
    const x = ops.tensor([1, 2], [2], true);
    const y = ops.tensor([1, 2], [2], true);
    for (const f of [ops.maximum, ops.minimum]) {
      const [dx, dy] = grad(ops.sum(f(x, y)), [x, y]);
      expect(Array.from(await dx.data())).toEqual([1, 1]);
      expect(Array.from(await dy.data())).toEqual([0, 0]);
    }
  });

  it('rejects shapes that cannot broadcast, naming them', () => {
    expect(() => ops.add(ops.zeros([2, 3]), ops.zeros([4]))).toThrow(/\[2, 3\] and \[4\]/);
  });

  const cases: [string, (x: Tensor, y: Tensor) => Tensor, [number, number], [number, number]][] = [
    ['add', ops.add, [-2, 2], [-2, 2]],
    ['sub', ops.sub, [-2, 2], [-2, 2]],
    ['mul', ops.mul, [-2, 2], [-2, 2]],
    ['div', ops.div, [-2, 2], [0.5, 2]],
    ['pow', ops.pow, [0.5, 2], [-1.5, 1.5]],
    ['maximum', ops.maximum, [-2, 2], [-2, 2]],
    ['minimum', ops.minimum, [-2, 2], [-2, 2]],
  ];
  for (const [name, f, [alo, ahi], [blo, bhi]] of cases) {
    it(`${name}: gradients with broadcasting`, async () => {
      for (const [sa, sb] of broadcastPairs()) {
        const a = randomInput(rng, sa, alo, ahi);
        const b = randomInput(rng, sb, blo, bhi);
        if (name === 'maximum' || name === 'minimum') {
          // No near-ties (the kink): a on the grid 0.1·k + 0.05, b on 0.1·k, so they differ by ≥ 0.05.
          a.values.forEach((v, i) => (a.values[i] = Math.round(v * 10) / 10 + 0.05));
          b.values.forEach((v, i) => (b.values[i] = Math.round(v * 10) / 10));
        }
        await checkGradients(([x, y]) => f(x, y), [a, b]);
      }
    });
  }
});

describe('unary ops', () => {
  const cases: [string, (x: Tensor) => Tensor, number, number, number[]][] = [
    ['neg', ops.neg, -2, 2, []],
    ['exp', ops.exp, -2, 2, []],
    ['log', ops.log, 0.5, 3, []],
    ['sqrt', ops.sqrt, 0.5, 3, []],
    ['abs', ops.abs, -2, 2, [0]],
    ['sign', ops.sign, -2, 2, [0]],
    ['square', ops.square, -2, 2, []],
    ['reciprocal', ops.reciprocal, 0.5, 3, []],
  ];
  for (const [name, f, low, high, kinks] of cases) {
    it(`${name}: gradient`, async () => {
      await checkGradients(([x]) => f(x), [randomInput(rng, randomShape(rng, 2), low, high, kinks)]);
    });
  }

  it('computes the plain formulas', async () => {
    const x = ops.tensor([-2, 0, 0.5, 4], [4]);
    expectClose(await ops.abs(x).data(), [2, 0, 0.5, 4]);
    expectClose(await ops.sign(x).data(), [-1, 0, 1, 1]);
    expectClose(await ops.square(x).data(), [4, 0, 0.25, 16]);
    expectClose(await ops.reciprocal(ops.tensor([2, 4], [2])).data(), [0.5, 0.25]);
  });
});

const activations: ActivationKind[] = ['linear', 'relu', 'leaky_relu', 'elu', 'sigmoid', 'tanh', 'softplus', 'swish', 'step'];

/** Naive definitions, each written out independently of the backend. */
const reference: Record<ActivationKind, (x: number) => number> = {
  linear: (x) => x,
  relu: (x) => Math.max(0, x),
  leaky_relu: (x) => (x >= 0 ? x : 0.2 * x),
  elu: (x) => (x >= 0 ? x : Math.exp(x) - 1),
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  tanh: (x) => (Math.exp(2 * x) - 1) / (Math.exp(2 * x) + 1),
  softplus: (x) => Math.log(1 + Math.exp(x)),
  swish: (x) => x / (1 + Math.exp(-x)),
  step: (x) => (x > 0 ? 1 : 0),
};

describe('activations', () => {
  for (const kind of activations) {
    it(`${kind}: forward matches the definition and the gradient matches finite differences`, async () => {
      const x = randomInput(rng, randomShape(rng, 2, 5), -3, 3, [0]);
      const y = await ops.activation(kind, ops.tensor(x.values, x.shape)).data();
      expectClose(y, Array.from(x.values, reference[kind]), 1e-6);
      await checkGradients(([t]) => ops.activation(kind, t), [x]);
    });
  }

  it('softplus and sigmoid stay finite for large |x|', async () => {
    const x = ops.tensor([-100, 100], [2]);
    expectClose(await ops.activation('softplus', x).data(), [0, 100]);
    expectClose(await ops.activation('sigmoid', x).data(), [0, 1]);
  });

  it('the ReLU gradient is dy·slope exactly: dy·0 (so -0 and NaN) where y ≤ 0 or y is NaN', async () => {
    const b = activeBackend();
    const y = Float32Array.of(1, 0, -0, NaN, 2, 0, 3, 0);
    const dy = Float32Array.of(-2, -2, 3, 4, NaN, NaN, Infinity, Infinity);
    const out = await b.read(b.activationGrad('relu', b.upload(y, [8]), b.upload(dy, [8])));
    const expected = [-2, -0, 0, 0, NaN, NaN, Infinity, NaN];
    out.forEach((v, i) => expect(Object.is(v, expected[i]), `element ${i}: ${v}`).toBe(true));
  });

  it('swish gradient requires the pre-activation', () => {
    const y = activeBackend().fill([2], 1);
    expect(() => activeBackend().activationGrad('swish', y, y)).toThrow(/swish.*x is required/);
  });
});

describe('softmax', () => {
  it('is stable and sums to one per row', async () => {
    const y = await ops.softmax(ops.tensor([1000, 1001, 1002, -5, 0, 5], [2, 3])).data();
    const e = [Math.exp(-2), Math.exp(-1), 1];
    const s = e[0] + e[1] + e[2];
    expectClose(y.subarray(0, 3), e.map((v) => v / s), 1e-6);
    expectClose(y.subarray(3), [Math.exp(-10), Math.exp(-5), 1].map((v) => v / (Math.exp(-10) + Math.exp(-5) + 1)), 1e-6);
  });

  it('gradient over the last axis of rank 2 and 3 tensors', async () => {
    await checkGradients(([x]) => ops.softmax(x), [randomInput(rng, [3, 4], -2, 2)]);
    await checkGradients(([x]) => ops.softmax(x), [randomInput(rng, [2, 2, 3], -2, 2)]);
  });
});

describe('gradient checker', () => {
  it('catches a wrong vector-Jacobian product', async () => {
    // exp with an identity VJP: the checker must reject it.
    const wrongExp = (x: Tensor): Tensor => result(activeBackend().unary('exp', x.handle), [x], (dy) => [dy]);
    await expect(checkGradients(([x]) => wrongExp(x), [randomInput(rng, [3], 0.5, 1)])).rejects.toThrow(/analytic/);
  });
});
