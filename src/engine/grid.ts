// Decision-boundary grids: every neuron of a dense MLP over an n×n grid of the input plane, the network's
// inputs being features of the point (x1, x2). Points are pixel centers, row-major, the first row at the
// top (x2 = high), as in src/app/grid.ts. The WebGPU backend runs one kernel generated for the architecture
// (src/engine/backend/webgpu/grid-shader.ts), the wasm backend one WebAssembly SIMD function
// (assembly/grid.ts); this file holds the CPU reference and the entry point that picks between them.
import type { TensorHandle } from './backend/backend';
import { activationFn } from './backend/cpu/elementwise';
import { gridSetup, type GridFeature, type GridLayer, type GridOptions } from './grid-layout';
import { activeBackend } from './registry';
import type { Tensor } from './tensor';

export { GRID_FEATURES, GRID_MAX_WIDTH, gridLayerShapes, gridSetup, type GridActivation, type GridFeature, type GridLayer, type GridOptions } from './grid-layout';

const FEATURE_FNS: Record<GridFeature, (x1: number, x2: number) => number> = {
  x: (x1) => x1,
  y: (_, x2) => x2,
  xSquared: (x1) => x1 * x1,
  ySquared: (_, x2) => x2 * x2,
  xTimesY: (x1, x2) => x1 * x2,
  sinX: (x1) => Math.sin(x1),
  sinY: (_, x2) => Math.sin(x2),
};

/** Points the CPU reference carries through the network together: its scratch stays small and in cache. */
const CPU_BLOCK = 1024;

/**
 * CPU reference: Float32Array [Σ units, n, n], hidden layers then the output, neuron by neuron (with
 * outputOnly, the output's alone). Layer by layer over a block of points at a time (each neuron's row of
 * the block at once), in double precision like a per-point evaluation.
 */
export function evaluateGridCpu(layers: GridLayer<Float32Array>[], options: GridOptions): Float32Array {
  const shapes = layers.map((l) => ({ inputs: l.kernel.length / Math.max(l.bias.length, 1), units: l.bias.length }));
  const { low, high, size } = gridSetup(options, shapes);
  const { n, features } = options;
  const points = n * n;
  const outputs = shapes[shapes.length - 1].units;
  const neurons = shapes.reduce((s, l) => s + l.units, 0);
  // With outputOnly, the hidden neurons are computed but not kept.
  const first = options.outputOnly ? neurons - outputs : 0;
  const out = options.into ?? new Float32Array(size);
  // Activations of the layer's inputs and of its units, [width, CPU_BLOCK] each.
  const widest = Math.max(features.length, ...shapes.map((l) => l.units));
  let a = new Float64Array(widest * CPU_BLOCK);
  let next = new Float64Array(widest * CPU_BLOCK);
  const cell = (high - low) / n;
  const featureFns = features.map((f) => FEATURE_FNS[f]);
  const acts = layers.map((layer) => (layer.activation === 'softmax' ? null : activationFn(layer.activation, 'evaluateGrid')));
  for (let start = 0; start < points; start += CPU_BLOCK) {
    const count = Math.min(CPU_BLOCK, points - start);
    featureFns.forEach((fn, k) => {
      for (let p = 0; p < count; p++) {
        const point = start + p;
        a[k * CPU_BLOCK + p] = fn(low + ((point % n) + 0.5) * cell, high - (Math.floor(point / n) + 0.5) * cell);
      }
    });
    let neuron = 0;
    layers.forEach((layer, li) => {
      const { inputs, units } = shapes[li];
      const act = acts[li];
      for (let j = 0; j < units; j++) {
        const row = next.subarray(j * CPU_BLOCK, j * CPU_BLOCK + count);
        row.fill(layer.bias[j]);
        for (let i = 0; i < inputs; i++) {
          const w = layer.kernel[i * units + j];
          const input = a.subarray(i * CPU_BLOCK, i * CPU_BLOCK + count);
          for (let p = 0; p < count; p++) row[p] += input[p] * w;
        }
        if (act) for (let p = 0; p < count; p++) row[p] = act(row[p]);
      }
      if (!act) softmaxColumns(next, units, count);
      for (let j = 0; j < units; j++) {
        if (neuron + j >= first) out.set(next.subarray(j * CPU_BLOCK, j * CPU_BLOCK + count), (neuron + j - first) * points + start);
      }
      neuron += units;
      [a, next] = [next, a];
    });
  }
  return out;
}

/** Softmax over the `units` rows of a block [units, CPU_BLOCK], point by point (each column), the maximum first. */
function softmaxColumns(block: Float64Array, units: number, count: number): void {
  for (let p = 0; p < count; p++) {
    let m = -Infinity;
    for (let j = 0; j < units; j++) m = Math.max(m, block[j * CPU_BLOCK + p]);
    let s = 0;
    for (let j = 0; j < units; j++) {
      const e = Math.exp(block[j * CPU_BLOCK + p] - m);
      block[j * CPU_BLOCK + p] = e;
      s += e;
    }
    for (let j = 0; j < units; j++) block[j * CPU_BLOCK + p] /= s;
  }
}

interface GridBackend {
  evaluateGrid(layers: GridLayer<TensorHandle>[], options: GridOptions): Promise<TensorHandle>;
}

function hasGridKernel(b: unknown): b is GridBackend {
  return typeof (b as Partial<GridBackend>).evaluateGrid === 'function';
}

/** A backend whose tensors live in host memory: its kernel writes the values straight into the result's array. */
interface HostGridBackend {
  evaluateGridValues(layers: GridLayer<TensorHandle>[], options: GridOptions): Float32Array;
}

function hasHostGridKernel(b: unknown): b is HostGridBackend {
  return typeof (b as Partial<HostGridBackend>).evaluateGridValues === 'function';
}

/**
 * Every neuron of the network over an n×n grid: [Σ units, n, n] values, hidden layers then the output
 * (in `options.into` when given). On WebGPU one kernel (compiled on the first call for an architecture)
 * and one readback; on the wasm backend one WebAssembly SIMD call; on the plain CPU backend the reference above.
 */
export async function evaluateGrid(layers: GridLayer<Tensor>[], options: GridOptions): Promise<Float32Array> {
  const backend = activeBackend();
  if (hasHostGridKernel(backend)) {
    return backend.evaluateGridValues(layers.map((l) => ({ kernel: l.kernel.handle, bias: l.bias.handle, activation: l.activation })), options);
  }
  if (hasGridKernel(backend)) {
    const out = await backend.evaluateGrid(layers.map((l) => ({ kernel: l.kernel.handle, bias: l.bias.handle, activation: l.activation })), options);
    try {
      return await backend.read(out, options.into);
    } finally {
      backend.dispose(out);
    }
  }
  const values = await Promise.all(layers.map(async (l) => ({ kernel: await l.kernel.data(), bias: await l.bias.data(), activation: l.activation })));
  return evaluateGridCpu(values, options);
}
