// model.fit, evaluate and predict on WebGPU run replayed plans: the same weights, histories and outputs
// as the CPU backend (the reference) for the same seed, shuffling included, with no per-batch readback,
// bind group or buffer, and nothing left on the device afterwards.
import { describe, expect, it } from 'vitest';
import { callbacks, layers, Sequential, useBackend, type FitOptions, type History } from '../../src/index';
import type { Backend } from '../../src/engine/backend/backend';
import { createBatchRunner } from '../../src/engine/batch-runner';
import { compileTrainer } from '../../src/engine/plan';
import * as ops from '../../src/engine/ops';
import { engineStats, statsDelta } from '../../src/engine/stats';
import { cpu, maxViolation, randomValues, webgpuBackend } from './setup';

const gpu = await webgpuBackend();

const flatWeights = async (model: Sequential): Promise<Float32Array> =>
  Float32Array.from((await model.getWeights()).flatMap((w) => Array.from(w.values)));

/** Images 6×6×1 with 3 classes; 23 rows, so batches of 5 end with a short one. */
function images(rows: number, seed: number): { x: { shape: number[]; values: Float32Array }; y: number[] } {
  return { x: { shape: [rows, 6, 6, 1], values: randomValues(rows * 36, seed) }, y: Array.from({ length: rows }, (_, i) => (i * 7) % 3) };
}

function cnn(): Sequential {
  const model = new Sequential(
    [
      layers.input({ shape: [6, 6, 1] }),
      layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu', padding: 'same' }),
      layers.maxPooling2d({ poolSize: 2 }),
      layers.flatten(),
      layers.dropout({ rate: 0.2 }),
      layers.dense({ units: 3, activation: 'softmax' }),
    ],
    { seed: 21 },
  );
  model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
  return model;
}

function mlp(): Sequential {
  const model = new Sequential(
    [
      layers.input({ shape: [2] }),
      layers.dense({ units: 6, activation: 'tanh', kernelRegularizer: { l2: 0.01 } }),
      layers.dropout({ rate: 0.25 }),
      layers.dense({ units: 1, activation: 'sigmoid' }),
    ],
    { seed: 4 },
  );
  model.compile({ optimizer: { type: 'sgd', learningRate: 0.3, momentum: 0.9 }, loss: 'binary_crossentropy' });
  return model;
}

function points(rows: number, seed: number): { x: number[][]; y: number[] } {
  const v = randomValues(rows * 2, seed, 3);
  const x = Array.from({ length: rows }, (_, i) => [v[2 * i], v[2 * i + 1]]);
  return { x, y: x.map(([a, b]) => (a * b > 0 ? 1 : 0)) };
}

interface Run {
  history: History;
  weights: Float32Array;
  batchLosses: number[];
}

/** Fit `make()` on `backend`; `options(model)` may refer to the model (callbacks that change it). */
async function fitOn(backend: Backend, make: () => Sequential, x: unknown, y: unknown, options: (m: Sequential, batchLosses: number[]) => FitOptions): Promise<Run> {
  useBackend(backend);
  const model = make();
  const batchLosses: number[] = [];
  const history = await model.fit(x, y, options(model, batchLosses));
  const weights = await flatWeights(model);
  model.dispose();
  return { history, weights, batchLosses };
}

/** Histories agree key by key within the kernels' tolerance. */
function expectSameHistory(actual: History, expected: History): void {
  expect(actual.epoch).toEqual(expected.epoch);
  expect(Object.keys(actual.history).sort()).toEqual(Object.keys(expected.history).sort());
  for (const [k, v] of Object.entries(expected.history)) {
    expect(maxViolation(Float32Array.from(actual.history[k]), Float32Array.from(v)), k).toBe(0);
  }
}

describe.skipIf(typeof gpu === 'string')('model.fit on WebGPU', () => {
  it('a CNN with dropout, shuffled epochs, a short last batch, validationSplit and accuracy: the CPU weights and history', async () => {
    if (typeof gpu === 'string') throw new Error(gpu);
    const { x, y } = images(29, 3);
    const options = (): FitOptions => ({ epochs: 3, batchSize: 5, validationSplit: 0.2 });
    const expected = await fitOn(cpu, cnn, x, y, options);
    const actual = await fitOn(gpu, cnn, x, y, options);
    expectSameHistory(actual.history, expected.history);
    expect(Object.keys(actual.history.history).sort()).toEqual(['accuracy', 'loss', 'val_accuracy', 'val_loss']);
    expect(maxViolation(actual.weights, expected.weights)).toBe(0);
  });

  it('early stopping with restoreBestWeights on validationData: the CPU stopping epoch and weights', async () => {
    if (typeof gpu === 'string') throw new Error(gpu);
    const train = points(40, 5);
    const val = points(12, 6);
    const stoppers: ReturnType<typeof callbacks.earlyStopping>[] = [];
    const options = (): FitOptions => {
      // A large learning rate with momentum overshoots: val_loss turns up after a few epochs.
      const stopper = callbacks.earlyStopping({ monitor: 'val_loss', patience: 1, restoreBestWeights: true });
      stoppers.push(stopper);
      return { epochs: 30, batchSize: 8, validationData: [val.x, val.y], callbacks: [stopper] };
    };
    const expected = await fitOn(cpu, mlp, train.x, train.y, options);
    const actual = await fitOn(gpu, mlp, train.x, train.y, options);
    expect(stoppers[0].stoppedEpoch).toBeGreaterThan(0);
    expect(stoppers[1].stoppedEpoch).toBe(stoppers[0].stoppedEpoch);
    expect(stoppers[1].bestEpoch).toBe(stoppers[0].bestEpoch);
    expectSameHistory(actual.history, expected.history);
    expect(maxViolation(actual.weights, expected.weights)).toBe(0);
  });

  it('batch callbacks see every batch loss, and a learning rate changed at an epoch end applies from the next epoch', async () => {
    if (typeof gpu === 'string') throw new Error(gpu);
    const { x, y } = points(26, 7);
    const options = (m: Sequential, losses: number[]): FitOptions => ({
      epochs: 3,
      batchSize: 6,
      onBatchEnd: (_, logs) => {
        losses.push(logs.loss);
      },
      onEpochEnd: (epoch) => m.setLearningRate(0.1 / (epoch + 2)),
    });
    const expected = await fitOn(cpu, mlp, x, y, options);
    const actual = await fitOn(gpu, mlp, x, y, options);
    expect(actual.batchLosses).toHaveLength(15);
    expect(maxViolation(Float32Array.from(actual.batchLosses), Float32Array.from(expected.batchLosses))).toBe(0);
    expect(maxViolation(actual.weights, expected.weights)).toBe(0);
    // Without the schedule the weights differ: the changed rate did reach the recorded step.
    const constant = await fitOn(gpu, mlp, x, y, () => ({ epochs: 3, batchSize: 6 }));
    expect(maxViolation(constant.weights, expected.weights)).toBeGreaterThan(0);
  });

  it('an epoch reads back only its loss and creates no buffer, and its bind groups do not grow with its batches; nothing stays on the device', async () => {
    if (typeof gpu === 'string') throw new Error(gpu);
    useBackend(gpu);
    const model = cnn();
    model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy' });
    /** What two more epochs cost: a 3-epoch fit less a 1-epoch fit (after one to warm up). */
    const twoEpochs = async (rows: number): Promise<ReturnType<typeof statsDelta>> => {
      const { x, y } = images(rows, 8);
      const fit = async (epochs: number) => {
        const before = engineStats();
        await model.fit(x, y, { epochs, batchSize: 4 });
        return statsDelta(before, engineStats());
      };
      await fit(1);
      return statsDelta(await fit(1), await fit(3));
    };
    const small = await twoEpochs(16);
    const live = gpu.executor.live.size;
    const large = await twoEpochs(64);
    expect(gpu.executor.live.size).toBe(live);
    // Four batches an epoch or sixteen: one 4-byte loss read back per epoch, the same submits and bind groups.
    for (const s of [small, large]) {
      expect(s.bytesReadBack).toBe(8);
      expect(s.buffersCreated).toBe(0);
    }
    expect(large.bindGroupsCreated).toBe(small.bindGroupsCreated);
    expect(large.submits).toBe(small.submits);
    expect(large.dispatches).toBeGreaterThan(3 * small.dispatches);
    model.dispose();
  });

  it('predict and evaluate in chunks give the CPU outputs, read everything at the end, and create nothing per chunk', async () => {
    if (typeof gpu === 'string') throw new Error(gpu);
    const { x, y } = images(23, 9);
    const run = async (backend: Backend): Promise<Float32Array> => {
      useBackend(backend);
      const model = cnn();
      await model.fit(x, y, { epochs: 1, batchSize: 8 });
      const pred = await model.predict(x, { batchSize: 5 });
      const logs = await model.evaluate(x, y, { batchSize: 5 });
      model.dispose();
      return Float32Array.from([...pred.values, logs.loss, logs.accuracy]);
    };
    expect(maxViolation(await run(gpu), await run(cpu))).toBe(0);

    useBackend(gpu);
    const model = cnn();
    const setup = async (rows: number) => {
      const data = images(rows, 10);
      await model.predict(data.x, { batchSize: 4 });
      const before = engineStats();
      await model.predict(data.x, { batchSize: 4 });
      await model.evaluate(data.x, data.y, { batchSize: 4 });
      return statsDelta(before, engineStats());
    };
    const few = await setup(9);
    const live = gpu.executor.live.size;
    const many = await setup(41);
    expect(many.bindGroupsCreated).toBe(few.bindGroupsCreated);
    expect(gpu.executor.live.size).toBe(live);
    model.dispose();
  });

  it('a batch runner traces repeated passes and long ones; a one-off pass of one or two batches runs eagerly', async () => {
    if (typeof gpu === 'string') throw new Error(gpu);
    useBackend(gpu);
    const x = ops.tensor(Float32Array.from({ length: 9 }, (_, i) => i), [9, 1]);
    const runner = (batchSize: number, repeated: boolean) => createBatchRunner({ x, y: null, batchSize, repeated, fn: (xb) => ops.mul(xb, ops.fill([], 2)) });
    const cases: [number, boolean, string][] = [
      [5, false, 'eager'],
      [5, true, 'plan'],
      [3, false, 'plan'],
    ];
    for (const [batchSize, repeated, path] of cases) {
      const r = runner(batchSize, repeated);
      expect(r.path).toBe(path);
      if (path === 'eager') expect(r.eagerReason).toBe('a single pass of at most two batches');
      r.begin([8, 7, 6, 5, 4, 3, 2, 1, 0]);
      const out: number[] = [];
      for (let i = 0; i < r.batches; i++) out.push(...(await r.run(1).data()));
      expect(out).toEqual([16, 14, 12, 10, 8, 6, 4, 2, 0]);
      r.dispose();
    }
    x.dispose();
  });

  it('a second fit with the same shapes and batch size traces nothing, uploads nothing when the data is the same, and equals the CPU', async () => {
    if (typeof gpu === 'string') throw new Error(gpu);
    // 20 rows in batches of 5: no short batch (it runs eagerly and would create bind groups every epoch).
    const a = images(20, 12);
    const b = images(20, 13);
    const run = async (backend: Backend) => {
      useBackend(backend);
      const model = cnn();
      const counts: ReturnType<typeof statsDelta>[] = [];
      const histories: History[] = [];
      // The same data twice, then other values of the same shapes, then those again.
      for (const data of [a, a, b, b]) {
        const before = engineStats();
        histories.push(await model.fit(data.x, data.y, { epochs: 2, batchSize: 5 }));
        counts.push(statsDelta(before, engineStats()));
      }
      const weights = await flatWeights(model);
      model.dispose();
      return { counts, histories, weights };
    };
    const expected = await run(cpu);
    const live = gpu.executor.live.size;
    const actual = await run(gpu);
    expect(gpu.executor.live.size).toBe(live);
    actual.histories.forEach((h, i) => expectSameHistory(h, expected.histories[i]));
    expect(maxViolation(actual.weights, expected.weights)).toBe(0);
    const [first, again, other, otherAgain] = actual.counts;
    expect(first.bindGroupsCreated).toBeGreaterThan(0);
    for (const c of [again, other, otherAgain]) {
      expect(c.pipelinesCompiled).toBe(0);
      expect(c.buffersCreated).toBe(0);
      expect(c.bindGroupsCreated).toBe(0);
      // Two epochs, each reading its 4-byte loss and, for the accuracy, the 20 rows' 3 probabilities.
      expect(c.bytesReadBack).toBe(2 * (4 + 20 * 3 * 4));
    }
    // New values are written into the kept buffers, the same ones are not: b's images differ from a's,
    // its labels do not (images() derives them from the row index).
    expect(b.y).toEqual(a.y);
    expect(other.bytesUploaded - again.bytesUploaded).toBe(b.x.values.byteLength);
    expect(otherAgain.bytesUploaded).toBe(again.bytesUploaded);
    // What is written per call: each epoch's row order, batch counter and loss sum, and the accuracy pass's counter.
    expect(again.bytesUploaded).toBe(2 * (20 + 1 + 1 + 1) * 4);
  });

  it('20 fit calls with validation, metrics and a short last batch keep the live device buffers flat, and all of it is freed with the model', async () => {
    if (typeof gpu === 'string') throw new Error(gpu);
    useBackend(gpu);
    const baseline = gpu.executor.live.size;
    const model = cnn();
    const { x, y } = images(23, 14);
    const sizes: number[] = [];
    const counts: ReturnType<typeof statsDelta>[] = [];
    for (let i = 0; i < 20; i++) {
      const before = engineStats();
      await model.fit(x, y, { epochs: 1, batchSize: 4, validationSplit: 0.2 });
      counts.push(statsDelta(before, engineStats()));
      sizes.push(gpu.executor.live.size);
    }
    expect(new Set(sizes.slice(1)).size).toBe(1);
    // Past the first call every call does the same work: nothing traced again.
    for (const c of counts.slice(2)) expect(c).toEqual(counts[1]);
    expect(counts[1].buffersCreated).toBe(0);
    expect(counts[1].bindGroupsCreated).toBeLessThan(counts[0].bindGroupsCreated);
    model.dispose();
    expect(gpu.executor.live.size).toBe(baseline);
  });

  it('a changed batch size, learning rate, optimizer (recompile) or architecture between fit calls re-traces: the CPU weights and histories', async () => {
    if (typeof gpu === 'string') throw new Error(gpu);
    const { x, y } = images(24, 15);
    const run = async (backend: Backend) => {
      useBackend(backend);
      const model = cnn();
      const histories: History[] = [];
      const bindGroups: number[] = [];
      const fit = async (batchSize: number) => {
        const before = engineStats();
        histories.push(await model.fit(x, y, { epochs: 1, batchSize }));
        bindGroups.push(statsDelta(before, engineStats()).bindGroupsCreated);
      };
      await fit(6);
      await fit(6);
      await fit(4);
      model.setLearningRate(0.003);
      await fit(4);
      model.compile({ optimizer: { type: 'sgd', learningRate: 0.05, momentum: 0.5 }, loss: 'sparse_categorical_crossentropy' });
      await fit(4);
      model.pop();
      model.add(layers.dense({ units: 3, activation: 'softmax' }));
      model.compile({ optimizer: 'rmsprop', loss: 'sparse_categorical_crossentropy' });
      await fit(4);
      await fit(4);
      const weights = await flatWeights(model);
      model.dispose();
      return { histories, bindGroups, weights };
    };
    const expected = await run(cpu);
    const actual = await run(gpu);
    actual.histories.forEach((h, i) => expectSameHistory(h, expected.histories[i]));
    expect(maxViolation(actual.weights, expected.weights)).toBe(0);
    const [first, same, batch, rate, recompiled, rebuilt, last] = actual.bindGroups;
    expect(same).toBe(0);
    expect(last).toBe(0);
    for (const n of [first, batch, rate, recompiled, rebuilt]) expect(n).toBeGreaterThan(0);
  });

  it('a fit plan kept across calls re-traces when another plan (compileTrainer) packed the same parameters in between', async () => {
    if (typeof gpu === 'string') throw new Error(gpu);
    const { x, y } = images(20, 16);
    const run = async (backend: Backend) => {
      useBackend(backend);
      const model = cnn();
      await model.fit(x, y, { epochs: 1, batchSize: 5 });
      const trainer = compileTrainer({ step: model.getTrainStep().step, data: { x: x.values, xShape: x.shape, y: Float32Array.from(y), yShape: [20] }, batchSize: 4 });
      trainer.run(3);
      await trainer.latestLoss();
      const history = await model.fit(x, y, { epochs: 2, batchSize: 5 });
      // And the trainer's plan, packed over by fit's, re-traces too.
      trainer.run(2);
      const loss = await trainer.latestLoss();
      trainer.dispose();
      const weights = await flatWeights(model);
      model.dispose();
      return { history, weights: Float32Array.from([...weights, loss]) };
    };
    const expected = await run(cpu);
    const actual = await run(gpu);
    expectSameHistory(actual.history, expected.history);
    expect(maxViolation(actual.weights, expected.weights)).toBe(0);
  });

  it('evaluate and predict called again with the same shapes: traced on the second call, replayed with nothing created from the third, the CPU values', async () => {
    if (typeof gpu === 'string') throw new Error(gpu);
    const a = images(10, 17);
    const b = images(10, 18);
    const run = async (backend: Backend) => {
      useBackend(backend);
      const model = cnn();
      await model.fit(a.x, a.y, { epochs: 1, batchSize: 5 });
      const values: number[] = [];
      const counts: ReturnType<typeof statsDelta>[] = [];
      // Two chunks of 5: a single pass of them runs eagerly, a repeated one is traced.
      for (const data of [a, a, a, b]) {
        const before = engineStats();
        values.push(...(await model.predict(data.x, { batchSize: 5 })).values);
        const logs = await model.evaluate(data.x, data.y, { batchSize: 5 });
        values.push(logs.loss, logs.accuracy);
        counts.push(statsDelta(before, engineStats()));
      }
      model.dispose();
      return { values: Float32Array.from(values), counts };
    };
    const expected = await run(cpu);
    const actual = await run(gpu);
    expect(maxViolation(actual.values, expected.values)).toBe(0);
    const [, traced, replayed, otherData] = actual.counts;
    expect(traced.bindGroupsCreated).toBeGreaterThan(0);
    for (const c of [replayed, otherData]) {
      expect(c.bindGroupsCreated).toBe(0);
      expect(c.buffersCreated).toBe(0);
      expect(c.pipelinesCompiled).toBe(0);
    }
  });

  it('compileTrainer leaves no storage behind after re-recording (a new order) and dispose', async () => {
    if (typeof gpu === 'string') throw new Error(gpu);
    useBackend(gpu);
    const model = cnn();
    const { step } = model.getTrainStep();
    const { x, y } = images(12, 11);
    const live = gpu.executor.live.size;
    const trainer = compileTrainer({ step, data: { x: x.values, xShape: x.shape, y: Float32Array.from(y), yShape: [12] }, batchSize: 4 });
    trainer.run(2);
    trainer.setOrder([11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    trainer.run(2);
    await trainer.latestLoss();
    trainer.dispose();
    expect(gpu.executor.live.size).toBe(live);
    model.dispose();
  });
});
