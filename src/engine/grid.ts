// Decision-boundary grids: every neuron of a dense MLP over an n×n grid of the input plane, the network's
// inputs being features of the point (x1, x2). Points are pixel centers, row-major, the first row at the
// top (x2 = high), as in src/app/grid.ts. The WebGPU backend runs one kernel generated for the architecture
// (src/engine/backend/webgpu/grid-shader.ts), the wasm backend one WebAssembly SIMD function
// (assembly/grid.ts); this file holds the CPU reference and the entry point that picks between them.
import type { ActivationKind, TensorHandle } from './backend/backend';
import { activationFn } from './backend/cpu/elementwise';
import { activeBackend } from './registry';
import { checkReadTarget } from './shape';
import type { Tensor } from './tensor';

/** Feature ids in the one order the network's inputs may take (TensorFlow Playground's URL keys). */
export const GRID_FEATURES = ['x', 'y', 'xSquared', 'ySquared', 'xTimesY', 'sinX', 'sinY'] as const;
export type GridFeature = (typeof GRID_FEATURES)[number];

const FEATURE_FNS: Record<GridFeature, (x1: number, x2: number) => number> = {
  x: (x1) => x1,
  y: (_, x2) => x2,
  xSquared: (x1) => x1 * x1,
  ySquared: (_, x2) => x2 * x2,
  xTimesY: (x1, x2) => x1 * x2,
  sinX: (x1) => Math.sin(x1),
  sinY: (_, x2) => Math.sin(x2),
};

export interface GridOptions {
  /** Points per side. */
  n: number;
  /** The plane's extent on both axes; default [−6, 6]. */
  range?: [number, number];
  /** Enabled features, in GRID_FEATURES order: the network's input columns. */
  features: readonly GridFeature[];
  /**
   * WebGPU: wait for the kernel generated for this architecture to compile (the first call; seconds on a
   * software adapter) rather than use the loop kernel meanwhile, as the default does so that a new
   * architecture never stalls the heatmaps. Same values either way.
   */
  waitForCompile?: boolean;
  /** Only the last layer's neurons (the decision boundary): [units, n, n], a fraction of the readback. */
  outputOnly?: boolean;
  /**
   * Write the values here (exactly as many as the result has) and return it, instead of a new array:
   * a view drawing every frame keeps its arrays. A fresh one of megabytes costs page faults every time
   * (4 MB, the benchmark's 200² grid of 25 neurons: about 3 ms in Chromium here, a quarter of the call).
   */
  into?: Float32Array;
}

/** A grid layer's activation: element-wise, or softmax over the layer's units (a multi-class output). */
export type GridActivation = ActivationKind | 'softmax';

/** A dense layer: kernel [inputs, units], bias [units]. */
export interface GridLayer<T> {
  kernel: T;
  bias: T;
  activation: GridActivation;
}

/** Largest layer (or feature count) the GPU kernel keeps in registers. */
export const GRID_MAX_WIDTH = 64;

/**
 * Each layer's inputs, units and activation from its tensors' shapes (kernel [inputs, units], bias [units]),
 * or an Error naming the layer; `activations` are the element-wise kinds the backend's kernel knows.
 */
export function gridLayerShapes(
  layers: GridLayer<{ shape: readonly number[] }>[],
  activations: readonly string[],
): { inputs: number; units: number; activation: GridActivation }[] {
  return layers.map((l, i) => {
    if (l.kernel.shape.length !== 2 || l.bias.shape.length !== 1 || l.bias.shape[0] !== l.kernel.shape[1]) {
      throw new Error(`evaluateGrid: layer ${i} needs kernel [inputs, units] and bias [units], got [${l.kernel.shape}] and [${l.bias.shape}]`);
    }
    if (l.activation !== 'softmax' && !activations.includes(l.activation)) {
      throw new Error(`evaluateGrid: layer ${i} has unknown activation "${l.activation}"; expected one of ${activations.join(', ')}, softmax`);
    }
    return { inputs: l.kernel.shape[0], units: l.kernel.shape[1], activation: l.activation };
  });
}

/** Validated options: the range, and the result's size (values). */
export function gridSetup(options: GridOptions, layerShapes: { inputs: number; units: number }[]): { low: number; high: number; size: number } {
  const { n, features } = options;
  const [low, high] = options.range ?? [-6, 6];
  if (!Number.isInteger(n) || n < 1) throw new Error(`evaluateGrid: n must be a positive integer, got ${n}`);
  if (!(high > low)) throw new Error(`evaluateGrid: range must be [low, high] with low < high, got [${low}, ${high}]`);
  let last = -1;
  for (const f of features) {
    const k = GRID_FEATURES.indexOf(f);
    if (k < 0) throw new Error(`evaluateGrid: unknown feature "${f}"; expected one of ${GRID_FEATURES.join(', ')}`);
    if (k <= last) throw new Error(`evaluateGrid: features must be distinct and in the order ${GRID_FEATURES.join(', ')}, got ${features.join(', ')}`);
    last = k;
  }
  let width = features.length;
  layerShapes.forEach((l, i) => {
    if (l.inputs !== width) throw new Error(`evaluateGrid: layer ${i} takes ${l.inputs} inputs, but receives ${width}`);
    if (l.units > GRID_MAX_WIDTH) throw new Error(`evaluateGrid: layer ${i} has ${l.units} units; at most ${GRID_MAX_WIDTH} are supported`);
    width = l.units;
  });
  if (features.length === 0) throw new Error('evaluateGrid: at least one feature is needed');
  const units = options.outputOnly ? layerShapes[layerShapes.length - 1].units : layerShapes.reduce((s, l) => s + l.units, 0);
  const size = units * n * n;
  if (options.into !== undefined) checkReadTarget(options.into, size, `evaluateGrid (${units} neurons × ${n}²)`);
  return { low, high, size };
}

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
