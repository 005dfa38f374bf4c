// Browser side of test/e2e/gpu-kernels.test.ts: the shaders come through Vite's `?raw` bundle and the
// device through navigator.gpu. Publishes { adapter, results } on window.__gpuKernels.
import type { Backend, TensorHandle } from '../../../src/engine/backend/backend';
import { CpuBackend } from '../../../src/engine/backend/cpu/cpu-backend';
import { WebGPUBackend } from '../../../src/engine/backend/webgpu/webgpu-backend';
import { evaluateGridCpu } from '../../../src/engine/grid';
import { compileTrainer } from '../../../src/engine/plan';
import { layers, Sequential, useBackend } from '../../../src/index';
import { maxViolation, randomValues } from '../../gpu/compare';

interface KernelResult {
  name: string;
  /** 0 when every element is within 1e-4 relative of the CPU value. */
  violation: number;
}

declare global {
  interface Window {
    __gpuKernels?: { adapter: string; results: KernelResult[] } | { error: string };
  }
}

type Case = [string, (b: Backend) => TensorHandle];

const cases: Case[] = [
  ['matmul 33×65·65×31 + bias, tanh', (b) => b.matmul(b.upload(randomValues(33 * 65, 1), [33, 65]), b.upload(randomValues(65 * 31, 2), [65, 31]), false, false, b.upload(randomValues(31, 3), [31]), 'tanh')],
  ['matmul 130×70ᵀ blocked', (b) => b.matmul(b.upload(randomValues(70 * 130, 4), [70, 130]), b.upload(randomValues(70 * 90, 5), [90, 70]), true, true)],
  ['conv2d same', (b) => b.conv2d(b.upload(randomValues(2 * 9 * 9 * 3, 6), [2, 9, 9, 3]), b.upload(randomValues(3 * 3 * 3 * 4, 7), [3, 3, 3, 4]), { strides: [1, 1], padding: 'same' })],
  ['max pooling backward', (b) => {
    const x = b.upload(randomValues(2 * 6 * 6 * 2, 8), [2, 6, 6, 2]);
    const info = { type: 'max' as const, poolSize: [2, 2] as [number, number], strides: [2, 2] as [number, number], padding: 'valid' as const };
    return b.pool2dBackward(b.upload(randomValues(2 * 3 * 3 * 2, 9), [2, 3, 3, 2]), x, info);
  }],
  ['softmax crossentropy gradient', (b) => b.lossWithGrad({ kind: 'categorical_crossentropy', fromLogits: true }, b.upload(randomValues(40, 10, 3), [8, 5]), b.upload(Float32Array.from({ length: 40 }, (_, i) => (i % 5 === (i / 5) % 5 ? 1 : 0)), [8, 5])).grad],
  ['reduce sum over a long axis', (b) => b.reduce('sum', b.upload(randomValues(500 * 3, 11), [500, 3]), [0], false)],
  ['dropout mask', (b) => b.dropoutMask([1000], 0.4, 99, b.createCounter(17))],
];

/** Weights after 12 steps of a small dense network through compileTrainer (the fused step on WebGPU). */
async function denseTraining(backend: Backend): Promise<Float32Array> {
  useBackend(backend);
  const model = new Sequential([layers.input({ shape: [2] }), layers.dense({ units: 6, activation: 'tanh' }), layers.dense({ units: 1, activation: 'tanh' })], { seed: 3 });
  model.compile({ optimizer: { type: 'adam', learningRate: 0.02 }, loss: 'mse' });
  const x = randomValues(60, 30, 3);
  const y = Float32Array.from({ length: 30 }, (_, i) => (x[2 * i] * x[2 * i + 1] > 0 ? 1 : -1));
  const { step, dense } = model.getTrainStep();
  const trainer = compileTrainer({ step, dense, data: { x, xShape: [30, 2], y, yShape: [30, 1] }, batchSize: 8 });
  if (backend.name === 'webgpu' && trainer.path !== 'fused') throw new Error(`the dense network did not fuse: ${trainer.unfusedReason}`);
  trainer.run(12);
  const weights = await model.getWeights();
  trainer.dispose();
  model.dispose();
  return Float32Array.from(weights.flatMap((w) => Array.from(w.values)));
}

async function run(): Promise<void> {
  const cpu = new CpuBackend();
  const gpu = await WebGPUBackend.create();
  const results: KernelResult[] = [];
  for (const [name, f] of cases) {
    const [expected, actual] = await Promise.all([cpu.read(f(cpu)), gpu.read(f(gpu))]);
    results.push({ name, violation: maxViolation(actual, expected) });
  }
  const layer = (inputs: number, units: number, seed: number) => ({ kernel: randomValues(inputs * units, seed), bias: randomValues(units, seed + 1), activation: 'tanh' as const });
  const layers = [layer(3, 8, 20), layer(8, 1, 22)];
  const options = { n: 50, features: ['x', 'y', 'sinX'] as const };
  const expectedGrid = evaluateGridCpu(layers, { ...options, features: [...options.features] });
  // The first call answers from the loop kernel while the generated one compiles; the second waits for it.
  for (const waitForCompile of [false, true]) {
    const grid = await gpu.evaluateGrid(
      layers.map((l) => ({ kernel: gpu.upload(l.kernel, [l.kernel.length / l.bias.length, l.bias.length]), bias: gpu.upload(l.bias, [l.bias.length]), activation: l.activation })),
      { ...options, features: [...options.features], waitForCompile },
    );
    results.push({ name: `grid 50×50${waitForCompile ? ', generated kernel' : ''}`, violation: maxViolation(await gpu.read(grid), expectedGrid) });
  }
  results.push({ name: 'fused dense training step, 12 steps', violation: maxViolation(await denseTraining(gpu), await denseTraining(cpu)) });
  window.__gpuKernels = { adapter: gpu.description, results };
  document.getElementById('log')!.textContent = JSON.stringify(window.__gpuKernels, null, 2);
}

run().catch((e: unknown) => {
  window.__gpuKernels = { error: e instanceof Error ? e.message : String(e) };
});
