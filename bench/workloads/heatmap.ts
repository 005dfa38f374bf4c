// Every neuron of the playground network over a 200×200 grid of the input plane, read back to the host.
import * as tf from '@tensorflow/tfjs';
import { evaluateGrid } from '../../src/engine/grid';
import { getBackend } from '../../src/index';
import { gridPoints } from './data';
import { measure } from './measure';
import { ourPlaygroundModel, PLAYGROUND, tfPlaygroundModel } from './mlp-playground';
import type { Workload } from './workload';

export const GRID = 200;

export const heatmap: Workload = {
  id: 'heatmap',
  what: `all 25 neurons of 2→8→8→8→1 tanh over a ${GRID}×${GRID} grid, read back`,
  unit: 'grids/s',
  targets: [{ vs: 'tfjs_webgpu', min: 100 }],
  async tfjs(budget) {
    const model = tfPlaygroundModel();
    // One model whose outputs are every layer's activations, evaluated in one batch of 40,000 points.
    const everyLayer = tf.model({ inputs: model.inputs, outputs: model.layers.map((l) => l.output as tf.SymbolicTensor) });
    const points = tf.tensor2d(gridPoints(GRID), [GRID * GRID, 2]);
    try {
      const m = await measure(
        {
          async run(reps) {
            for (let i = 0; i < reps; i++) {
              const outs = everyLayer.predict(points, { batchSize: GRID * GRID }) as tf.Tensor[];
              await Promise.all(outs.map((o) => o.data()));
              tf.dispose(outs);
            }
          },
          sync: async () => {},
        },
        budget,
      );
      return { value: m.perSecond, how: `LayersModel with every layer as output, predict(batchSize ${GRID * GRID}), data() of each output; ${m.reps} grids` };
    } finally {
      points.dispose();
      model.dispose();
    }
  },
  async ours(budget) {
    const model = ourPlaygroundModel();
    model.summary(); // Sequential creates its weights lazily; this builds them.
    // The grid API of the playground: the same points as gridPoints (pixel centers of [−1, 1]², top row first).
    // The first (warm-up) call waits for the kernel generated for this architecture, which the playground
    // uses from its first second on.
    const gridLayers = model.layers.map((l) => ({ kernel: l.params[0].variable, bias: l.params[1].variable, activation: PLAYGROUND.activation }));
    // Read into one array, as the playground's views keep theirs (GridOptions.into): TensorFlow.js has no
    // such option, and its data() costs it the fresh allocation this spares.
    const neurons = PLAYGROUND.sizes.slice(1).reduce((s, u) => s + u, 0);
    const into = new Float32Array(neurons * GRID * GRID);
    try {
      const m = await measure(
        {
          async run(reps) {
            for (let i = 0; i < reps; i++) await evaluateGrid(gridLayers, { n: GRID, range: [-1, 1], features: ['x', 'y'], waitForCompile: true, into });
          },
          sync: async () => {},
        },
        budget,
      );
      const how = getBackend() === 'webgpu' ? 'the kernel generated for the architecture and one readback' : 'the CPU reference, layer by layer';
      return { value: m.perSecond, how: `evaluateGrid (src/engine/grid.ts; ${how}) into one reused array; ${m.reps} grids` };
    } finally {
      model.dispose();
    }
  },
};
