// The decision-boundary grid's inputs and options: the features, the layers, validation and the result's
// size, shared by every backend's grid (src/engine/grid.ts, the WebGPU and wasm kernels). Apart from
// grid.ts so that a backend can use them without the registry (a Web Worker bundle of the wasm backend
// alone must not pull in every backend).
import type { ActivationKind } from './backend/backend';
import { checkReadTarget } from './shape';

/** Feature ids in the one order the network's inputs may take (TensorFlow Playground's URL keys). */
export const GRID_FEATURES = ['x', 'y', 'xSquared', 'ySquared', 'xTimesY', 'sinX', 'sinY'] as const;
export type GridFeature = (typeof GRID_FEATURES)[number];

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
