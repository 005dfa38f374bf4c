// Square float32 matmul, n×n · n×n: raw kernel throughput (2n³ flops each). The last product is checked
// against dot products computed here. ConvNetJS has no matrix product.
import * as tf from '@tensorflow/tfjs';
import { blockUntilReady, numpy as np, tree } from '@jax-js/jax';
import { noGrad, ops, type Tensor } from '../../src/index';
import { randomMatrix, rng } from './data';
import { jaxArray } from './jax-train';
import { measure, type Repeatable } from './measure';
import { readOne } from './tfjs-train';
import type { Budget, CellResult } from './types';
import type { Workload } from './workload';

const gflop = (n: number): number => (2 * n ** 3) / 1e9;
const ENTRIES_CHECKED = 64;

function matmul(n: number): Workload {
  const a = randomMatrix(n, n, 3);
  const b = randomMatrix(n, n, 4);

  /** Compare sampled entries of `c` (row-major n×n) with float64 dot products. */
  function check(c: ArrayLike<number>): string {
    const rand = rng(n);
    let worst = 0;
    for (let k = 0; k < ENTRIES_CHECKED; k++) {
      const [i, j] = [Math.floor(rand() * n), Math.floor(rand() * n)];
      let dot = 0;
      for (let t = 0; t < n; t++) dot += a[i * n + t] * b[t * n + j];
      // Float32 accumulation of n products of values in [−1, 1]: a few ulps of √n-sized sums.
      const d = Math.abs(c[i * n + j] - dot);
      if (!(d <= 1e-5 * n)) throw new Error(`matmul-${n}: C[${i}][${j}] is ${c[i * n + j]}, expected ${dot.toFixed(5)}`);
      worst = Math.max(worst, d);
    }
    return `${ENTRIES_CHECKED} entries of the last product match float64 dot products (largest difference ${worst.toExponential(1)})`;
  }

  async function timed(work: Repeatable, budget: Budget, result: () => Promise<ArrayLike<number>>, how: string): Promise<CellResult> {
    const m = await measure(work, budget);
    return { value: m.perSecond * gflop(n), how: `${how}, ${m.chunk} per sync; ${m.reps} products timed`, reps: m.reps, ms: m.ms, checked: check(await result()) };
  }

  return {
    id: `matmul-${n}`,
    what: `${n}×${n} · ${n}×${n} float32`,
    unit: 'GFLOP/s',
    flopsPerUnit: 1e9,
    targets: [{ vs: 'tfjs_webgpu', min: 1 }],
    async tfjs(budget) {
      const [ta, tb] = [tf.tensor2d(a, [n, n]), tf.tensor2d(b, [n, n])];
      let last: tf.Tensor | undefined;
      try {
        const work: Repeatable = {
          run(reps) {
            for (let i = 0; i < reps; i++) {
              last?.dispose();
              last = tf.matMul(ta, tb);
            }
          },
          sync: () => readOne(last!),
        };
        return await timed(work, budget, () => last!.data(), 'tf.matMul');
      } finally {
        tf.dispose([ta, tb, ...(last ? [last] : [])]);
      }
    },
    async ours(budget) {
      const [ta, tb] = [ops.tensor(a, [n, n]), ops.tensor(b, [n, n])];
      let last: Tensor | undefined;
      try {
        const work: Repeatable = {
          run(reps) {
            for (let i = 0; i < reps; i++) {
              last?.dispose();
              last = noGrad(() => ops.matmul(ta, tb));
            }
          },
          async sync() {
            const one = ops.slice(ops.reshape(last!, [-1]), [0], [1]);
            await one.data();
            one.dispose();
          },
        };
        return await timed(work, budget, () => last!.data(), 'engine matmul op');
      } finally {
        for (const t of [ta, tb, last]) t?.dispose();
      }
    },
    async jax(budget) {
      const [ja, jb] = [jaxArray(a, [n, n]), jaxArray(b, [n, n])];
      // jax-js arrays are lazy: a product disposed before it is needed never runs. So a chunk keeps its
      // products and waits for all of them (blockUntilReady) before letting them go.
      let pending: np.Array[] = [];
      let last: np.Array | undefined;
      try {
        const work: Repeatable = {
          run(reps) {
            for (let i = 0; i < reps; i++) pending.push(np.matmul(ja.ref, jb.ref));
          },
          async sync() {
            await blockUntilReady(pending);
            last?.dispose();
            last = pending.pop();
            tree.dispose(pending);
            pending = [];
          },
        };
        return await timed(work, budget, () => last!.ref.data(), 'np.matmul, every product of a chunk awaited with blockUntilReady');
      } finally {
        tree.dispose([ja, jb, pending, ...(last ? [last] : [])]);
      }
    },
    unsupported: { convnetjs: 'ConvNetJS has no matrix product' },
  };
}

export const matmul512 = matmul(512);
export const matmul1024 = matmul(1024);
