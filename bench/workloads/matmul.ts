// Square float32 matmul, n×n · n×n: raw kernel throughput (2n³ flops each).
import * as tf from '@tensorflow/tfjs';
import { noGrad, ops, type Tensor } from '../../src/index';
import { randomMatrix } from './data';
import { measure } from './measure';
import { readOne } from './tfjs-train';
import type { Workload } from './workload';

const gflop = (n: number): number => (2 * n ** 3) / 1e9;

function matmul(n: number): Workload {
  return {
    id: `matmul-${n}`,
    what: `${n}×${n} · ${n}×${n} float32`,
    unit: 'GFLOP/s',
    targets: [{ vs: 'tfjs_webgpu', min: 1 }],
    async tfjs(budget) {
      const a = tf.tensor2d(randomMatrix(n, n, 3), [n, n]);
      const b = tf.tensor2d(randomMatrix(n, n, 4), [n, n]);
      let last: tf.Tensor | undefined;
      try {
        const m = await measure(
          {
            run(reps) {
              for (let i = 0; i < reps; i++) {
                last?.dispose();
                last = tf.matMul(a, b);
              }
            },
            sync: () => readOne(last!),
          },
          budget,
        );
        return { value: m.perSecond * gflop(n), how: `tf.matMul, ${m.chunk} per readback, ${m.reps} products` };
      } finally {
        tf.dispose([a, b, ...(last ? [last] : [])]);
      }
    },
    async ours(budget) {
      const a = ops.tensor(randomMatrix(n, n, 3), [n, n]);
      const b = ops.tensor(randomMatrix(n, n, 4), [n, n]);
      let last: Tensor | undefined;
      try {
        const m = await measure(
          {
            run(reps) {
              for (let i = 0; i < reps; i++) {
                last?.dispose();
                last = noGrad(() => ops.matmul(a, b));
              }
            },
            async sync() {
              const one = ops.slice(ops.reshape(last!, [-1]), [0], [1]);
              await one.data();
              one.dispose();
            },
          },
          budget,
        );
        return { value: m.perSecond * gflop(n), how: `engine matmul op, ${m.chunk} per readback, ${m.reps} products` };
      } finally {
        for (const t of [a, b, last]) t?.dispose();
      }
    },
  };
}

export const matmul512 = matmul(512);
export const matmul1024 = matmul(1024);
