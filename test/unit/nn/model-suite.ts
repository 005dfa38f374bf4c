// The model API's behavior on one backend. test/unit/nn/model.test.ts runs it on 'cpu'; a GPU suite can
// call describeModelSuite('webgpu') once that backend registers itself.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  callbacks,
  confusionMatrix,
  argmaxRows,
  layers,
  parseTable,
  Sequential,
  setBackend,
  splitTable,
  standardize,
  tableInputs,
  type BackendName,
  type WeightValue,
} from '../../../src/index';

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** The course's 2-2-1 sigmoid network; `w` is every kernel entry, `b` every bias. */
function courseNetwork(kernels: [number[][], number[][]], seed = 1): Sequential {
  const model = new Sequential(
    [layers.input({ shape: [2] }), layers.dense({ units: 2, activation: 'sigmoid' }), layers.dense({ units: 1, activation: 'sigmoid' })],
    { seed },
  );
  model.setWeights([
    { shape: [2, 2], values: kernels[0].flat() },
    { shape: [2], values: [0, 0] },
    { shape: [2, 1], values: kernels[1].flat() },
    { shape: [1], values: [0] },
  ]);
  return model;
}

function flat(weights: WeightValue[]): number[] {
  return weights.flatMap((w) => Array.from(w.values));
}

/** A linear unit y = x·w + b on 2 inputs, for checking optimizer steps by hand. */
function linearUnit(w: number[], b: number): Sequential {
  const model = new Sequential([layers.input({ shape: [2] }), layers.dense({ units: 1 })], { seed: 3 });
  model.setWeights([
    { shape: [2, 1], values: w },
    { shape: [1], values: [b] },
  ]);
  return model;
}

const X2 = [
  [1, 2],
  [3, -1],
  [-2, 0.5],
];
const Y2 = [[1], [0], [2]];

/** Gradient of Keras's mse (mean of (p − y)²) for the linear unit, in float64. */
function mseGradient(w: number[], b: number): { gw: number[]; gb: number } {
  const n = X2.length;
  const gw = [0, 0];
  let gb = 0;
  X2.forEach((x, i) => {
    const d = (2 * (x[0] * w[0] + x[1] * w[1] + b - Y2[i][0])) / n;
    gw[0] += d * x[0];
    gw[1] += d * x[1];
    gb += d;
  });
  return { gw, gb };
}

/** `steps` updates of `update` (per scalar: (param, grad, state) → param) on the linear unit, in float64. */
function handSteps(steps: number, update: (p: number, g: number, slot: number[], t: number) => number): number[] {
  let w = [0.5, -0.3];
  let b = 0.1;
  const slots = [[], [], []].map(() => [] as number[]);
  for (let t = 1; t <= steps; t++) {
    const { gw, gb } = mseGradient(w, b);
    w = w.map((p, i) => update(p, gw[i], slots[i], t));
    b = update(b, gb, slots[2], t);
  }
  return [...w, b];
}

async function trainedWithOptimizer(optimizer: Parameters<Sequential['compile']>[0]['optimizer'], steps: number): Promise<number[]> {
  const model = linearUnit([0.5, -0.3], 0.1);
  model.compile({ optimizer, loss: 'mse' });
  for (let i = 0; i < steps; i++) await model.trainOnBatch(X2, Y2);
  return flat(await model.getWeights());
}

function expectAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (Math.abs(actual[i] - expected[i]) > tolerance) {
      throw new Error(`index ${i}: ${actual[i]} differs from ${expected[i]} by more than ${tolerance}`);
    }
  }
}

/** A small two-class problem: points above or below the line x0 + x1 = 0. */
function lineData(rows: number, seed: number): { x: number[][]; y: number[] } {
  let s = seed;
  const next = (): number => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648 - 0.5;
  };
  const x = Array.from({ length: rows }, () => [next() * 4, next() * 4]);
  return { x, y: x.map(([a, b]) => (a + b > 0 ? 1 : 0)) };
}

export function describeModelSuite(backendName: BackendName): void {
  describe(`model API on ${backendName}`, () => {
    // Starting WebGPU compiles every fixed pipeline: minutes on a loaded 2-core machine, not vitest's default 10 s.
    beforeAll(async () => {
      await setBackend(backendName);
    }, 180_000);

    describe("the course's worked numbers", () => {
      it('one neuron with w=[0,1], b=4 gives σ(7) = 0.99909 for x=[2,3]', async () => {
        const model = new Sequential([layers.input({ shape: [2] }), layers.dense({ units: 1, activation: 'sigmoid' })]);
        model.setWeights([
          { shape: [2, 1], values: [0, 1] },
          { shape: [1], values: [4] },
        ]);
        const out = await model.predict([[2, 3]]);
        expect(out.shape).toEqual([1, 1]);
        expect(out.values[0]).toBeCloseTo(0.99909, 5);
      });

      it('a 2-2-1 sigmoid network whose neurons all have w=[0,1], b=0 gives 0.7216 for x=[2,3]', async () => {
        // Keras's kernel is [in, out]: neuron j's weights are column j, so w=[0,1] for both neurons is [[0,0],[1,1]].
        const model = courseNetwork([
          [
            [0, 0],
            [1, 1],
          ],
          [[0], [1]],
        ]);
        const out = await model.predict([[2, 3]]);
        expect(out.values[0]).toBeCloseTo(0.7216, 4);
        expect(out.values[0]).toBeCloseTo(sigmoid(sigmoid(3)), 6);
      });

      it('all weights 1, biases 0, x=(−2,−1), y=1, MSE: the gradient of the first weight is 0.0214', async () => {
        // Convention that reproduces the course: Keras's mse L = (o − y)² (no ½), and "the first weight" is
        // kernel[0][0] of the hidden layer, from x1 to the first hidden neuron. By hand:
        //   h = σ(−3) = 0.047426, o = σ(2h) = 0.523695, δo = 2(o − 1)·o(1 − o) = −0.237618,
        //   δh1 = δo·1·h(1 − h) = −0.010736, dL/dw11 = δh1·x1 = 0.021471.
        const model = courseNetwork([
          [
            [1, 1],
            [1, 1],
          ],
          [[1], [1]],
        ]);
        model.compile({ optimizer: { type: 'sgd', learningRate: 1 }, loss: 'mse' });
        const h = sigmoid(-3);
        const o = sigmoid(2 * h);
        const deltaOut = 2 * (o - 1) * o * (1 - o);
        const deltaHidden = deltaOut * h * (1 - h);
        const inspection = await model.inspect([-2, -1], [1]);
        const [hidden, output] = inspection.layers;
        expect(hidden.dW?.shape).toEqual([2, 2]);
        // 0.021470, which the course writes truncated to four decimals.
        expect(Math.floor((hidden.dW?.values[0] ?? 0) * 1e4) / 1e4).toBe(0.0214);
        expectAllClose(hidden.dW?.values ?? [], [deltaHidden * -2, deltaHidden * -2, deltaHidden * -1, deltaHidden * -1], 1e-6);
        expectAllClose(hidden.a.values, [h, h], 1e-6);
        expectAllClose(hidden.z?.values ?? [], [-3, -3], 1e-6);
        expectAllClose(hidden.delta?.values ?? [], [deltaHidden, deltaHidden], 1e-6);
        expectAllClose(output.delta?.values ?? [], [deltaOut], 1e-6);
        expectAllClose(output.dW?.values ?? [], [deltaOut * h, deltaOut * h], 1e-6);
        expectAllClose(output.db?.values ?? [], [deltaOut], 1e-6);
        expect(inspection.loss).toBeCloseTo((o - 1) ** 2, 6);
        // One SGD step with learning rate 1 moves the first weight by exactly that gradient.
        await model.trainOnBatch([[-2, -1]], [[1]]);
        expect((await model.getWeights())[0].values[0]).toBeCloseTo(1 - deltaHidden * -2, 6);
      });

      it('summary of 4 → dense(2, tanh) → dense(3, sigmoid) reports 19 parameters (10 + 9)', () => {
        const model = new Sequential([
          layers.input({ shape: [4] }),
          layers.dense({ units: 2, activation: 'tanh', name: 'Oculto', kernelRegularizer: { l2: 0.01 } }),
          layers.dense({ units: 3, activation: 'sigmoid' }),
        ]);
        const s = model.summary();
        expect(s.rows).toEqual([
          { name: 'Oculto', type: 'Dense', outputShape: [null, 2], params: 10 },
          { name: 'dense', type: 'Dense', outputShape: [null, 3], params: 9 },
        ]);
        expect([s.totalParams, s.trainableParams, s.nonTrainableParams]).toEqual([19, 19, 0]);
        expect(s.text).toContain('Oculto (Dense)');
        expect(s.text).toContain('(None, 3)');
        expect(s.text).toMatch(/Total params: 19 \(76\.00 B\)/);
      });
    });

    describe('optimizers follow Keras formulas step by step', () => {
      it('defaults per name', () => {
        const model = linearUnit([0, 0], 0);
        const pick = (type: 'sgd' | 'rmsprop' | 'adam' | 'adagrad') => {
          model.compile({ optimizer: type, loss: 'mse' });
          return model.optimizerConfig;
        };
        expect(pick('sgd')).toMatchObject({ learningRate: 0.01, momentum: 0, nesterov: false });
        expect(pick('rmsprop')).toMatchObject({ learningRate: 0.001, rho: 0.9, epsilon: 1e-7 });
        expect(pick('adam')).toMatchObject({ learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
        expect(pick('adagrad')).toMatchObject({ learningRate: 0.001, initialAccumulatorValue: 0.1, epsilon: 1e-7 });
      });

      it('sgd: w ← w − lr·g', async () => {
        const expected = handSteps(3, (p, g) => p - 0.1 * g);
        expectAllClose(await trainedWithOptimizer({ type: 'sgd', learningRate: 0.1 }, 3), expected, 1e-5);
      });

      it('sgd with momentum: v ← m·v − lr·g; w ← w + v', async () => {
        const expected = handSteps(3, (p, g, s) => {
          s[0] = 0.9 * (s[0] ?? 0) - 0.05 * g;
          return p + s[0];
        });
        expectAllClose(await trainedWithOptimizer({ type: 'sgd', learningRate: 0.05, momentum: 0.9 }, 3), expected, 1e-5);
      });

      it('sgd with Nesterov momentum: w ← w + m·v − lr·g', async () => {
        const expected = handSteps(3, (p, g, s) => {
          s[0] = 0.9 * (s[0] ?? 0) - 0.05 * g;
          return p + 0.9 * s[0] - 0.05 * g;
        });
        expectAllClose(await trainedWithOptimizer({ type: 'sgd', learningRate: 0.05, momentum: 0.9, nesterov: true }, 3), expected, 1e-5);
      });

      it('rmsprop: s ← ρ·s + (1−ρ)·g²; w ← w − lr·g/√(s+ε)', async () => {
        const expected = handSteps(3, (p, g, s) => {
          s[0] = 0.9 * (s[0] ?? 0) + 0.1 * g * g;
          return p - (0.01 * g) / Math.sqrt(s[0] + 1e-7);
        });
        expectAllClose(await trainedWithOptimizer({ type: 'rmsprop', learningRate: 0.01 }, 3), expected, 1e-5);
      });

      it('adam: bias-corrected w ← w − lr·m̂/(√v̂ + ε)', async () => {
        const expected = handSteps(3, (p, g, s, t) => {
          s[0] = 0.9 * (s[0] ?? 0) + 0.1 * g;
          s[1] = 0.999 * (s[1] ?? 0) + 0.001 * g * g;
          return p - (0.01 * (s[0] / (1 - 0.9 ** t))) / (Math.sqrt(s[1] / (1 - 0.999 ** t)) + 1e-7);
        });
        expectAllClose(await trainedWithOptimizer({ type: 'adam', learningRate: 0.01 }, 3), expected, 1e-5);
      });

      it('adagrad: a ← a + g² (a starts at 0.1); w ← w − lr·g/√(a+ε)', async () => {
        const expected = handSteps(3, (p, g, s) => {
          s[0] = (s[0] ?? 0.1) + g * g;
          return p - (0.05 * g) / Math.sqrt(s[0] + 1e-7);
        });
        expectAllClose(await trainedWithOptimizer({ type: 'adagrad', learningRate: 0.05 }, 3), expected, 1e-5);
      });

      it('setLearningRate applies from the next step', async () => {
        const model = linearUnit([0.5, -0.3], 0.1);
        model.compile({ optimizer: { type: 'sgd', learningRate: 0.1 }, loss: 'mse' });
        await model.trainOnBatch(X2, Y2);
        model.setLearningRate(0);
        const before = flat(await model.getWeights());
        await model.trainOnBatch(X2, Y2);
        expect(flat(await model.getWeights())).toEqual(before);
      });
    });

    describe('losses', () => {
      /** A model whose output is its input (identity kernel, zero bias), so the loss sees `pred` directly. */
      function identity(units: number, activation: 'linear' | 'sigmoid' | 'softmax'): Sequential {
        const model = new Sequential([layers.input({ shape: [units] }), layers.dense({ units, activation })]);
        const eye = Array.from({ length: units * units }, (_, i) => (i % (units + 1) === 0 ? 1 : 0));
        model.setWeights([
          { shape: [units, units], values: eye },
          { shape: [units], values: new Array(units).fill(0) },
        ]);
        return model;
      }
      const pred = [
        [0.2, 0.7, 0.1],
        [0.6, 0.3, 0.1],
      ];
      const onehot = [
        [0, 1, 0],
        [0, 0, 1],
      ];
      const mean = (v: number[]): number => v.reduce((a, c) => a + c, 0) / v.length;
      const pairs = pred.flat().map((p, i) => [p, onehot.flat()[i]]);

      const cases: [string, number[][] | number[], number][] = [
        ['mse', onehot, mean(pairs.map(([p, y]) => (p - y) ** 2))],
        ['mae', onehot, mean(pairs.map(([p, y]) => Math.abs(p - y)))],
        ['huber', [[0, 3, 0], [0, 0, 1]], mean(pred.flat().map((p, i) => {
          const d = Math.abs(p - [0, 3, 0, 0, 0, 1][i]);
          return d <= 1 ? 0.5 * d * d : d - 0.5;
        }))],
        ['binary_crossentropy', onehot, mean(pairs.map(([p, y]) => -(y * Math.log(p) + (1 - y) * Math.log(1 - p))))],
        ['categorical_crossentropy', onehot, -(Math.log(0.7) + Math.log(0.1)) / 2],
        ['sparse_categorical_crossentropy', [1, 2], -(Math.log(0.7) + Math.log(0.1)) / 2],
      ];
      for (const [loss, y, expected] of cases) {
        it(`${loss} on probabilities equals its definition`, async () => {
          const model = identity(3, 'linear');
          model.compile({ optimizer: 'sgd', loss });
          expect((await model.evaluate(pred, y)).loss).toBeCloseTo(expected, 5);
        });
      }

      it('sigmoid + binary_crossentropy (from logits inside) equals the definition on σ(z)', async () => {
        const z = [
          [0.5, -1, 2],
          [-3, 0.1, 1],
        ];
        const y = [
          [1, 0, 1],
          [0, 1, 0],
        ];
        const model = identity(3, 'sigmoid');
        model.compile({ optimizer: 'sgd', loss: 'binary_crossentropy' });
        const expected = mean(z.flat().map((v, i) => {
          const p = sigmoid(v);
          const t = y.flat()[i];
          return -(t * Math.log(p) + (1 - t) * Math.log(1 - p));
        }));
        expect((await model.evaluate(z, y)).loss).toBeCloseTo(expected, 5);
      });

      it('softmax + (sparse_)categorical_crossentropy equals the definition on softmax(z)', async () => {
        const z = [
          [1, 2, 0.5],
          [-1, 0, 3],
        ];
        const logSoftmax = (row: number[], k: number) => row[k] - Math.log(row.reduce((a, v) => a + Math.exp(v), 0));
        const expected = -(logSoftmax(z[0], 1) + logSoftmax(z[1], 2)) / 2;
        const model = identity(3, 'softmax');
        model.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy' });
        expect((await model.evaluate(z, onehot)).loss).toBeCloseTo(expected, 5);
        model.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy' });
        expect((await model.evaluate(z, [1, 2])).loss).toBeCloseTo(expected, 5);
        // predict still returns probabilities.
        const p = await model.predict(z);
        expect(p.values[0] + p.values[1] + p.values[2]).toBeCloseTo(1, 6);
      });
    });

    describe('regularization', () => {
      it('adds l1·Σ|w| + l2·Σw² to the loss (not divided by the batch) and to the gradient', async () => {
        const kernel = [0.5, -0.3];
        const make = (reg?: { l1?: number; l2?: number }) => {
          const model = new Sequential([layers.input({ shape: [2] }), layers.dense({ units: 1, kernelRegularizer: reg, biasRegularizer: reg && { l2: 1 } })]);
          model.setWeights([
            { shape: [2, 1], values: kernel },
            { shape: [1], values: [0.1] },
          ]);
          model.compile({ optimizer: { type: 'sgd', learningRate: 0.1 }, loss: 'mse' });
          return model;
        };
        const plain = await make().evaluate(X2, Y2);
        const reg = make({ l1: 0.2, l2: 0.3 });
        const penalty = 0.2 * (0.5 + 0.3) + 0.3 * (0.25 + 0.09) + 1 * 0.01;
        expect((await reg.evaluate(X2, Y2)).loss).toBeCloseTo(plain.loss + penalty, 5);
        // trainOnBatch reports the loss before the step, penalty included.
        expect(await reg.trainOnBatch(X2, Y2)).toBeCloseTo(plain.loss + penalty, 5);
        const { gw, gb } = mseGradient(kernel, 0.1);
        const expected = [
          kernel[0] - 0.1 * (gw[0] + 0.2 * Math.sign(kernel[0]) + 2 * 0.3 * kernel[0]),
          kernel[1] - 0.1 * (gw[1] + 0.2 * Math.sign(kernel[1]) + 2 * 0.3 * kernel[1]),
          0.1 - 0.1 * (gb + 2 * 1 * 0.1),
        ];
        expectAllClose(flat(await reg.getWeights()), expected, 1e-6);
      });
    });

    describe('fit', () => {
      it('early stopping stops after `patience` epochs without improvement and restores the best weights', async () => {
        const { x, y } = lineData(40, 7);
        const model = new Sequential([layers.input({ shape: [2] }), layers.dense({ units: 1, activation: 'sigmoid' })], { seed: 5 });
        model.compile({ optimizer: { type: 'sgd', learningRate: 0.5 }, loss: 'binary_crossentropy' });
        // The training loss falls every epoch, so maximizing it sees epoch 0 as the best and never improves.
        const stopper = callbacks.earlyStopping({ monitor: 'loss', mode: 'max', patience: 2, restoreBestWeights: true });
        let bestWeights: number[] = [];
        const history = await model.fit(x, y, {
          epochs: 20,
          batchSize: 8,
          callbacks: [stopper],
          onEpochEnd: async (epoch) => {
            if (epoch === 0) bestWeights = flat(await model.getWeights());
          },
        });
        expect(history.epoch).toEqual([0, 1, 2]);
        expect(history.history.loss[2]).toBeLessThan(history.history.loss[0]);
        expect(stopper.stoppedEpoch).toBe(2);
        expect(flat(await model.getWeights())).toEqual(bestWeights);
      });

      it('early stopping on an improving val_loss runs every epoch', async () => {
        const { x, y } = lineData(40, 8);
        const model = new Sequential([layers.input({ shape: [2] }), layers.dense({ units: 1, activation: 'sigmoid' })], { seed: 5 });
        model.compile({ optimizer: { type: 'sgd', learningRate: 0.5 }, loss: 'binary_crossentropy' });
        const history = await model.fit(x, y, { epochs: 5, validationSplit: 0.25, callbacks: [callbacks.earlyStopping({ patience: 1 })] });
        expect(history.epoch).toHaveLength(5);
        expect(history.history.val_loss).toHaveLength(5);
      });

      it('batches in order when shuffle is false, the last batch smaller', async () => {
        const { x, y } = lineData(7, 9);
        const make = () => {
          const m = new Sequential([layers.input({ shape: [2] }), layers.dense({ units: 1, activation: 'sigmoid' })], { seed: 11 });
          m.compile({ optimizer: { type: 'sgd', learningRate: 0.3 }, loss: 'binary_crossentropy' });
          return m;
        };
        const fitted = make();
        const sizes: number[] = [];
        const losses: number[] = [];
        await fitted.fit(x, y, {
          epochs: 1,
          batchSize: 3,
          shuffle: false,
          onBatchEnd: (_, logs) => {
            sizes.push(logs.size);
            losses.push(logs.loss);
          },
        });
        expect(sizes).toEqual([3, 3, 1]);
        const stepped = make();
        const manual: number[] = [];
        for (const [a, b] of [[0, 3], [3, 6], [6, 7]]) manual.push(await stepped.trainOnBatch(x.slice(a, b), y.slice(a, b)));
        expect(losses).toEqual(manual);
        expect(flat(await fitted.getWeights())).toEqual(flat(await stepped.getWeights()));
      });

      it('validationSplit holds out the last fraction (before shuffling)', async () => {
        const { x, y } = lineData(8, 10);
        const make = () => {
          const m = new Sequential([layers.input({ shape: [2] }), layers.dense({ units: 1, activation: 'sigmoid' })], { seed: 12 });
          m.compile({ optimizer: { type: 'sgd', learningRate: 0.3 }, loss: 'binary_crossentropy', metrics: ['accuracy'] });
          return m;
        };
        const split = make();
        const history = await split.fit(x, y, { epochs: 1, batchSize: 2, shuffle: false, validationSplit: 0.25 });
        const onFirstSix = make();
        await onFirstSix.fit(x.slice(0, 6), y.slice(0, 6), { epochs: 1, batchSize: 2, shuffle: false });
        expect(flat(await split.getWeights())).toEqual(flat(await onFirstSix.getWeights()));
        const val = await split.evaluate(x.slice(6), y.slice(6));
        expect(history.history.val_loss[0]).toBeCloseTo(val.loss, 6);
        expect(history.history.val_accuracy[0]).toBe(val.accuracy);
        expect(Object.keys(history.history).sort()).toEqual(['accuracy', 'loss', 'val_accuracy', 'val_loss']);
      });

      it('validationData is scored every epoch', async () => {
        const { x, y } = lineData(12, 13);
        const model = new Sequential([layers.input({ shape: [2] }), layers.dense({ units: 1, activation: 'sigmoid' })], { seed: 1 });
        model.compile({ optimizer: 'adam', loss: 'binary_crossentropy' });
        const history = await model.fit(x.slice(0, 8), y.slice(0, 8), { epochs: 2, validationData: [x.slice(8), y.slice(8)] });
        expect(history.history.val_loss[1]).toBeCloseTo((await model.evaluate(x.slice(8), y.slice(8))).loss, 6);
      });

      it('one seed reproduces initialization, shuffling and dropout bit for bit', async () => {
        const { x, y } = lineData(30, 14);
        const run = async (seed: number) => {
          const model = new Sequential(
            [layers.input({ shape: [2] }), layers.dense({ units: 8, activation: 'relu' }), layers.dropout({ rate: 0.3 }), layers.dense({ units: 1, activation: 'sigmoid' })],
            { seed },
          );
          model.compile({ optimizer: 'adam', loss: 'binary_crossentropy' });
          const initial = flat(await model.getWeights());
          const history = await model.fit(x, y, { epochs: 3, batchSize: 4 });
          return { initial, history: history.history.loss, weights: flat(await model.getWeights()) };
        };
        const a = await run(42);
        const b = await run(42);
        const c = await run(43);
        expect(b).toEqual(a);
        expect(c.initial).not.toEqual(a.initial);
        expect(c.weights).not.toEqual(a.weights);
      });

      it('dropout is active in fit and off in predict and evaluate', async () => {
        const model = new Sequential([layers.input({ shape: [4] }), layers.dropout({ rate: 0.5 }), layers.dense({ units: 1, useBias: false, kernelInitializer: 'ones' })], { seed: 2 });
        model.compile({ optimizer: { type: 'sgd', learningRate: 0 }, loss: 'mse' });
        const x = [[1, 2, 3, 4]];
        const p1 = await model.predict(x);
        const p2 = await model.predict(x);
        expect(Array.from(p1.values)).toEqual([10]);
        expect(p2.values).toEqual(p1.values);
        expect((await model.evaluate(x, [[10]])).loss).toBe(0);
        // Training draws a fresh mask per step: surviving inputs are doubled, dropped ones vanish.
        const losses = [];
        for (let i = 0; i < 6; i++) losses.push(await model.trainOnBatch(x, [[10]]));
        expect(losses.some((l) => l > 0)).toBe(true);
        expect(new Set(losses).size).toBeGreaterThan(1);
      });

      it('an AbortSignal ends training before the next batch; completed epochs are kept', async () => {
        const { x, y } = lineData(20, 15);
        const model = new Sequential([layers.input({ shape: [2] }), layers.dense({ units: 1, activation: 'sigmoid' })], { seed: 1 });
        model.compile({ optimizer: 'sgd', loss: 'binary_crossentropy' });
        const controller = new AbortController();
        const history = await model.fit(x, y, { epochs: 10, signal: controller.signal, onEpochEnd: (e) => (e === 1 ? controller.abort() : undefined) });
        expect(history.epoch).toEqual([0, 1]);
      });

      it('accepts { shape, values } inputs and 1-D labels for a one-unit output', async () => {
        const { x, y } = lineData(10, 16);
        const model = new Sequential([layers.input({ shape: [2] }), layers.dense({ units: 1, activation: 'sigmoid' })], { seed: 1 });
        model.compile({ optimizer: 'sgd', loss: 'binary_crossentropy', metrics: ['accuracy', 'precision', 'recall', 'f1', 'auc'] });
        const logs = await model.evaluate({ shape: [10, 2], values: x.flat() }, y);
        expect(Object.keys(logs).sort()).toEqual(['accuracy', 'auc', 'f1', 'loss', 'precision', 'recall']);
        expect(logs.loss).toBeCloseTo((await model.evaluate(x, y.map((v) => [v]))).loss, 6);
      });
    });

    describe('layers and structure', () => {
      it('names layers like Keras, unique per model, keeping user names', () => {
        const model = new Sequential([layers.input({ shape: [3] }), layers.dense({ units: 2 }), layers.dense({ units: 2, name: 'mine' }), layers.dense({ units: 1 })]);
        expect(model.summary().rows.map((r) => r.name)).toEqual(['dense', 'mine', 'dense_1']);
        expect(() => model.add(layers.dense({ units: 1, name: 'mine' }))).toThrow(/name "mine" is already used/);
      });

      it('add and pop change the stack; a dense layer accepts inputShape instead of an input layer', async () => {
        const model = new Sequential([], { seed: 1 });
        model.add(layers.dense({ units: 3, inputShape: [2], activation: 'relu' }));
        model.add(layers.dense({ units: 4 }));
        expect(model.outputShape).toEqual([4]);
        expect(model.pop().name).toBe('dense_1');
        model.add(layers.dense({ units: 1 }));
        expect(model.summary().rows.map((r) => [r.name, r.params])).toEqual([
          ['dense', 9],
          ['dense_1', 4],
        ]);
        expect((await model.predict([[1, 2]])).shape).toEqual([1, 1]);
      });

      it('a small CNN: Keras output shapes, parameter counts, kernel layout [kh, kw, inC, outC], and it trains', async () => {
        const model = new Sequential(
          [
            layers.input({ shape: [6, 6, 1] }),
            layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same', activation: 'relu' }),
            layers.maxPooling2d({}),
            layers.averagePooling2d({ poolSize: 3 }),
            layers.flatten(),
            layers.dense({ units: 2, activation: 'softmax' }),
          ],
          { seed: 4 },
        );
        const s = model.summary();
        expect(s.rows.map((r) => [r.type, r.outputShape, r.params])).toEqual([
          ['Conv2D', [null, 6, 6, 2], 20],
          ['MaxPooling2D', [null, 3, 3, 2], 0],
          ['AveragePooling2D', [null, 1, 1, 2], 0],
          ['Flatten', [null, 2], 0],
          ['Dense', [null, 2], 6],
        ]);
        expect((await model.getWeights()).map((w) => [w.name, w.shape])).toEqual([
          ['conv2d/kernel', [3, 3, 1, 2]],
          ['conv2d/bias', [2]],
          ['dense/kernel', [2, 2]],
          ['dense/bias', [2]],
        ]);
        const images = Array.from({ length: 4 }, (_, n) => Array.from({ length: 6 }, (_, i) => Array.from({ length: 6 }, (_, j) => [((i + j + n) % 3) / 2])));
        model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
        const history = await model.fit(images, [0, 1, 0, 1], { epochs: 2, batchSize: 2 });
        expect(history.history.loss.every(Number.isFinite)).toBe(true);
      });

      it('conv2d computes the cross-correlation Keras does (valid padding, stride 1, bias)', async () => {
        const model = new Sequential([layers.input({ shape: [3, 3, 1] }), layers.conv2d({ filters: 1, kernelSize: 2, strides: 1 })]);
        model.setWeights([
          { shape: [2, 2, 1, 1], values: [1, 2, 3, 4] },
          { shape: [1], values: [0.5] },
        ]);
        const image = [[[[1], [2], [3]], [[4], [5], [6]], [[7], [8], [9]]]];
        const out = await model.predict(image);
        expect(out.shape).toEqual([1, 2, 2, 1]);
        // top-left: 1·1 + 2·2 + 3·4 + 4·5 + 0.5
        expect(Array.from(out.values)).toEqual([37.5, 47.5, 67.5, 77.5]);
      });

      it('layerOutputs gives every layer its z and a (for drawing each neuron)', async () => {
        const model = courseNetwork([
          [
            [0, 0],
            [1, 1],
          ],
          [[0], [1]],
        ]);
        const outputs = await model.layerOutputs([
          [2, 3],
          [0, 0],
        ]);
        expect(outputs.map((o) => [o.name, o.a.shape])).toEqual([
          ['dense', [2, 2]],
          ['dense_1', [2, 1]],
        ]);
        expectAllClose(outputs[0].z?.values ?? [], [3, 3, 0, 0], 1e-6);
        expectAllClose(outputs[0].a.values, [sigmoid(3), sigmoid(3), 0.5, 0.5], 1e-6);
        expectAllClose(outputs[1].a.values, [sigmoid(sigmoid(3)), sigmoid(0.5)], 1e-6);
      });
    });

    describe('save and load', () => {
      it('toJSON → JSON text → fromJSON reproduces architecture, compile config and predictions', async () => {
        const model = new Sequential(
          [
            layers.input({ shape: [3] }),
            layers.dense({ units: 4, activation: 'elu', name: 'hidden', kernelRegularizer: { l2: 0.01 } }),
            layers.dropout({ rate: 0.2 }),
            layers.dense({ units: 2, activation: 'softmax' }),
          ],
          { seed: 8 },
        );
        model.compile({ optimizer: { type: 'adam', learningRate: 0.02 }, loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
        const x = [
          [0.1, -2, 3],
          [1, 1, 1],
        ];
        await model.fit(x, [0, 1], { epochs: 2 });
        const text = JSON.stringify(await model.toJSON());
        const loaded = Sequential.fromJSON(text);
        expect(loaded.summary()).toEqual(model.summary());
        expect(loaded.optimizerConfig).toEqual(model.optimizerConfig);
        expect(await loaded.getWeights()).toEqual(await model.getWeights());
        expect(await loaded.predict(x)).toEqual(await model.predict(x));
        expect(await loaded.evaluate(x, [0, 1])).toEqual(await model.evaluate(x, [0, 1]));
        const json = JSON.parse(text);
        expect(() => Sequential.fromJSON({ ...json, version: 99 })).toThrow(/version 99 is not supported; expected 1/);
        expect(() => Sequential.fromJSON({ ...json, layers: [{ type: 'Dense3D', config: {} }] })).toThrow(/unknown layer type "Dense3D"/);
      });
    });

    describe('bad input throws naming the argument or layer and the expected value', () => {
      const model = () => {
        const m = new Sequential([layers.input({ shape: [2] }), layers.dense({ units: 3, activation: 'softmax', name: 'out' })]);
        return m;
      };
      it('x that does not fit the input layer', async () => {
        const m = model();
        await expect(m.predict([[1, 2, 3]])).rejects.toThrow('x: expected shape [N, 2] (a batch of the input shape [2]), got [1, 3]');
        await expect(m.predict([[1, 2], [3]])).rejects.toThrow(/x\[1\]: ragged array; expected 2 entries/);
      });
      it('NaN or Infinity in the data', async () => {
        const m = model();
        m.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy' });
        await expect(m.predict([[1, NaN]])).rejects.toThrow(/x: value NaN at flat index 1 \(row 0\); expected finite numbers/);
        await expect(m.fit([[1, 2]], [Infinity])).rejects.toThrow(/y: value Infinity/);
      });
      it('labels that do not fit the loss', async () => {
        const m = model();
        m.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy' });
        await expect(m.fit([[1, 2]], [3])).rejects.toThrow('y: label 3 at row 0 is not a class index in [0, 3) (the output layer has 3 units)');
        m.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy' });
        await expect(m.fit([[1, 2]], [[0, 1]])).rejects.toThrow(/y: expected shape \[1, 3\] to match the model's output \(one-hot rows of width 3/);
        await expect(m.fit([[1, 2], [3, 4]], [[0, 1, 0]])).rejects.toThrow(/y: 1 rows, but x has 2/);
        m.compile({ optimizer: 'sgd', loss: 'binary_crossentropy' });
        await expect(m.fit([[1, 2]], [[0, 2, 0]])).rejects.toThrow('y: binary_crossentropy labels must lie in [0, 1], got 2 at flat index 1');
      });
      it('unknown names', () => {
        expect(() => layers.dense({ units: 2, activation: 'sigmoide' as 'sigmoid', name: 'capa' })).toThrow(
          /dense "capa": unknown activation "sigmoide"; expected one of linear, relu/,
        );
        const m = model();
        expect(() => m.compile({ optimizer: 'adamw' as 'adam', loss: 'mse' })).toThrow(/unknown optimizer "adamw"; expected one of sgd, rmsprop, adam, adagrad/);
        expect(() => m.compile({ optimizer: 'adam', loss: 'crossentropy' })).toThrow(/unknown loss "crossentropy"; expected one of mse/);
        expect(() => m.compile({ optimizer: 'adam', loss: 'mse', metrics: ['acuracy'] })).toThrow(/unknown metric "acuracy"/);
        expect(() => m.compile({ optimizer: { type: 'sgd', lr: 0.1 } as never, loss: 'mse' })).toThrow(/optimizer option "lr"/);
      });
      it('a dense layer on images, a missing input shape, training before compile', async () => {
        const cnn = new Sequential([layers.input({ shape: [4, 4, 1] }), layers.dense({ units: 2, name: 'd' })]);
        expect(() => cnn.summary()).toThrow('Dense layer "d": expects a 1-D input per example, got [N, 4, 4, 1]; add layers.flatten() before it');
        expect(() => new Sequential([layers.dense({ units: 1 })]).summary()).toThrow(/first layer must be layers.input/);
        await expect(model().fit([[1, 2]], [0])).rejects.toThrow(/call model.compile/);
        expect(() => layers.dropout({ rate: 1 })).toThrow(/rate must be a number in \[0, 1\)/);
        expect(() => model().setWeights([])).toThrow(/setWeights: expected 2 weights/);
      });
    });

    describe('Iris', () => {
      it('trains to ≥ 95% test accuracy with a seed; summary and confusion matrix', async () => {
        const table = parseTable(readFileSync(new URL('../../../public/data/iris.csv', import.meta.url), 'utf8'), 'iris.csv');
        const split = splitTable(table, { testFraction: 0.2, seed: 2024 });
        const [train, test] = standardize(split.train, split.train, split.test).tables;
        const model = new Sequential(
          [layers.input({ shape: [4] }), layers.dense({ units: 8, activation: 'relu' }), layers.dense({ units: 3, activation: 'softmax' })],
          { seed: 7 },
        );
        expect(model.summary().totalParams).toBe(4 * 8 + 8 + 8 * 3 + 3);
        model.compile({ optimizer: { type: 'adam', learningRate: 0.02 }, loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
        const history = await model.fit(tableInputs(train), Array.from(train.y), { epochs: 60, batchSize: 16, validationSplit: 0.1 });
        expect(history.history.loss[59]).toBeLessThan(history.history.loss[0]);
        const { accuracy } = await model.evaluate(tableInputs(test), Array.from(test.y));
        expect(test.count).toBe(30);
        expect(accuracy).toBeGreaterThanOrEqual(0.95);
        const pred = await model.predict(tableInputs(test));
        const counts = confusionMatrix(test.y, argmaxRows(pred.values, test.count, 3), 3);
        expect(counts.map((row) => row.reduce((a, c) => a + c, 0))).toEqual([10, 10, 10]);
        expect(counts[0][0] + counts[1][1] + counts[2][2]).toBe(Math.round(accuracy * 30));
      });
    });
  });
}
