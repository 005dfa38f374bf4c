// The wasm backend's decision-boundary grid: one call of the WebAssembly SIMD kernel of assembly/grid.ts
// computes every neuron at every point, block by block of points, straight into linear memory; the host
// writes the weights and the feature tables in and copies the values out once.
import type { ActivationKind } from '../backend';
import { gridLayerShapes, gridSetup, type GridActivation, type GridFeature, type GridLayer, type GridOptions } from '../../grid-layout';
import type { CpuTensor } from '../cpu/cpu-tensor';
import type { WasmKernels } from './wasm-kernels';

/** The kernel's activation codes (the constants at the top of assembly/grid.ts). */
export const GRID_ACTIVATION_CODES: Record<GridActivation, number> = {
  linear: 0, relu: 1, leaky_relu: 2, elu: 3, sigmoid: 4, tanh: 5, softplus: 6, swish: 7, step: 8, softmax: 9,
};
const ELEMENTWISE = Object.keys(GRID_ACTIVATION_CODES).filter((k) => k !== 'softmax') as ActivationKind[];

/**
 * Each feature as the product of a factor of the point's column (x₁) and one of its row (x₂), the form
 * the kernel takes its input columns in. In double precision, rounded once to f32, as the reference has them.
 */
const FEATURE_FACTORS: Record<GridFeature, [(x1: number) => number, (x2: number) => number]> = {
  x: [(x1) => x1, () => 1],
  y: [() => 1, (x2) => x2],
  xSquared: [(x1) => x1 * x1, () => 1],
  ySquared: [() => 1, (x2) => x2 * x2],
  xTimesY: [(x1) => x1, (x2) => x2],
  sinX: [(x1) => Math.sin(x1), () => 1],
  sinY: [() => 1, (x2) => Math.sin(x2)],
};

/** [Σ units, n, n] (or the output's alone): evaluateGridCpu's values, to 1e-4, from one kernel call. */
export function evaluateGridWasm(kernels: WasmKernels, layers: GridLayer<CpuTensor>[], options: GridOptions): Float32Array {
  const shapes = gridLayerShapes(layers, ELEMENTWISE);
  const { low, high, size } = gridSetup(options, shapes);
  const { n, features } = options;
  const neurons = shapes.reduce((s, l) => s + l.units, 0);
  const firstKept = options.outputOnly ? neurons - shapes[shapes.length - 1].units : 0;
  const weightCount = layers.reduce((s, l) => s + l.kernel.size + l.bias.size, 0);
  const ex = kernels.exports;
  const [tableAt, axesAt, weightsAt, scratchAt, outAt] = kernels.regions(4 * layers.length, 2 * features.length * n, weightCount, ex.gridScratchBytes() / 4, size);
  const heap = kernels.heap;

  // Pixel centers, the first row at the top (as evaluateGridCpu).
  const cell = (high - low) / n;
  features.forEach((f, k) => {
    const [byColumn, byRow] = FEATURE_FACTORS[f];
    const at = (axesAt >> 2) + 2 * k * n;
    for (let i = 0; i < n; i++) {
      heap[at + i] = byColumn(low + (i + 0.5) * cell);
      heap[at + n + i] = byRow(high - (i + 0.5) * cell);
    }
  });
  const table = new Int32Array(heap.buffer, tableAt, 4 * layers.length);
  let w = weightsAt;
  shapes.forEach((l, i) => {
    table.set([l.inputs, l.units, GRID_ACTIVATION_CODES[l.activation], w], 4 * i);
    kernels.write(w, layers[i].kernel.data);
    kernels.write(w + 4 * layers[i].kernel.size, layers[i].bias.data);
    w += 4 * (layers[i].kernel.size + layers[i].bias.size);
  });

  ex.evaluateGrid(tableAt, layers.length, axesAt, features.length, n, outAt, firstKept, scratchAt);
  if (!options.into) return kernels.read(outAt, size);
  options.into.set(kernels.heap.subarray(outAt >> 2, (outAt >> 2) + size));
  return options.into;
}
