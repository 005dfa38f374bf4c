// Every neuron of the playground network over a 200×200 grid of the input plane, read back to the host.
// Every engine evaluates the same weights, and the last grid's values are checked against a plain
// double-precision evaluation at a few points.
import * as tf from '@tensorflow/tfjs';
import { jit, type numpy as np, tree } from '@jax-js/jax';
import { evaluateGrid, getBackend } from '../../src/index';
import { volOf } from './convnet-train';
import { gridPoints, rng } from './data';
import { jaxArray } from './jax-train';
import { measure } from './measure';
import { convnetPlaygroundNet, jaxPlaygroundForward, ourPlaygroundModel, PLAYGROUND, playgroundParams, tfPlaygroundModel } from './mlp-playground';
import type { Budget, CellResult } from './types';
import type { Workload } from './workload';

export const GRID = 200;
const POINTS = GRID * GRID;
const SIZES = PLAYGROUND.sizes;
const NEURONS = SIZES.slice(1).reduce((s, u) => s + u, 0);

/** The playground's initial kernels with biases in ±0.2, so the check covers the biases too. */
function heatmapParams(): { values: Float32Array; shape: number[] }[] {
  const rand = rng(7);
  return playgroundParams(3).map((p) => (p.shape.length === 1 ? { ...p, values: p.values.map(() => (rand() * 2 - 1) * 0.2) } : p));
}
const PARAMS = heatmapParams();
const points = gridPoints(GRID);

/** Points checked: corners, centre and a few between. */
const PROBES = [0, GRID - 1, POINTS - GRID, POINTS - 1, (GRID / 2) * GRID + GRID / 2, 1234, 20_202, 33_333];
const TOLERANCE = 1e-4;

/** Neuron `neuron` (hidden layers first, then the output) at point `point`, in double precision. */
function reference(point: number): number[] {
  let h = [points[2 * point], points[2 * point + 1]];
  const out: number[] = [];
  for (let l = 0; l < SIZES.length - 1; l++) {
    const [kernel, bias] = [PARAMS[2 * l].values, PARAMS[2 * l + 1].values];
    const units = SIZES[l + 1];
    h = Array.from({ length: units }, (_, u) => Math.tanh(h.reduce((s, v, i) => s + v * kernel[i * units + u], bias[u])));
    out.push(...h);
  }
  return out;
}
const EXPECTED = PROBES.map(reference);

/** Compare the engine's last grid ([neuron, point] through `at`) with the reference; throws on a mismatch. */
function checkGrid(at: (neuron: number, point: number) => number): string {
  let worst = 0;
  PROBES.forEach((p, i) => {
    for (let n = 0; n < NEURONS; n++) {
      const d = Math.abs(at(n, p) - EXPECTED[i][n]);
      if (!(d <= TOLERANCE)) throw new Error(`heatmap: neuron ${n} at point ${p} is ${at(n, p)}, expected ${EXPECTED[i][n].toFixed(6)} (tolerance ${TOLERANCE})`);
      worst = Math.max(worst, d);
    }
  });
  return `all ${NEURONS} neurons at ${PROBES.length} points match a double-precision evaluation (largest difference ${worst.toExponential(1)})`;
}

/** Time `grid()` (one grid evaluated and read back per call), then check its last values. */
async function timeGrids(grid: () => Promise<void>, budget: Budget, at: (neuron: number, point: number) => number, how: string): Promise<CellResult> {
  const run = async (reps: number): Promise<void> => {
    for (let i = 0; i < reps; i++) await grid();
  };
  const m = await measure({ run, sync: async () => {} }, budget);
  return { value: m.perSecond, how: `${how}; ${m.reps} grids timed`, reps: m.reps, ms: m.ms, checked: checkGrid(at) };
}

export const heatmap: Workload = {
  id: 'heatmap',
  what: `all 25 neurons of 2→8→8→8→1 tanh over a ${GRID}×${GRID} grid, read back`,
  unit: 'grids/s',
  targets: [{ vs: 'tfjs_webgpu', min: 100 }],
  async tfjs(budget) {
    const model = tfPlaygroundModel();
    const weights = PARAMS.map((p) => tf.tensor(p.values, p.shape));
    model.setWeights(weights);
    tf.dispose(weights);
    // One model whose outputs are every layer's activations, evaluated in one batch of 40,000 points.
    const everyLayer = tf.model({ inputs: model.inputs, outputs: model.layers.map((l) => l.output as tf.SymbolicTensor) });
    const input = tf.tensor2d(points, [POINTS, 2]);
    let last: Float32Array[] = [];
    try {
      return await timeGrids(
        async () => {
          const outs = everyLayer.predictOnBatch(input) as tf.Tensor[];
          last = (await Promise.all(outs.map((o) => o.data()))) as Float32Array[];
          tf.dispose(outs);
        },
        budget,
        (n, p) => layerValue(last, n, p),
        'LayersModel with every layer as output, predictOnBatch, data() of each output',
      );
    } finally {
      input.dispose();
      model.dispose();
    }
  },
  async ours(budget) {
    const model = ourPlaygroundModel();
    model.setWeights(PARAMS);
    // The grid API of the playground: the same points as gridPoints (pixel centers of [−1, 1]², top row first).
    // The first (warm-up) call waits for the kernel generated for this architecture, which the playground
    // uses from its first second on.
    const gridLayers = model.layers.map((l) => ({ kernel: l.params[0].variable, bias: l.params[1].variable, activation: PLAYGROUND.activation }));
    // Read into one array, as the playground's views keep theirs (GridOptions.into): the peers have no
    // such option, and a fresh array costs them the allocation this spares.
    const into = new Float32Array(NEURONS * POINTS);
    try {
      const how = {
        webgpu: 'the kernel generated for the architecture and one readback',
        wasm: 'the WebAssembly SIMD grid kernel, one call',
        cpu: 'the CPU reference, layer by layer',
      }[getBackend()];
      return await timeGrids(
        async () => {
          await evaluateGrid(gridLayers, { n: GRID, range: [-1, 1], features: ['x', 'y'], waitForCompile: true, into });
        },
        budget,
        (n, p) => into[n * POINTS + p],
        `evaluateGrid (${how}) into one reused array`,
      );
    } finally {
      model.dispose();
    }
  },
  async jax(budget) {
    const params = PARAMS.map((p) => jaxArray(p.values, p.shape));
    const input = jaxArray(points, [POINTS, 2]);
    // Every layer's activations from one jit-compiled forward pass.
    const everyLayer = jit((p: np.Array[], x: np.Array): np.Array[] => {
      const outs: np.Array[] = [];
      let h = x;
      for (let i = 0; i < p.length; i += 2) {
        h = jaxPlaygroundForward([p[i], p[i + 1]], h);
        outs.push(h.ref);
      }
      h.dispose();
      return outs;
    });
    let last: Float32Array[] = [];
    try {
      return await timeGrids(
        async () => {
          const outs = everyLayer(tree.ref(params), input.ref);
          last = (await Promise.all(outs.map((o) => o.data()))) as Float32Array[];
        },
        budget,
        (n, p) => layerValue(last, n, p),
        'one jit-compiled forward returning every layer, data() of each',
      );
    } finally {
      everyLayer.dispose();
      tree.dispose([params, input]);
    }
  },
  async convnetjs(budget) {
    const net = convnetPlaygroundNet();
    net.layers
      .filter((l) => l.layer_type === 'fc')
      .forEach((l, i) => {
        const [kernel, bias] = [PARAMS[2 * i].values, PARAMS[2 * i + 1].values];
        const units = bias.length;
        l.filters!.forEach((f, u) => f.w.forEach((_, k) => (f.w[k] = kernel[k * units + u])));
        l.biases!.w.set(bias);
      });
    const activations = net.layers.filter((l) => l.layer_type === 'tanh');
    const inputs = Array.from({ length: POINTS }, (_, p) => volOf(points.subarray(2 * p, 2 * p + 2), [1, 1, 2]));
    const out = new Float32Array(NEURONS * POINTS);
    return timeGrids(
      async () => {
        for (let p = 0; p < POINTS; p++) {
          net.forward(inputs[p]);
          let n = 0;
          for (const a of activations) for (const v of a.out_act.w) out[n++ * POINTS + p] = v;
        }
      },
      budget,
      (n, p) => out[n * POINTS + p],
      'Net.forward per point, every tanh layer’s activations copied out',
    );
  },
};

/** Neuron `n` (counted over the layers in order) at point `p`, from per-layer [points, units] outputs. */
function layerValue(layers: Float32Array[], n: number, p: number): number {
  for (let l = 0; l < layers.length; l++) {
    const units = SIZES[l + 1];
    if (n < units) return layers[l][p * units + n];
    n -= units;
  }
  throw new Error(`heatmap: no neuron ${n}`);
}
