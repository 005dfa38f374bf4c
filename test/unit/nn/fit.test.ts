// The fit loop's contracts on the reference backend: how batches are cut from a row order, the epoch loss
// as the size-weighted mean of its batches, and the two ways an epoch runs (all batches queued at once, or
// one at a time for batch callbacks) giving the same training.
import { beforeAll, describe, expect, it } from 'vitest';
import { createBatchRunner } from '../../../src/engine/batch-runner';
import * as ops from '../../../src/engine/ops';
import { layers, Sequential, setBackend } from '../../../src/index';

const flat = async (m: Sequential): Promise<number[]> => (await m.getWeights()).flatMap((w) => Array.from(w.values));

function model(seed = 3): Sequential {
  const m = new Sequential([layers.input({ shape: [2] }), layers.dense({ units: 3, activation: 'tanh' }), layers.dense({ units: 1, activation: 'sigmoid' })], { seed });
  m.compile({ optimizer: { type: 'sgd', learningRate: 0.5 }, loss: 'binary_crossentropy' });
  return m;
}

const X = Array.from({ length: 11 }, (_, i) => [Math.sin(i), Math.cos(3 * i)]);
const Y = X.map(([a, b]) => (a + b > 0 ? 1 : 0));

describe('fit on the CPU backend', () => {
  beforeAll(async () => {
    await setBackend('cpu');
  });

  it('a batch runner cuts the rows of an order into full batches and a short last one, and starts over at begin', async () => {
    const x = ops.tensor(Float32Array.from({ length: 7 }, (_, i) => 10 * i), [7, 1]);
    const runner = createBatchRunner({ x, y: null, batchSize: 3, fn: (xb, _, size) => ({ rows: ops.reshape(xb, [size]) }) });
    expect(runner.path).toBe('eager');
    expect([runner.batches, runner.batchRows(0), runner.batchRows(2)]).toEqual([3, 3, 1]);
    runner.begin([6, 5, 4, 3, 2, 1, 0]);
    const seen: number[][] = [];
    for (let i = 0; i < 3; i++) seen.push(Array.from(await runner.run(1).rows.data()));
    expect(seen).toEqual([[60, 50, 40], [30, 20, 10], [0]]);
    expect(() => runner.run(1)).toThrow('batches.run: the pass has no batches left; call begin() first');
    runner.begin();
    // Two at once: the result is the second batch's.
    expect(Array.from(await runner.run(2).rows.data())).toEqual([30, 40, 50]);
    expect(runner.done).toBe(2);
    expect(() => runner.begin([0, 1, 2])).toThrow('batches: order must list 7 row indices in [0, 7)');
    runner.dispose();
    x.dispose();
  });

  it('the epoch loss is the mean of the batch losses weighted by their rows', async () => {
    const m = model();
    const batches: { size: number; loss: number }[] = [];
    const history = await m.fit(X, Y, { epochs: 2, batchSize: 4, onBatchEnd: (_, logs) => void batches.push({ size: logs.size, loss: logs.loss }) });
    expect(batches.map((b) => b.size)).toEqual([4, 4, 3, 4, 4, 3]);
    const mean = (bs: typeof batches) => bs.reduce((s, b) => s + b.size * b.loss, 0) / 11;
    expect(history.history.loss[0]).toBeCloseTo(mean(batches.slice(0, 3)), 6);
    expect(history.history.loss[1]).toBeCloseTo(mean(batches.slice(3)), 6);
  });

  it('an epoch queued whole and one run batch by batch (for a batch callback) train the same', async () => {
    const whole = model();
    const byBatch = model();
    const a = await whole.fit(X, Y, { epochs: 3, batchSize: 4 });
    let begun = 0;
    const b = await byBatch.fit(X, Y, { epochs: 3, batchSize: 4, callbacks: [{ onBatchBegin: () => void begun++ }] });
    expect(begun).toBe(9);
    expect(b.history.loss).toEqual(a.history.loss);
    expect(await flat(byBatch)).toEqual(await flat(whole));
  });

  it('stopTraining set by a batch callback ends the epoch after that batch; its loss covers the batches run', async () => {
    const m = model();
    const losses: number[] = [];
    const history = await m.fit(X, Y, {
      epochs: 5,
      batchSize: 4,
      onBatchEnd: (batch, logs) => {
        losses.push(logs.loss);
        if (batch === 1) m.stopTraining = true;
      },
    });
    expect(history.epoch).toEqual([0]);
    expect(losses).toHaveLength(2);
    expect(history.history.loss[0]).toBeCloseTo((losses[0] + losses[1]) / 2, 6);
  });

  it('a learning rate set at an epoch end applies to the next epoch, as trainOnBatch steps with it would', async () => {
    const fitted = model();
    await fitted.fit(X, Y, { epochs: 2, batchSize: 6, shuffle: false, onEpochEnd: () => fitted.setLearningRate(0.05) });
    const stepped = model();
    for (const lr of [0.5, 0.05]) {
      stepped.setLearningRate(lr);
      await stepped.trainOnBatch(X.slice(0, 6), Y.slice(0, 6));
      await stepped.trainOnBatch(X.slice(6), Y.slice(6));
    }
    expect(await flat(fitted)).toEqual(await flat(stepped));
  });
});
