// The wasm backend in Node against the CPU reference backend and ConvNetJS, engines interleaved round by
// round (the best round counts) so that load from other processes hits every engine alike.
//
//   npm run bench:wasm                                            plain SIMD (Node 20 has no relaxed SIMD)
//   node --experimental-wasm-relaxed-simd --import tsx bench/wasm-node.ts   the relaxed-FMA module
//
// The browser figures are the bench page's (npm run bench); this script is the quick check while working.
import convnetjs from 'convnetjs';
import { cpus } from 'node:os';
import { Sequential, layers, useBackend, type Backend } from '../src/index';
import { CpuBackend } from '../src/engine/backend/cpu/cpu-backend';
import { createWasmBackend } from '../src/engine/backend/wasm/wasm-backend';
import { compileTrainer, type Trainer } from '../src/engine/plan';
import { circleBatches, imageBatches, rng } from './workloads/data';

const ROUNDS = 3;
const ROUND_MS = 1500;

/** Units per second of `run(reps)` (each rep `units` units) over about `ms`, after a warm-up. */
function rate(run: (reps: number) => void, units: number, ms = ROUND_MS): number {
  run(1);
  let reps = 1;
  for (;;) {
    const start = performance.now();
    run(reps);
    const elapsed = performance.now() - start;
    if (elapsed > ms / 4) {
      let done = 0;
      const t0 = performance.now();
      while (performance.now() - t0 < ms) {
        run(reps);
        done += reps;
      }
      return (done * units) / ((performance.now() - t0) / 1000);
    }
    reps *= 2;
  }
}

type Engine = [name: string, setup: () => { run: (reps: number) => void; units: number; dispose?: () => void }];

function best(title: string, unit: string, engines: Engine[]): void {
  const rates = new Map<string, number>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, setup] of engines) {
      const e = setup();
      rates.set(name, Math.max(rates.get(name) ?? 0, rate(e.run, e.units)));
      e.dispose?.();
    }
  }
  console.log(`\n${title}`);
  for (const [name, r] of rates) console.log(`  ${name.padEnd(34)} ${r.toFixed(r < 100 ? 2 : 0).padStart(10)} ${unit}`);
}

function matmulEngine(backend: Backend, n: number): ReturnType<Engine[1]> {
  const r = rng(n);
  const a = backend.upload(Float32Array.from({ length: n * n }, r), [n, n]);
  const b = backend.upload(Float32Array.from({ length: n * n }, r), [n, n]);
  return {
    run: (reps) => {
      for (let i = 0; i < reps; i++) backend.dispose(backend.matmul(a, b, false, false));
    },
    units: (2 * n ** 3) / 1e9,
  };
}

/** Our engine through compileTrainer (fused on wasm for small dense networks, eager otherwise). */
function ourTrainer(backend: Backend, make: () => Sequential, x: Float32Array, xShape: number[], y: Float32Array, yShape: number[], batch: number, unitsPerStep: number) {
  return (): ReturnType<Engine[1]> => {
    useBackend(backend);
    const model = make();
    const { step, dense } = model.getTrainStep();
    const trainer: Trainer = compileTrainer({ step, dense, data: { x, xShape, y, yShape }, batchSize: batch });
    return { run: (reps) => trainer.run(reps), units: unitsPerStep, dispose: () => (trainer.dispose(), model.dispose()) };
  };
}

const joined = (parts: Float32Array[]): Float32Array => Float32Array.from(parts.flatMap((p) => Array.from(p)));

function playground(sizes: number[], activation: 'tanh') {
  return (): Sequential => {
    const model = new Sequential([layers.input({ shape: [sizes[0]] }), ...sizes.slice(1).map((units) => layers.dense({ units, activation }))], { seed: 1 });
    model.compile({ optimizer: { type: 'sgd', learningRate: 0.03 }, loss: 'mse' });
    return model;
  };
}

/** ConvNetJS's own Trainer on the same network: one step = `batch` train() calls (it updates per batch). */
function convnet(sizes: number[], x: Float32Array, y: Float32Array, batch: number): ReturnType<Engine[1]> {
  const net = new convnetjs.Net();
  net.makeLayers([
    { type: 'input', out_sx: 1, out_sy: 1, out_depth: sizes[0] },
    ...sizes.slice(1, -1).map((n) => ({ type: 'fc', num_neurons: n, activation: 'tanh' })),
    { type: 'regression', num_neurons: sizes[sizes.length - 1] },
  ]);
  const trainer = new convnetjs.Trainer(net, { method: 'sgd', learning_rate: 0.03, momentum: 0, batch_size: batch, l2_decay: 0 });
  const rows = y.length;
  const vol = new convnetjs.Vol(1, 1, sizes[0], 0);
  let at = 0;
  return {
    run: (reps) => {
      for (let s = 0; s < reps * batch; s++) {
        for (let j = 0; j < sizes[0]; j++) vol.w[j] = x[at * sizes[0] + j];
        trainer.train(vol, [y[at]]);
        at = (at + 1) % rows;
      }
    },
    units: 1,
  };
}

const cpu = new CpuBackend();
const wasm = await createWasmBackend();
// Worker threads on every core (Node's worker_threads; a browser page gets them when cross-origin isolated).
const wasmThreads = await createWasmBackend({ threads: cpus().length });
console.log(`wasm backend: ${wasm.description}; threaded: ${wasmThreads.description}`);

best('matmul 512², GFLOP/s', 'GFLOP/s', [
  ['ours wasm', () => matmulEngine(wasm, 512)],
  [`ours wasm, ${wasmThreads.kernels.threadCount} threads`, () => matmulEngine(wasmThreads, 512)],
  ['ours cpu (reference)', () => matmulEngine(cpu, 512)],
]);
best('matmul 1024², GFLOP/s', 'GFLOP/s', [
  ['ours wasm', () => matmulEngine(wasm, 1024)],
  [`ours wasm, ${wasmThreads.kernels.threadCount} threads`, () => matmulEngine(wasmThreads, 1024)],
]);

{
  const sizes = [2, 8, 8, 8, 1];
  const data = circleBatches(500, 10);
  const x = joined(data.x);
  const y = joined(data.y);
  best('mlp-playground 2→8→8→8→1 tanh, SGD, batch 10, steps/s', 'steps/s', [
    ['ours wasm (fused host step)', ourTrainer(wasm, playground(sizes, 'tanh'), x, [500, 2], y, [500, 1], 10, 1)],
    ['ours cpu (eager reference)', ourTrainer(cpu, playground(sizes, 'tanh'), x, [500, 2], y, [500, 1], 10, 1)],
    ['ConvNetJS Trainer', () => convnet(sizes, x, y, 10)],
  ]);
}

{
  const data = imageBatches(4, 128, 784, 10);
  const x = joined(data.x);
  const y = joined(data.y);
  const make = (): Sequential => {
    const model = new Sequential(
      [layers.input({ shape: [784] }), layers.dense({ units: 256, activation: 'relu' }), layers.dense({ units: 256, activation: 'relu' }), layers.dense({ units: 10, activation: 'softmax' })],
      { seed: 1 },
    );
    model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy' });
    return model;
  };
  best('mlp-mnist 784→256→256→10, Adam, batch 128, images/s', 'images/s', [
    ['ours wasm', ourTrainer(wasm, make, x, [512, 784], y, [512, 10], 128, 128)],
    [`ours wasm, ${wasmThreads.kernels.threadCount} threads`, ourTrainer(wasmThreads, make, x, [512, 784], y, [512, 10], 128, 128)],
    ['ours cpu (reference)', ourTrainer(cpu, make, x, [512, 784], y, [512, 10], 128, 128)],
  ]);
}

{
  const data = imageBatches(8, 32, 28 * 28, 10);
  const x = joined(data.x);
  const y = joined(data.y);
  const make = (): Sequential => {
    const model = new Sequential(
      [
        layers.input({ shape: [28, 28, 1] }),
        layers.conv2d({ filters: 16, kernelSize: 3, activation: 'relu' }),
        layers.maxPooling2d({ poolSize: 2 }),
        layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu' }),
        layers.maxPooling2d({ poolSize: 2 }),
        layers.flatten(),
        layers.dense({ units: 10, activation: 'softmax' }),
      ],
      { seed: 1 },
    );
    model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy' });
    return model;
  };
  best('cnn-mnist conv16-pool-conv32-pool-dense10, Adam, batch 32, images/s', 'images/s', [
    ['ours wasm (im2col + WASM GEMM)', ourTrainer(wasm, make, x, [256, 28, 28, 1], y, [256, 10], 32, 32)],
    ['ours cpu (reference)', ourTrainer(cpu, make, x, [256, 28, 28, 1], y, [256, 10], 32, 32)],
  ]);
}
