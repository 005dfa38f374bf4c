import { describe, expect, it } from 'vitest';
import { activeBackend } from '../../../src/engine/registry';
import type { OptimizerConfig, ParameterUpdate, Regularization } from '../../../src/engine/backend/backend';
import { expectClose } from './grad-check';

const defaults: OptimizerConfig = {
  kind: 'sgd',
  learningRate: 0.1,
  momentum: 0,
  nesterov: false,
  rho: 0.9,
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-7,
  initialAccumulatorValue: 0.1,
};

/**
 * Runs one parameter through `grads.length` updates (one gradient vector per step, the step counter
 * advanced after each) and returns the parameter and slot values after every step.
 */
async function run(
  config: Partial<OptimizerConfig>,
  w0: number[],
  grads: number[][],
  slotInit: number[],
  regularization: Regularization = { l1: 0, l2: 0 },
): Promise<{ w: number[]; slots: number[][] }[]> {
  const b = activeBackend();
  const cfg = { ...defaults, ...config };
  const shape = [w0.length];
  const param = b.upload(Float32Array.from(w0), shape);
  const slots = slotInit.map((v) => b.fill(shape, v));
  const counter = b.createCounter(0);
  const history: { w: number[]; slots: number[][] }[] = [];
  for (const g of grads) {
    const update: ParameterUpdate = { param, grad: b.upload(Float32Array.from(g), shape), slots, regularization };
    b.applyUpdates(cfg, [update], counter);
    b.increment(counter);
    history.push({ w: Array.from(await b.read(param)), slots: await Promise.all(slots.map(async (s) => Array.from(await b.read(s)))) });
  }
  return history;
}

// Expected numbers below are worked out by hand from the update rules in the brief
// (w = 1, gradients 0.5, −0.2, 0.1 unless stated).
describe('optimizer updates', () => {
  it('sgd with momentum: v ← m·v − lr·g; w ← w + v', async () => {
    const h = await run({ kind: 'sgd', momentum: 0.9 }, [1], [[0.5], [0.5], [0.5]], [0]);
    // v: −0.05, −0.095, −0.1355; w: 0.95, 0.855, 0.7195
    expectClose(h.map((s) => s.slots[0][0]), [-0.05, -0.095, -0.1355], 1e-6);
    expectClose(h.map((s) => s.w[0]), [0.95, 0.855, 0.7195], 1e-6);
  });

  it('sgd with nesterov momentum: w ← w + m·v − lr·g', async () => {
    const h = await run({ kind: 'sgd', momentum: 0.9, nesterov: true }, [1], [[0.5], [0.5]], [0]);
    // step 1: v = −0.05, w = 1 − 0.045 − 0.05 = 0.905; step 2: v = −0.095, w = 0.905 − 0.0855 − 0.05 = 0.7695
    expectClose(h.map((s) => s.w[0]), [0.905, 0.7695], 1e-6);
  });

  it('plain sgd with L1 and L2 folded into the gradient: g + l1·sign(w) + 2·l2·w', async () => {
    const h = await run({ kind: 'sgd' }, [1, -2], [[0.5, 0.5], [0.5, 0.5]], [0], { l1: 0.1, l2: 0.01 });
    // w=1: g = 0.5 + 0.1 + 0.02 = 0.62 → 0.938; then g = 0.6 + 0.01876 = 0.61876 → 0.876124
    // w=−2: g = 0.5 − 0.1 − 0.04 = 0.36 → −2.036; then g = 0.4 − 0.04072 = 0.35928 → −2.071928
    expectClose(h[0].w, [0.938, -2.036], 1e-6);
    expectClose(h[1].w, [0.876124, -2.071928], 1e-6);
  });

  it('rmsprop: s ← ρs + (1−ρ)g²; w ← w − lr·g/√(s+ε)', async () => {
    const h = await run({ kind: 'rmsprop', learningRate: 0.01 }, [1], [[0.5], [-0.2], [0.1]], [0]);
    // s: 0.025, 0.0265, 0.02485; w: 1 − 0.005/√0.0250001, then + 0.002/√0.0265001, then − 0.001/√0.0248501
    expectClose(h.map((s) => s.slots[0][0]), [0.025, 0.0265, 0.02485], 1e-6);
    expectClose(h.map((s) => s.w[0]), [0.9683772866436797, 0.9806631657994765, 0.974319563766295], 1e-6);
  });

  it('adam: bias-corrected moments with t = step + 1', async () => {
    const h = await run({ kind: 'adam', learningRate: 0.1 }, [1], [[0.5], [-0.2], [0.1]], [0, 0]);
    // m: 0.05, 0.025, 0.0325; v: 0.00025, 0.00028975, 0.00029946025
    // step 1: m̂ = 0.5, v̂ = 0.25 → w = 1 − 0.1·0.5/(0.5 + 1e-7)
    expectClose(h.map((s) => s.slots[0][0]), [0.05, 0.025, 0.0325], 1e-6);
    expectClose(h.map((s) => s.slots[1][0]), [0.00025, 0.00028975, 0.00029946025], 1e-6);
    expectClose(h.map((s) => s.w[0]), [0.9000000199999959, 0.865439444286433, 0.8275002778076169], 1e-6);
  });

  it('adagrad: a ← a + g² from the initial accumulator; w ← w − lr·g/√(a+ε)', async () => {
    const h = await run({ kind: 'adagrad' }, [1], [[0.5], [-0.2], [0.1]], [0.1]);
    expectClose(h.map((s) => s.slots[0][0]), [0.35, 0.39, 0.4], 1e-6);
    expectClose(h.map((s) => s.w[0]), [0.9154845866007779, 0.9475102132559461, 0.9316988269315274], 1e-6);
  });

  it('updates every parameter of the list and checks slot counts and shapes', () => {
    const b = activeBackend();
    const counter = b.createCounter(0);
    const p1 = b.fill([2], 1);
    const p2 = b.fill([3], 1);
    const u = (param = p1, slots = [b.fill([2], 0)]): ParameterUpdate => ({ param, grad: b.fill(param.shape, 1), slots, regularization: { l1: 0, l2: 0 } });
    expect(() => b.applyUpdates({ ...defaults, kind: 'adam' }, [u()], counter)).toThrow('applyUpdates: adam needs 2 slot(s) for param 0, got 1');
    expect(() => b.applyUpdates(defaults, [u(p1, [b.fill([3], 0)])], counter)).toThrow(/slot 0 \[3\] of param 0 \[2\] differs/);
    b.applyUpdates(defaults, [u(), u(p2, [b.fill([3], 0)])], counter);
    return Promise.all([b.read(p1), b.read(p2)]).then(([a, c]) => {
      expectClose(a, [0.9, 0.9]);
      expectClose(c, [0.9, 0.9, 0.9]);
    });
  });
});
