// The fused host dense step (wasm backend): compileTrainer runs it for dense networks, and it gives the
// weights and loss the eager CPU reference's steps give, creating no tensor and calling no kernel per step.
import { getHeapStatistics } from 'node:v8';
import { PerformanceObserver } from 'node:perf_hooks';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { Sequential, layers, useBackend } from '../../../src/index';
import type { OptimizerSpec } from '../../../src/index';
import type { Backend } from '../../../src/engine/backend/backend';
import { CpuBackend } from '../../../src/engine/backend/cpu/cpu-backend';
import { createWasmBackend } from '../../../src/engine/backend/wasm/wasm-backend';
import { HOST_DENSE_STEP_MAX_MACS } from '../../../src/engine/backend/wasm/dense-step';
import { compileTrainer, type TrainerData, type TrainerPath } from '../../../src/engine/plan';
import { maxViolation, randomValues } from '../../gpu/compare';

const cpu = new CpuBackend();
const wasm = await createWasmBackend();
afterAll(() => useBackend(new CpuBackend()));

const playgroundData = (rows: number, classes: boolean): TrainerData => {
  const x = randomValues(rows * 2, 5, 6);
  const y = Float32Array.from({ length: rows }, (_, i) => (x[2 * i] * x[2 * i + 1] > 0 ? 1 : classes ? 0 : -1));
  return { x, xShape: [rows, 2], y, yShape: [rows, 1] };
};

function dense(optimizer: OptimizerSpec, loss: string, acts: string[], extra: { l1?: number; l2?: number; clipAtZero?: boolean; useBias?: boolean; units?: number } = {}): () => Sequential {
  return () => {
    const reg = extra.l1 || extra.l2 ? { l1: extra.l1, l2: extra.l2, ...(extra.clipAtZero && { clipAtZero: true }) } : undefined;
    const model = new Sequential(
      [
        layers.input({ shape: [2] }),
        ...acts.map((activation, i) =>
          layers.dense({
            units: i === acts.length - 1 ? 1 : (extra.units ?? 5) + i,
            activation: activation as 'tanh',
            kernelRegularizer: reg,
            biasRegularizer: i === 0 ? reg : undefined,
            useBias: i === 1 ? extra.useBias : undefined,
          }),
        ),
      ],
      { seed: 5 },
    );
    model.compile({ optimizer, loss });
    return model;
  };
}

/** Train with `make()` on `backend` in the given chunks; the final weights (flattened) and the last loss. */
async function train(backend: Backend, make: () => Sequential, data: TrainerData, batchSize: number, chunks: number[], path: TrainerPath) {
  useBackend(backend);
  const model = make();
  const { step, dense: spec } = model.getTrainStep();
  const trainer = compileTrainer({ step, dense: spec, data, batchSize });
  expect(trainer.path).toBe(path);
  for (const k of chunks) trainer.run(k);
  const loss = await trainer.latestLoss();
  const weights = await model.getWeights();
  trainer.dispose();
  model.dispose();
  return { weights: Float32Array.from(weights.flatMap((w) => Array.from(w.values))), loss };
}

describe('fused dense step on the wasm backend', () => {
  const cases: [string, () => Sequential, TrainerData, number][] = [
    ['SGD, MSE, tanh (the playground)', dense({ type: 'sgd', learningRate: 0.03 }, 'mse', ['tanh', 'tanh', 'tanh', 'tanh']), playgroundData(50, false), 10],
    ['SGD with Nesterov momentum, MAE, relu/linear', dense({ type: 'sgd', learningRate: 0.05, momentum: 0.9, nesterov: true }, 'mae', ['relu', 'relu', 'linear']), playgroundData(37, false), 6],
    ['Adam, binary crossentropy from logits (sigmoid output), elu/swish, L1 and L2', dense({ type: 'adam', learningRate: 0.02 }, 'binary_crossentropy', ['elu', 'swish', 'sigmoid'], { l1: 0.001, l2: 0.01 }), playgroundData(53, true), 7],
    ['RMSprop, Huber, leaky relu/softplus, a layer without bias', dense('rmsprop', 'huber', ['leaky_relu', 'softplus', 'tanh'], { useBias: false }), playgroundData(40, false), 16],
    ['Adagrad, MSE, sigmoid, batch larger than the set', dense({ type: 'adagrad', learningRate: 0.1 }, 'mse', ['sigmoid', 'linear']), playgroundData(9, false), 12],
    ['Adam, MSE, layers of 12 and 13, batch 30', dense({ type: 'adam', learningRate: 0.01 }, 'mse', ['relu', 'tanh', 'linear'], { units: 12, l2: 0.001 }), playgroundData(70, false), 30],
  ];
  // Four classes in the plane's quadrants, one-hot targets: a multi-class playground (softmax output).
  const quadrants = (rows: number): TrainerData => {
    const x = randomValues(rows * 2, 7, 6);
    const y = new Float32Array(rows * 4);
    for (let i = 0; i < rows; i++) y[i * 4 + (x[2 * i] > 0 ? 1 : 0) + (x[2 * i + 1] > 0 ? 2 : 0)] = 1;
    return { x, xShape: [rows, 2], y, yShape: [rows, 4] };
  };
  const softmaxModel = (loss: string) => (): Sequential => {
    const model = new Sequential([layers.input({ shape: [2] }), layers.dense({ units: 8, activation: 'tanh' }), layers.dense({ units: 4, activation: 'softmax' })], { seed: 3 });
    model.compile({ optimizer: { type: 'adam', learningRate: 0.02 }, loss });
    return model;
  };
  cases.push(['Adam, softmax with categorical crossentropy (the multi-class playground)', softmaxModel('categorical_crossentropy'), quadrants(45), 10]);

  // TensorFlow Playground's L1 (clipAtZero): weights die at 0 and stay there, as on the CPU reference.
  const clipped = dense({ type: 'sgd', learningRate: 0.1 }, 'mse', ['tanh', 'tanh', 'tanh'], { l1: 0.5, clipAtZero: true });
  cases.push(['SGD, MSE, L1 with zero crossings clipped (TensorFlow Playground)', clipped, playgroundData(50, false), 10]);
  cases.push(['Adam, MSE, L1 with zero crossings clipped', dense({ type: 'adam', learningRate: 0.05 }, 'mse', ['tanh', 'relu', 'tanh'], { l1: 0.2, clipAtZero: true }), playgroundData(40, false), 8]);

  it('L1 with zero crossings clipped: weights die (exactly 0) and stay 0 over later steps, fused as on the CPU', async () => {
    const data = playgroundData(50, false);
    const after = async (backend: Backend, steps: number, path: TrainerPath) => (await train(backend, clipped, data, 10, [steps], path)).weights;
    const early = await after(wasm, 6, 'fused');
    const dead = [...early.keys()].filter((i) => early[i] === 0);
    expect(dead.length).toBeGreaterThan(3);
    const late = await after(wasm, 20, 'fused');
    for (const i of dead) expect(late[i]).toBe(0);
    expect(maxViolation(late, await after(cpu, 20, 'eager'))).toBe(0);
  });

  it('runs softmax with a loss it does not fuse op by op, with the eager weights', async () => {
    const expected = await train(cpu, softmaxModel('mse'), quadrants(30), 10, [6], 'eager');
    const actual = await train(wasm, softmaxModel('mse'), quadrants(30), 10, [2, 4], 'eager');
    expect(maxViolation(actual.weights, expected.weights)).toBeLessThan(1e-6);
  });

  for (const [name, make, data, batch] of cases) {
    it(`${name}: the eager CPU weights and loss`, async () => {
      const expected = await train(cpu, make, data, batch, [10], 'eager');
      const actual = await train(wasm, make, data, batch, [1, 4, 5], 'fused');
      expect(maxViolation(actual.weights, expected.weights)).toBe(0);
      expect(maxViolation(Float32Array.of(actual.loss), Float32Array.of(expected.loss))).toBe(0);
    });
  }

  it(`past ${HOST_DENSE_STEP_MAX_MACS} multiply-adds a pass, steps run op by op on the WebAssembly matmuls: the eager CPU weights`, async () => {
    const make = dense({ type: 'adam', learningRate: 0.01 }, 'mse', ['relu', 'tanh', 'linear'], { units: 32, l2: 0.001 });
    const data = playgroundData(70, false);
    const expected = await train(cpu, make, data, 30, [10], 'eager');
    useBackend(wasm);
    const model = make();
    const { step, dense: spec } = model.getTrainStep();
    const trainer = compileTrainer({ step, dense: spec, data, batchSize: 30 });
    expect(trainer.unfusedReason).toMatch(/34590 multiply-adds per pass exceed 8192/);
    model.dispose();
    const actual = await train(wasm, make, data, 30, [3, 7], 'eager');
    expect(maxViolation(actual.weights, expected.weights)).toBe(0);
  });

  it('a step calls no backend kernel and creates no tensor after it is compiled', () => {
    useBackend(wasm);
    const model = dense({ type: 'adam', learningRate: 0.01 }, 'mse', ['tanh', 'tanh', 'tanh'])();
    const { step, dense: spec } = model.getTrainStep();
    const trainer = compileTrainer({ step, dense: spec, data: playgroundData(50, false), batchSize: 10 });
    trainer.run(3);
    // Every Backend method (upload, fill, matmul, …): none may run, so no tensor is made.
    const methods = Object.getOwnPropertyNames(CpuBackend.prototype).filter((k) => k !== 'constructor');
    const spies = methods.map((k) => vi.spyOn(wasm as unknown as Record<string, () => unknown>, k));
    try {
      trainer.run(100);
      for (const s of spies) expect(s).not.toHaveBeenCalled();
    } finally {
      for (const s of spies) s.mockRestore();
      trainer.dispose();
      model.dispose();
    }
  });

  it('a step allocates nothing after warm-up: the heap does not grow and no garbage collection runs', async () => {
    useBackend(wasm);
    for (const optimizer of ['sgd', 'adam'] as const) {
      const model = dense(optimizer, 'binary_crossentropy', ['tanh', 'relu', 'sigmoid'], { l2: 0.001 })();
      const { step, dense: spec } = model.getTrainStep();
      const trainer = compileTrainer({ step, dense: spec, data: playgroundData(50, true), batchSize: 10 });
      trainer.run(20_000); // warm-up: every function optimized
      // Synchronous steps, so nothing else runs on this thread: without a collection the heap grows by
      // what the steps allocate (a boxed number each step would be 320 KB here). The engine's own background
      // work (a late optimization, the test runner's messages) can grow the heap or set off a collection
      // once, so a window counts if it is clean, out of three; steps that allocate spoil every window, by
      // growth or by the collections they cause.
      const windows: { collections: number; grownOver64KB: boolean }[] = [];
      const clean = (w: { collections: number; grownOver64KB: boolean } | undefined): boolean => w?.collections === 0 && !w.grownOver64KB;
      for (let attempt = 0; attempt < 3 && !clean(windows.at(-1)); attempt++) {
        let collections = 0;
        const observer = new PerformanceObserver((list) => (collections += list.getEntries().length));
        observer.observe({ entryTypes: ['gc'] });
        const before = getHeapStatistics().used_heap_size;
        trainer.run(20_000);
        const grown = getHeapStatistics().used_heap_size - before;
        await new Promise((resolve) => setTimeout(resolve, 50));
        observer.disconnect();
        windows.push({ collections, grownOver64KB: grown > 65536 });
      }
      expect({ optimizer, ...windows.at(-1) }).toEqual({ optimizer, collections: 0, grownOver64KB: false });
      trainer.dispose();
      model.dispose();
    }
  });
});
