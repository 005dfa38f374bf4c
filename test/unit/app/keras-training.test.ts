// TensorFlow Playground's training rules (its src/nn.ts), checked one step at a time against the rules worked
// by hand: error ½(o − t)², w ← w − (lr/n)·Σ ∂E/∂w − lr·rate·R′(w), b ← b − lr·mean ∂E/∂b, init uniform ±0.5,
// biases 0.1.
import { describe, expect, it } from 'vitest';
import { describeLesson } from '../../../src/app/lesson';
import { kerasTraining } from '../../../src/app/keras-training';
import { createSequentialEngine } from '../../../src/app/sequential-engine';
import { EMPTY_DATA_SET, networkSpec } from '../../../src/app/trainer';
import { defaultSettings, type Settings } from '../../../src/app/url-table';

const X = [
  [1, 2],
  [-1, 0.5],
];
const T = [1, -1];
const W = [0.2, -0.4];
const B = 0.1;
const LR = 0.3;
const RATE = 0.1;

/** One TensorFlow Playground step on a 2→1 tanh network, in doubles. */
function byHand(regularization: 'L1' | 'L2'): { w: number[]; b: number; lossBefore: number } {
  const n = X.length;
  const dW = [0, 0];
  let dB = 0;
  let loss = 0;
  X.forEach((x, i) => {
    const o = Math.tanh(W[0] * x[0] + W[1] * x[1] + B);
    loss += 0.5 * (o - T[i]) ** 2;
    const dz = (o - T[i]) * (1 - o * o); // ∂E/∂z for E = ½(o − t)²
    dW[0] += dz * x[0];
    dW[1] += dz * x[1];
    dB += dz;
  });
  const reg = (w: number) => (regularization === 'L2' ? w : Math.sign(w));
  return { w: W.map((w, j) => w - (LR / n) * dW[j] - LR * RATE * reg(w)), b: B - (LR * dB) / n, lossBefore: loss / n };
}

/**
 * TensorFlow Playground's updateWeights with L1, step after step, in doubles: the data step, then the L1 step
 * from the weight before it; a weight the L1 step carries across 0 becomes 0 and dead, skipped from then on.
 */
function l1StepsByHand(w0: number[], rate: number, steps: number): { w: number[]; dead: boolean[] }[] {
  const w = w0.slice();
  let b = B;
  const dead = w.map(() => false);
  const after: { w: number[]; dead: boolean[] }[] = [];
  for (let s = 0; s < steps; s++) {
    const dW = [0, 0];
    let dB = 0;
    X.forEach((x, i) => {
      const o = Math.tanh(w[0] * x[0] + w[1] * x[1] + b);
      const dz = (o - T[i]) * (1 - o * o);
      dW[0] += dz * x[0];
      dW[1] += dz * x[1];
      dB += dz;
    });
    b -= (LR * dB) / X.length;
    w.forEach((wj, j) => {
      if (dead[j]) return;
      const data = wj - (LR / X.length) * dW[j];
      const next = data - LR * rate * Math.sign(wj);
      if (data * next < 0) {
        w[j] = 0;
        dead[j] = true;
      } else w[j] = next;
    });
    after.push({ w: w.slice(), dead: dead.slice() });
  }
  return after;
}

async function oneStep(overrides: Partial<Settings>) {
  const settings: Settings = { ...defaultSettings(), seed: '0.5', networkShape: [], learningRate: LR, regularizationRate: RATE, batchSize: 2, ...overrides };
  const lesson = describeLesson(settings);
  const engine = createSequentialEngine({ prefer: ['cpu'] });
  await engine.start();
  const network = await engine.createNetwork(networkSpec(lesson, X.length));
  const initial = await network.getParams();
  await network.setWeight(0, 0, 0, W[0]);
  await network.setWeight(0, 1, 0, W[1]);
  await network.setBias(1, 0, B);
  const data = { x: Float32Array.from(X.flat()), y: Float32Array.from(T), labels: Float32Array.from(T, (t) => (t > 0 ? 1 : 0)), rows: 2 };
  network.setData(data, EMPTY_DATA_SET, EMPTY_DATA_SET);
  const before = await network.evaluate();
  await network.trainBatches(1);
  const after = await network.getParams();
  network.dispose();
  return { lesson, initial, before, after };
}

describe("TensorFlow Playground's rules (semantics 'tfp')", () => {
  it.each(['L2', 'L1'] as const)('one %s step from given weights matches the rule worked by hand', async (regularization) => {
    const { lesson, before, after } = await oneStep({ regularization });
    expect(lesson.training.semantics).toBe('tfp');
    const expected = byHand(regularization);
    expect(before.train!.loss).toBeCloseTo(expected.lossBefore, 6);
    expect(after.weights[0][0][0]).toBeCloseTo(expected.w[0], 6);
    expect(after.weights[0][1][0]).toBeCloseTo(expected.w[1], 6);
    expect(after.biases[1][0]).toBeCloseTo(expected.b, 6);
  });

  it('L1: a weight the L1 step carries across 0 becomes exactly 0 and stays there (a dead link), as worked by hand', async () => {
    // Rate 1 from w = −0.4: the data step leaves −0.4 + 0.19, the L1 step adds 0.3, so it crosses 0.
    const rate = 1;
    const start = [0.2, -0.4];
    const expected = l1StepsByHand(start, rate, 4);
    expect(expected[0].dead).toEqual([false, true]);
    expect(expected[3].dead).toEqual([false, true]);
    const settings: Settings = { ...defaultSettings(), seed: '0.5', networkShape: [], learningRate: LR, regularization: 'L1', regularizationRate: rate, batchSize: 2 };
    const engine = createSequentialEngine({ prefer: ['cpu'] });
    await engine.start();
    const network = await engine.createNetwork(networkSpec(describeLesson(settings), X.length));
    await network.setWeight(0, 0, 0, start[0]);
    await network.setWeight(0, 1, 0, start[1]);
    await network.setBias(1, 0, B);
    network.setData({ x: Float32Array.from(X.flat()), y: Float32Array.from(T), labels: Float32Array.from(T, (t) => (t > 0 ? 1 : 0)), rows: 2 }, EMPTY_DATA_SET, EMPTY_DATA_SET);
    for (const step of expected) {
      await network.trainBatches(1);
      const { weights } = await network.getParams();
      expect(weights[0][0][0]).toBeCloseTo(step.w[0], 6);
      expect(weights[0][1][0]).toBe(0);
    }
    // TensorFlow Playground keeps an edited dead link dead: it holds the value the teacher typed.
    await network.setWeight(0, 1, 0, 0.25);
    await network.trainBatches(3);
    expect((await network.getParams()).weights[0][1][0]).toBe(0.25);
    network.dispose();
  });

  it('initializes weights uniformly in [−0.5, 0.5] and biases at 0.1', async () => {
    const { initial } = await oneStep({ networkShape: [8, 8] });
    const weights = initial.weights.flat(2);
    expect(weights.every((w) => Math.abs(w) <= 0.5)).toBe(true);
    expect(Math.max(...weights.map(Math.abs))).toBeGreaterThan(0.4);
    expect(initial.biases.slice(1).flat().every((b) => Math.abs(b - 0.1) < 1e-7)).toBe(true);
  });

  it('the Keras settings it maps to: mse at half the rate, L2 coefficient rate, L1 2·rate, half the displayed loss', () => {
    const lesson = describeLesson({ ...defaultSettings(), regularization: 'L2', regularizationRate: 0.3, learningRate: 0.1 });
    const layers = lesson.model.map((l, i) => ({ ...l, regularization: i === 0 ? ('L1' as const) : l.regularization }));
    const keras = kerasTraining(lesson.training, layers);
    expect(keras).toMatchObject({ loss: 'mse', lossScale: 0.5, optimizer: { type: 'sgd', learningRate: 0.05 } });
    expect(keras.kernelRegularizers).toEqual([{ l1: 0.6, clipAtZero: true }, { l2: 0.3 }, { l2: 0.3 }]);
  });

  it('Keras names give Keras rules: a chosen loss, output or optimizer', () => {
    for (const overrides of [{ loss: 'mse' }, { outputActivation: 'tanh' }, { optimizer: 'adam' }] as const) {
      const lesson = describeLesson({ ...defaultSettings(), regularization: 'L2', regularizationRate: 0.3, ...overrides });
      expect(lesson.training.semantics).toBe('keras');
      const keras = kerasTraining(lesson.training, lesson.model);
      expect(keras.lossScale).toBe(1);
      expect(keras.kernelRegularizers[0]).toEqual({ l2: 0.3 });
      expect(keras.initialization).toBe('keras');
    }
  });
});
