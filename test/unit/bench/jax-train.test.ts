// The bench's jax-js training step (the peer's Adam is written out there) against Adam worked out here.
import { beforeAll, describe, expect, it } from 'vitest';
import { init, jit, numpy as np, tree } from '@jax-js/jax';
import { jaxArray, jaxStep, type JaxTrainState } from '../../../bench/workloads/jax-train';

beforeAll(async () => {
  await init('wasm');
});

describe('jax-js training step', () => {
  it('takes Adam steps as Keras does (lr·√(1−β₂ᵗ)/(1−β₁ᵗ), ε = 1e-7) on the mean squared error', async () => {
    const x = [1, 2, -1, 0.5, 3, -2.5]; // [2, 3]
    const y = [0.5, -1];
    const lr = 0.1;
    let w = [0.3, -0.2, 0.1];
    const m = [0, 0, 0];
    const v = [0, 0, 0];
    const step = jit(jaxStep({ forward: (p, xs) => np.dot(xs, p[0]).reshape([-1, 1]), loss: 'mse', optimizer: { type: 'adam', learningRate: lr } }));
    let state: JaxTrainState = { p: [jaxArray(new Float32Array(w), [3])], m: [np.zeros([3])], v: [np.zeros([3])], t: np.array(0) };
    for (let t = 1; t <= 3; t++) {
      // d/dw mean((x·w − y)²) = (2/n) Σ (x·w − y) x
      const residual = [0, 1].map((r) => x[3 * r] * w[0] + x[3 * r + 1] * w[1] + x[3 * r + 2] * w[2] - y[r]);
      const expectedLoss = (residual[0] ** 2 + residual[1] ** 2) / 2;
      const g = [0, 1, 2].map((i) => residual[0] * x[i] + residual[1] * x[3 + i]);
      const lrT = (lr * Math.sqrt(1 - 0.999 ** t)) / (1 - 0.9 ** t);
      w = w.map((wi, i) => {
        m[i] = 0.9 * m[i] + 0.1 * g[i];
        v[i] = 0.999 * v[i] + 0.001 * g[i] ** 2;
        return wi - (lrT * m[i]) / (Math.sqrt(v[i]) + 1e-7);
      });
      let loss: np.Array;
      [state, loss] = step(state, jaxArray(new Float32Array(x), [2, 3]), jaxArray(new Float32Array(y), [2, 1]));
      expect((await loss.data())[0]).toBeCloseTo(expectedLoss, 5);
      const got = Array.from(await state.p[0].ref.data());
      got.forEach((value, i) => expect(value).toBeCloseTo(w[i], 5));
    }
    tree.dispose(state);
    step.dispose();
  });
});
