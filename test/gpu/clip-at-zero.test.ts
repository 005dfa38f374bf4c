// TensorFlow Playground's L1 zero-crossing rule (Regularization.clipAtZero) on WebGPU: the fused dense
// step, the traced plan's packed update and the eager update kill the weights the CPU reference kills,
// and leave them at 0 over later steps.
import { describe, expect, it } from 'vitest';
import { Sequential, layers, useBackend } from '../../src/index';
import type { OptimizerSpec } from '../../src/index';
import type { Backend } from '../../src/engine/backend/backend';
import { compileTrainer, type TrainerData, type TrainerPath } from '../../src/engine/plan';
import { cpu, gpuSuite, maxViolation, randomValues, webgpuBackend } from './setup';

const gpu = await webgpuBackend();
const available = typeof gpu !== 'string';

const data = (rows: number): TrainerData => {
  const x = randomValues(rows * 2, 5, 6);
  const y = Float32Array.from({ length: rows }, (_, i) => (x[2 * i] * x[2 * i + 1] > 0 ? 1 : -1));
  return { x, xShape: [rows, 2], y, yShape: [rows, 1] };
};

/** 2→6→5→1 tanh with clipped L1 on every kernel; `dropout` puts the model on the traced plan. */
function model(optimizer: OptimizerSpec, l1: number, dropout = false) {
  return (): Sequential => {
    const reg = { l1, clipAtZero: true };
    const m = new Sequential(
      [
        layers.input({ shape: [2] }),
        layers.dense({ units: 6, activation: 'tanh', kernelRegularizer: reg }),
        layers.dense({ units: 5, activation: 'tanh', kernelRegularizer: reg }),
        ...(dropout ? [layers.dropout({ rate: 0.2 })] : []),
        layers.dense({ units: 1, activation: 'tanh', kernelRegularizer: reg }),
      ],
      { seed: 9 },
    );
    m.compile({ optimizer, loss: 'mse' });
    return m;
  };
}

async function train(backend: Backend, make: () => Sequential, set: TrainerData, chunks: number[], path: TrainerPath, batchSize = 10): Promise<Float32Array> {
  useBackend(backend);
  const m = make();
  const { step, dense } = m.getTrainStep();
  const trainer = compileTrainer({ step, dense, data: set, batchSize });
  expect(trainer.path, String(trainer.unfusedReason)).toBe(path);
  for (const k of chunks) trainer.run(k);
  const weights = await m.getWeights();
  trainer.dispose();
  m.dispose();
  return Float32Array.from(weights.flatMap((w) => Array.from(w.values)));
}

const zeros = (w: Float32Array): number[] => [...w.keys()].filter((i) => w[i] === 0);

describe.skipIf(!available)(gpuSuite('L1 with zero crossings clipped on WebGPU', gpu), () => {
  const cases: [string, () => Sequential, TrainerPath][] = [
    ['fused dense step, SGD (TensorFlow Playground)', model({ type: 'sgd', learningRate: 0.1 }, 0.5), 'fused'],
    ['fused dense step, Adam', model({ type: 'adam', learningRate: 0.1 }, 0.5), 'fused'],
    ['traced plan (dropout), SGD with momentum', model({ type: 'sgd', learningRate: 0.1, momentum: 0.5 }, 0.5, true), 'plan'],
  ];
  for (const [name, make, path] of cases) {
    it(`${name}: the CPU reference's dead weights, still 0 after more steps, and its weights to 1e-4`, async () => {
      if (typeof gpu === 'string') throw new Error(gpu);
      const set = data(40);
      const early = await train(gpu, make, set, [2, 4], path);
      const dead = zeros(early);
      expect(dead.length).toBeGreaterThan(3);
      expect(dead).toEqual(zeros(await train(cpu, make, set, [6], 'eager')));
      const late = await train(gpu, make, set, [6, 14], path);
      for (const i of dead) expect(late[i]).toBe(0);
      const reference = await train(cpu, make, set, [20], 'eager');
      expect(zeros(late)).toEqual(zeros(reference));
      expect(maxViolation(late, reference)).toBeLessThan(1e-4);
    });
  }

  it('fused dense step, the 256-thread variant a hardware GPU runs: the CPU reference weights and dead weights', async () => {
    if (typeof gpu === 'string') throw new Error(gpu);
    // SwiftShader takes the 32-thread variant for every size; pretend to be a GPU to run the other.
    const emulated = gpu.executor.emulated;
    gpu.executor.emulated = false;
    try {
      const make = model({ type: 'sgd', learningRate: 0.1 }, 0.5);
      // Batch 64: 64 rows × 6 units exceed the 256 items up to which even a GPU takes the 32-thread variant.
      const set = data(100);
      const actual = await train(gpu, make, set, [4, 8], 'fused', 64);
      const expected = await train(cpu, make, set, [12], 'eager', 64);
      expect(zeros(actual).length).toBeGreaterThan(3);
      expect(zeros(actual)).toEqual(zeros(expected));
      expect(maxViolation(actual, expected)).toBeLessThan(1e-4);
    } finally {
      gpu.executor.emulated = emulated;
    }
  });

  it('eager updates (trainOnBatch): the CPU reference weights and dead weights', async () => {
    if (typeof gpu === 'string') throw new Error(gpu);
    const set = data(10);
    const run = async (backend: Backend): Promise<Float32Array> => {
      useBackend(backend);
      const m = model({ type: 'sgd', learningRate: 0.1 }, 0.5)();
      const x = { shape: [10, 2], values: set.x };
      for (let i = 0; i < 8; i++) await m.trainOnBatch(x, { shape: [10, 1], values: set.y });
      const w = Float32Array.from((await m.getWeights()).flatMap((t) => Array.from(t.values)));
      m.dispose();
      return w;
    };
    const actual = await run(gpu);
    const expected = await run(cpu);
    expect(zeros(actual).length).toBeGreaterThan(3);
    expect(zeros(actual)).toEqual(zeros(expected));
    expect(maxViolation(actual, expected)).toBeLessThan(1e-4);
  });
});
