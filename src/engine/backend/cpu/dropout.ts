// Dropout mask from the counter-based hash, so the WebGPU kernel draws the very same mask.
import type { Shape } from '../backend';
import type { ArrayPool } from './array-pool';
import { hashUniform } from '../../random';
import { shapeSize } from '../../shape';
import { CpuTensor } from './cpu-tensor';

/** Element i is kept (1/(1−rate)) when hashUniform(seed, step, i) >= rate, compared in float32 as on the GPU. */
export function dropoutMask(pool: ArrayPool, shape: Shape, rate: number, seed: number, step: number): CpuTensor {
  if (!(rate >= 0 && rate < 1)) throw new Error(`dropoutMask: rate must be in [0, 1), got ${rate}`);
  if (!Number.isInteger(seed)) throw new Error(`dropoutMask: seed must be an integer, got ${seed}`);
  if (!Number.isInteger(step) || step < 0) throw new Error(`dropoutMask: step counter must hold a non-negative integer, got ${step}`);
  const size = shapeSize(shape);
  const threshold = Math.fround(rate);
  const keep = 1 / (1 - threshold);
  const out = pool.take(size);
  for (let i = 0; i < size; i++) out[i] = hashUniform(seed, step, i) >= threshold ? keep : 0;
  return new CpuTensor(shape.slice(), out);
}
