// Traced plans: replaying a recorded training step on WebGPU gives the weights eager CPU steps give,
// creates nothing after warm-up, and survives a device loss.
import { describe, expect, it } from 'vitest';
import { Sequential, layers, useBackend } from '../../src/index';
import type { OptimizerSpec } from '../../src/index';
import type { Backend } from '../../src/engine/backend/backend';
import { compileTrainer, type TrainerData } from '../../src/engine/plan';
import { engineStats, statsDelta } from '../../src/engine/stats';
import { cpu, maxViolation, randomValues, webgpuBackend } from './setup';

const gpu = await webgpuBackend();
const available = typeof gpu !== 'string';

function mlp(optimizer: OptimizerSpec, loss = 'mse', l2 = 0): Sequential {
  const model = new Sequential(
    [
      layers.input({ shape: [2] }),
      layers.dense({ units: 8, activation: 'tanh', kernelRegularizer: l2 ? { l2 } : undefined }),
      layers.dense({ units: 8, activation: 'relu' }),
      layers.dropout({ rate: 0.25 }),
      layers.dense({ units: 1, activation: loss === 'mse' ? 'tanh' : 'sigmoid' }),
    ],
    { seed: 7 },
  );
  model.compile({ optimizer, loss });
  return model;
}

function cnn(): Sequential {
  const model = new Sequential(
    [
      layers.input({ shape: [8, 8, 1] }),
      layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu', padding: 'same' }),
      layers.maxPooling2d({ poolSize: 2 }),
      layers.flatten(),
      layers.dense({ units: 3, activation: 'softmax' }),
    ],
    { seed: 11 },
  );
  model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy' });
  return model;
}

const playgroundData = (rows: number, classes: boolean): TrainerData => {
  const x = randomValues(rows * 2, 5, 6);
  const y = Float32Array.from({ length: rows }, (_, i) => (x[2 * i] * x[2 * i + 1] > 0 ? 1 : classes ? 0 : -1));
  return { x, xShape: [rows, 2], y, yShape: [rows, 1] };
};

const imageData = (rows: number): TrainerData => ({
  x: randomValues(rows * 64, 9),
  xShape: [rows, 8, 8, 1],
  y: Float32Array.from({ length: rows }, (_, i) => i % 3),
  yShape: [rows],
});

/** Train `steps` steps with `make()` on `backend`, in the given replay chunks; the final weights, flattened. */
async function train(backend: Backend, make: () => Sequential, data: TrainerData, batchSize: number, chunks: number[]): Promise<Float32Array> {
  useBackend(backend);
  const model = make();
  const trainer = compileTrainer({ step: model.getTrainStep().step, data, batchSize });
  for (const k of chunks) trainer.run(k);
  const weights = await model.getWeights();
  trainer.dispose();
  model.dispose();
  return Float32Array.from(weights.flatMap((w) => Array.from(w.values)));
}

describe.skipIf(!available)('traced training plans on WebGPU', () => {
  const cases: [string, () => Sequential, TrainerData, number][] = [
    ['MLP, SGD with momentum, MSE, dropout', () => mlp({ type: 'sgd', learningRate: 0.03, momentum: 0.9 }), playgroundData(50, false), 10],
    ['MLP, Adam, binary crossentropy, L2', () => mlp({ type: 'adam', learningRate: 0.01 }, 'binary_crossentropy', 0.01), playgroundData(53, true), 7],
    ['MLP, RMSprop', () => mlp('rmsprop'), playgroundData(40, false), 16],
    ['MLP, Adagrad', () => mlp({ type: 'adagrad', learningRate: 0.05 }), playgroundData(40, false), 8],
    ['CNN, Adam, sparse categorical crossentropy', cnn, imageData(24), 6],
  ];
  for (const [name, make, data, batch] of cases) {
    it(`${name}: replayed steps give the eager CPU weights`, async () => {
      if (typeof gpu === 'string') throw new Error(gpu);
      const expected = await train(cpu, make, data, batch, [10]);
      const actual = await train(gpu, make, data, batch, [1, 4, 5]);
      expect(maxViolation(actual, expected)).toBe(0);
    });
  }

  it('after warm-up a replayed step creates no buffer, bind group or pipeline, and submits once', async () => {
    if (typeof gpu === 'string') throw new Error(gpu);
    useBackend(gpu);
    const model = mlp({ type: 'sgd', learningRate: 0.03 });
    const trainer = compileTrainer({ step: model.getTrainStep().step, data: playgroundData(500, false), batchSize: 10 });
    trainer.run(1);
    await trainer.latestLoss();
    // Settles the once-a-second recovery snapshot the first readback starts, so it does not count below.
    await trainer.snapshot();
    const before = engineStats();
    trainer.run(100);
    const after = statsDelta(before, engineStats());
    expect(after.buffersCreated).toBe(0);
    expect(after.bindGroupsCreated).toBe(0);
    expect(after.pipelinesCompiled).toBe(0);
    expect(after.submits).toBe(1);
    expect(after.dispatches).toBe(100 * trainer.dispatchesPerStep);
    const loss = await trainer.latestLoss();
    expect(Number.isFinite(loss)).toBe(true);
    const read = statsDelta(before, engineStats());
    expect(read.bytesReadBack).toBe(4);
    trainer.dispose();
    model.dispose();
  });

  it('recovers from a lost device: parameters come back from the snapshot and training goes on', async () => {
    // A backend of its own: this test destroys its device.
    const { WebGPUBackend } = await import('../../src/engine/backend/webgpu/webgpu-backend');
    const own = await WebGPUBackend.create();
    useBackend(own);
    const model = mlp({ type: 'adam', learningRate: 0.01 });
    const data = playgroundData(60, false);
    const trainer = compileTrainer({ step: model.getTrainStep().step, data, batchSize: 10 });
    trainer.run(5);
    await trainer.snapshot();
    const saved = await model.getWeights();
    const events: string[] = [];
    const restored = new Promise<void>((resolve) =>
      own.onDeviceEvent((e) => {
        events.push(e.type);
        if (e.type !== 'lost') resolve();
      }),
    );
    own.executor.simulateLoss();
    await restored;
    expect(events).toEqual(['lost', 'restored']);
    expect(maxViolation(Float32Array.from((await model.getWeights()).flatMap((w) => Array.from(w.values))), Float32Array.from(saved.flatMap((w) => Array.from(w.values))), 0, 0)).toBe(0);

    // Training continues on the new device exactly as an uninterrupted run from the same point would.
    expect(trainer.run(5)).toBe(5);
    const resumed = Float32Array.from((await model.getWeights()).flatMap((w) => Array.from(w.values)));
    const reference = await train(cpu, () => mlp({ type: 'adam', learningRate: 0.01 }), data, 10, [10]);
    expect(maxViolation(resumed, reference)).toBe(0);
    useBackend(own);
    trainer.dispose();
    model.dispose();
    own.destroy();
  });
});
