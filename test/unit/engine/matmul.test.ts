import { describe, expect, it } from 'vitest';
import * as ops from '../../../src/engine/ops';
import { createRng } from '../../../src/engine/random';
import type { ActivationKind } from '../../../src/engine/backend/backend';
import { checkGradients, expectClose, randomInput, type Input } from './grad-check';

const rng = createRng(31337);

/** op(a)·op(b) + bias by the textbook triple loop, in float64. */
function naiveMatmul(a: Input, b: Input, ta: boolean, tb: boolean, bias?: Float32Array): number[] {
  const at = (i: number, p: number): number => (ta ? a.values[p * a.shape[1] + i] : a.values[i * a.shape[1] + p]);
  const bt = (p: number, j: number): number => (tb ? b.values[j * b.shape[1] + p] : b.values[p * b.shape[1] + j]);
  const m = ta ? a.shape[1] : a.shape[0];
  const k = ta ? a.shape[0] : a.shape[1];
  const n = tb ? b.shape[0] : b.shape[1];
  const out: number[] = [];
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = bias ? bias[j] : 0;
      for (let p = 0; p < k; p++) s += at(i, p) * bt(p, j);
      out.push(s);
    }
  }
  return out;
}

const combos: [boolean, boolean][] = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
];

function operands(ta: boolean, tb: boolean): { a: Input; b: Input; bias: Input; n: number } {
  const [m, k, n] = [1 + rng.int(4), 1 + rng.int(4), 1 + rng.int(4)];
  return {
    a: randomInput(rng, ta ? [k, m] : [m, k]),
    b: randomInput(rng, tb ? [n, k] : [k, n]),
    bias: randomInput(rng, [n]),
    n,
  };
}

describe('matmul', () => {
  for (const [ta, tb] of combos) {
    it(`transposeA=${ta} transposeB=${tb}: forward matches the triple loop, gradients match finite differences`, async () => {
      const { a, b, bias } = operands(ta, tb);
      const out = ops.matmul(ops.tensor(a.values, a.shape), ops.tensor(b.values, b.shape), ta, tb, ops.tensor(bias.values, bias.shape));
      expectClose(await out.data(), naiveMatmul(a, b, ta, tb, bias.values), 1e-6);
      await checkGradients(([x, y]) => ops.matmul(x, y, ta, tb), [a, b]);
      await checkGradients(([x, y, z]) => ops.matmul(x, y, ta, tb, z), [a, b, bias]);
    });
  }

  const activations: ActivationKind[] = ['relu', 'leaky_relu', 'elu', 'sigmoid', 'tanh', 'softplus', 'swish', 'step'];
  for (const act of activations) {
    it(`fused bias + ${act}: equals the unfused ops and has the same gradients`, async () => {
      for (const [ta, tb] of combos) {
        // Redraw until every pre-activation is off the kink at 0 (relu, leaky_relu, step) by more than 0.05.
        let { a, b, bias } = operands(ta, tb);
        let z = naiveMatmul(a, b, ta, tb, bias.values);
        while (z.some((v) => Math.abs(v) <= 0.05)) {
          ({ a, b, bias } = operands(ta, tb));
          z = naiveMatmul(a, b, ta, tb, bias.values);
        }
        const fused = ops.matmul(ops.tensor(a.values, a.shape), ops.tensor(b.values, b.shape), ta, tb, ops.tensor(bias.values, bias.shape), act);
        const unfused = await ops.activation(act, ops.tensor(z, fused.shape)).data();
        expectClose(await fused.data(), unfused, 1e-6);
        await checkGradients(([x, y, c]) => ops.matmul(x, y, ta, tb, c, act), [a, b, bias], { eps: 5e-3 });
      }
    });
  }

  it('rejects mismatched inner dimensions and bias, naming the shapes', () => {
    expect(() => ops.matmul(ops.zeros([2, 3]), ops.zeros([2, 3]))).toThrow(/inner dimensions differ: \[2,3\]/);
    expect(() => ops.matmul(ops.zeros([2, 3]), ops.zeros([3, 4]), false, false, ops.zeros([3]))).toThrow(/bias/);
  });
});
