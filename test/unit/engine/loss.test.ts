import { describe, expect, it } from 'vitest';
import * as ops from '../../../src/engine/ops';
import { activeBackend } from '../../../src/engine/registry';
import { createRng } from '../../../src/engine/random';
import type { LossInfo, LossKind } from '../../../src/engine/backend/backend';
import { checkGradients, expectClose, randomInput, type Input } from './grad-check';

const rng = createRng(777);
const EPS = 1e-7;
/** The clip bounds as float32, as Keras computes them (1 − 1e-7 rounds to 1 − 2^-23 in float32). */
const LOW = Math.fround(EPS);
const HIGH = Math.fround(1 - EPS);

/** The kernel's loss and gradient, read back. */
async function lossAndGrad(info: LossInfo, pred: Input, target: Input): Promise<{ loss: number; grad: Float32Array }> {
  const b = activeBackend();
  const out = b.lossWithGrad(info, b.upload(pred.values, pred.shape), b.upload(target.values, target.shape));
  return { loss: (await b.read(out.loss))[0], grad: await b.read(out.grad) };
}

function input(values: number[], shape: number[]): Input {
  return { values: Float32Array.from(values), shape };
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));
const clip = (v: number, lo: number, hi: number): number => Math.min(Math.max(v, lo), hi);
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Pred = target + offsets that stay away from the kinks of mae (0) and huber (±1). */
function regressionPair(shape: number[]): [Input, Input] {
  const target = randomInput(rng, shape, -2, 2);
  const offset = randomInput(rng, shape, -2, 2, [0, -1, 1], 0.1);
  return [{ shape, values: target.values.map((t, i) => t + offset.values[i]) }, target];
}

/** Rows of positive probabilities (not necessarily normalized) and one-hot or soft targets. */
function categoricalPair(rows: number, classes: number, soft: boolean): [Input, Input] {
  const pred = randomInput(rng, [rows, classes], 0.05, 1);
  const target = new Float32Array(rows * classes);
  for (let r = 0; r < rows; r++) {
    if (soft) {
      const w = Array.from({ length: classes }, () => rng.next());
      const s = w.reduce((a, b) => a + b, 0);
      w.forEach((v, j) => (target[r * classes + j] = v / s));
    } else target[r * classes + rng.int(classes)] = 1;
  }
  return [pred, { values: target, shape: [rows, classes] }];
}

describe('loss forward values', () => {
  const p = [0.2, 0.9, 0.5, 3];
  const y = [0, 1, 1, 0.5];
  const pi = input(p, [2, 2]);
  const yi = input(y, [2, 2]);
  const cases: [LossKind, number][] = [
    ['mse', mean(p.map((v, i) => (v - y[i]) ** 2))],
    ['mae', mean(p.map((v, i) => Math.abs(v - y[i])))],
    ['huber', mean(p.map((v, i) => (Math.abs(v - y[i]) <= 1 ? 0.5 * (v - y[i]) ** 2 : Math.abs(v - y[i]) - 0.5)))],
    ['binary_crossentropy', mean(p.map((v, i) => -(y[i] * Math.log(clip(v, LOW, HIGH)) + (1 - y[i]) * Math.log(1 - clip(v, LOW, HIGH)))))],
  ];
  for (const [kind, expected] of cases) {
    it(`${kind} is the mean over every element`, async () => {
      expectClose([(await lossAndGrad({ kind, fromLogits: false }, pi, yi)).loss], [expected], 1e-6);
    });
  }

  it('categorical_crossentropy is the batch mean of −Σ y·log p; sparse labels give the same', async () => {
    const pred = input([0.7, 0.2, 0.1, 0.1, 0.3, 0.6], [2, 3]);
    const expected = -(Math.log(0.7) + Math.log(0.6)) / 2;
    expectClose([(await lossAndGrad({ kind: 'categorical_crossentropy', fromLogits: false }, pred, input([1, 0, 0, 0, 0, 1], [2, 3]))).loss], [expected], 1e-6);
    for (const shape of [[2], [2, 1]]) {
      const sparse = await lossAndGrad({ kind: 'sparse_categorical_crossentropy', fromLogits: false }, pred, input([0, 2], shape));
      expectClose([sparse.loss], [expected], 1e-6);
    }
  });

  it('logits paths equal the losses of the activated values', async () => {
    const z = input([-3, 0.5, 2, -0.2, 1, 0], [2, 3]);
    const t = input([0, 1, 1, 0.3, 0, 1], [2, 3]);
    const bce = mean(Array.from(z.values, (v, i) => -(t.values[i] * Math.log(sigmoid(v)) + (1 - t.values[i]) * Math.log(1 - sigmoid(v)))));
    expectClose([(await lossAndGrad({ kind: 'binary_crossentropy', fromLogits: true }, z, t)).loss], [bce], 1e-6);
    const soft = await ops.softmax(ops.tensor(z.values, z.shape)).data();
    const cce = -(t.values.reduce((s, v, i) => s + v * Math.log(soft[i]), 0)) / 2;
    expectClose([(await lossAndGrad({ kind: 'categorical_crossentropy', fromLogits: true }, z, t)).loss], [cce], 1e-6);
    const sparse = -(Math.log(soft[1]) + Math.log(soft[5])) / 2;
    expectClose([(await lossAndGrad({ kind: 'sparse_categorical_crossentropy', fromLogits: true }, z, input([1, 2], [2]))).loss], [sparse], 1e-6);
  });

  it('binary cross-entropy from logits stays finite for large logits', async () => {
    const out = await lossAndGrad({ kind: 'binary_crossentropy', fromLogits: true }, input([100, -100], [2]), input([0, 1], [2]));
    expectClose([out.loss], [100], 1e-6);
    expectClose(out.grad, [0.5, -0.5], 1e-6);
  });
});

describe('loss gradients', () => {
  for (const kind of ['mse', 'mae', 'huber'] as const) {
    it(`${kind}: gradient matches finite differences`, async () => {
      const [pred, target] = regressionPair([3, 4]);
      await checkGradients(([p]) => ops.loss({ kind, fromLogits: false }, p, ops.tensor(target.values, target.shape)), [pred]);
    });
  }

  it('binary_crossentropy: both paths match finite differences', async () => {
    const target = randomInput(rng, [4, 3], 0, 1);
    const probs = randomInput(rng, [4, 3], 0.05, 0.95);
    const logits = randomInput(rng, [4, 3], -3, 3);
    const t = ops.tensor(target.values, target.shape);
    await checkGradients(([p]) => ops.loss({ kind: 'binary_crossentropy', fromLogits: false }, p, t), [probs], { eps: 1e-3 });
    await checkGradients(([z]) => ops.loss({ kind: 'binary_crossentropy', fromLogits: true }, z, t), [logits]);
  });

  for (const soft of [false, true]) {
    it(`categorical_crossentropy (${soft ? 'soft' : 'one-hot'} targets): both paths match finite differences`, async () => {
      const [probs, target] = categoricalPair(3, 4, soft);
      const t = ops.tensor(target.values, target.shape);
      await checkGradients(([p]) => ops.loss({ kind: 'categorical_crossentropy', fromLogits: false }, p, t), [probs], { eps: 1e-3 });
      const logits = randomInput(rng, [3, 4], -3, 3);
      await checkGradients(([z]) => ops.loss({ kind: 'categorical_crossentropy', fromLogits: true }, z, t), [logits]);
    });
  }

  it('sparse_categorical_crossentropy: both paths match finite differences', async () => {
    const labels = ops.tensor([2, 0, 3], [3, 1]);
    await checkGradients(([p]) => ops.loss({ kind: 'sparse_categorical_crossentropy', fromLogits: false }, p, labels), [randomInput(rng, [3, 4], 0.05, 1)], {
      eps: 1e-3,
    });
    await checkGradients(([z]) => ops.loss({ kind: 'sparse_categorical_crossentropy', fromLogits: true }, z, labels), [randomInput(rng, [3, 4], -3, 3)]);
  });

  it('logit gradients equal the chain rule through the clipped definitions away from the clip', async () => {
    const z = randomInput(rng, [3, 4], -3, 3);
    const t = categoricalPair(3, 4, true)[1];
    // binary: dL/dz = dL/dp · p(1 − p) with p = σ(z)
    const p = input(Array.from(z.values, sigmoid), z.shape);
    const viaP = await lossAndGrad({ kind: 'binary_crossentropy', fromLogits: false }, p, t);
    const viaZ = await lossAndGrad({ kind: 'binary_crossentropy', fromLogits: true }, z, t);
    expectClose(viaZ.grad, Array.from(viaP.grad, (g, i) => g * p.values[i] * (1 - p.values[i])), 1e-5);
    expectClose([viaZ.loss], [viaP.loss], 1e-5);
    // categorical: dL/dz_k = Σ_j dL/dp_j · p_j (δ_jk − p_k) with p = softmax(z) per row
    const s = await ops.softmax(ops.tensor(z.values, z.shape)).data();
    const cP = await lossAndGrad({ kind: 'categorical_crossentropy', fromLogits: false }, input(Array.from(s), z.shape), t);
    const cZ = await lossAndGrad({ kind: 'categorical_crossentropy', fromLogits: true }, z, t);
    const chain: number[] = [];
    for (let r = 0; r < 3; r++) {
      for (let k = 0; k < 4; k++) {
        let g = 0;
        for (let j = 0; j < 4; j++) g += cP.grad[r * 4 + j] * s[r * 4 + j] * ((j === k ? 1 : 0) - s[r * 4 + k]);
        chain.push(g);
      }
    }
    expectClose(cZ.grad, chain, 1e-5);
    expectClose([cZ.loss], [cP.loss], 1e-5);
  });

  it('the clipped region has zero gradient and the clipped loss', async () => {
    const bce = await lossAndGrad({ kind: 'binary_crossentropy', fromLogits: false }, input([0, 1, 1e-9, 0.5], [4]), input([1, 0, 1, 1], [4]));
    expect(Array.from(bce.grad.subarray(0, 3))).toEqual([0, 0, 0]);
    expectClose([bce.grad[3]], [-1 / 0.5 / 4], 1e-6);
    const clippedLow = -Math.log(LOW);
    const clippedHigh = -Math.log(1 - HIGH);
    expectClose([bce.loss], [(clippedLow + clippedHigh + clippedLow - Math.log(0.5)) / 4], 1e-5);
    const cce = await lossAndGrad({ kind: 'categorical_crossentropy', fromLogits: false }, input([0, 1], [1, 2]), input([1, 0], [1, 2]));
    expectClose(cce.grad, [0, 0], 0);
    expectClose([cce.loss], [clippedLow], 1e-5);
  });
});

describe('loss validation', () => {
  it('rejects mismatched shapes and bad labels, naming them', async () => {
    await expect(lossAndGrad({ kind: 'mse', fromLogits: false }, input([1, 2], [2]), input([1, 2], [2, 1]))).rejects.toThrow(
      'loss mse: prediction [2] and target [2, 1] must have the same shape',
    );
    await expect(lossAndGrad({ kind: 'sparse_categorical_crossentropy', fromLogits: true }, input([1, 2], [1, 2]), input([2], [1]))).rejects.toThrow(
      /label 2 in row 0 is not a class index in \[0, 2\)/,
    );
    await expect(lossAndGrad({ kind: 'sparse_categorical_crossentropy', fromLogits: true }, input([1, 2], [1, 2]), input([0, 1], [2]))).rejects.toThrow(
      /labels must be \[1\] or \[1, 1\]/,
    );
  });
});
