// A Web Worker (no DOM) running the wasm backend: the kernels Chromium compiles (relaxed SIMD where it
// has it) against the CPU backend, the fused dense step against eager CPU steps, and a matmul 512² rate.
import type { Backend, TensorHandle } from '../../../src/engine/backend/backend';
import { CpuBackend } from '../../../src/engine/backend/cpu/cpu-backend';
import { createWasmBackend } from '../../../src/engine/backend/wasm/wasm-backend';
import { compileTrainer } from '../../../src/engine/plan';
import { layers, Sequential, useBackend } from '../../../src/index';
import { maxViolation, randomValues } from '../../gpu/compare';

export interface WasmWorkerReport {
  description: string;
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
  threads: number;
  hasDocument: boolean;
  results: { name: string; violation: number }[];
  /** Reported, not asserted: performance claims are benchmarks. */
  matmul512GflopS: number;
}

type Case = [string, (b: Backend) => TensorHandle];
const m = (b: Backend, rows: number, cols: number, seed: number): TensorHandle => b.upload(randomValues(rows * cols, seed), [rows, cols]);
const cases: Case[] = [
  ['matmul 70×300·300×270 (crosses both cache blocks; split by columns on threads)', (b) => b.matmul(m(b, 70, 300, 1), m(b, 300, 270, 2), false, false)],
  ['matmul 301×97·97×70 (split by rows on threads, ragged last block)', (b) => b.matmul(m(b, 301, 97, 12), m(b, 97, 70, 13), false, false)],
  ['matmul 33×65ᵀ·31×65ᵀ + bias, tanh', (b) => b.matmul(m(b, 65, 33, 3), m(b, 31, 65, 4), true, true, b.upload(randomValues(31, 5), [31]), 'tanh')],
  ['conv2d 3×3 same', (b) => b.conv2d(b.upload(randomValues(2 * 9 * 9 * 3, 6), [2, 9, 9, 3]), b.upload(randomValues(3 * 3 * 3 * 4, 7), [3, 3, 3, 4]), { strides: [1, 1], padding: 'same' })],
  ['conv2d filter gradient', (b) => b.conv2dBackpropFilter(b.upload(randomValues(2 * 8 * 8 * 2, 8), [2, 8, 8, 2]), b.upload(randomValues(2 * 8 * 8 * 5, 9), [2, 8, 8, 5]), [3, 3, 2, 5], { strides: [1, 1], padding: 'same' })],
];

function playgroundModel(): Sequential {
  const model = new Sequential([layers.input({ shape: [2] }), layers.dense({ units: 8, activation: 'tanh' }), layers.dense({ units: 8, activation: 'tanh' }), layers.dense({ units: 1, activation: 'tanh' })], { seed: 3 });
  model.compile({ optimizer: 'adam', loss: 'mse' });
  return model;
}

async function trainedWeights(backend: Backend): Promise<Float32Array> {
  useBackend(backend);
  const model = playgroundModel();
  const { step, dense } = model.getTrainStep();
  const x = randomValues(80, 11, 3);
  const y = Float32Array.from({ length: 40 }, (_, i) => (x[2 * i] * x[2 * i + 1] > 0 ? 1 : -1));
  const trainer = compileTrainer({ step, dense, data: { x, xShape: [40, 2], y, yShape: [40, 1] }, batchSize: 10 });
  if (trainer.path !== (backend.name === 'wasm' ? 'fused' : 'eager')) throw new Error(`unexpected trainer path ${trainer.path} on ${backend.name}`);
  trainer.run(25);
  const weights = await model.getWeights();
  model.dispose();
  return Float32Array.from(weights.flatMap((w) => Array.from(w.values)));
}

async function report(): Promise<WasmWorkerReport> {
  const wasm = await createWasmBackend();
  const cpu = new CpuBackend();
  const results = [];
  for (const [name, run] of cases) {
    results.push({ name, violation: maxViolation(await wasm.read(run(wasm)), await cpu.read(run(cpu))) });
  }
  results.push({ name: 'fused dense step, 25 Adam steps', violation: maxViolation(await trainedWeights(wasm), await trainedWeights(cpu)) });

  const n = 512;
  const a = m(wasm, n, n, 20);
  const b = m(wasm, n, n, 21);
  for (let i = 0; i < 3; i++) wasm.matmul(a, b, false, false);
  const reps = 20;
  const start = performance.now();
  for (let i = 0; i < reps; i++) wasm.matmul(a, b, false, false);
  const seconds = (performance.now() - start) / 1000;
  return { description: wasm.description, crossOriginIsolated, hardwareConcurrency: navigator.hardwareConcurrency, threads: wasm.kernels.threadCount, hasDocument: 'document' in globalThis, results, matmul512GflopS: (2 * n ** 3 * reps) / seconds / 1e9 };
}

report().then(
  (r) => postMessage(r),
  (e: unknown) => postMessage({ error: e instanceof Error ? `${e.message}\n${e.stack}` : String(e) }),
);
