// Reductions (sum, mean, max) over a sorted list of axes.
import type { ReduceOp } from '../backend';
import { shapeSize, stridesOf } from '../../shape';
import { CpuTensor, fmt } from './cpu-tensor';

export function reduce(op: ReduceOp, x: CpuTensor, axes: number[], keepDims: boolean): CpuTensor {
  const rank = x.shape.length;
  for (let i = 0; i < axes.length; i++) {
    if (!Number.isInteger(axes[i]) || axes[i] < 0 || axes[i] >= rank || (i > 0 && axes[i] <= axes[i - 1])) {
      throw new Error(`reduce ${op}: axes [${axes.join(', ')}] must be sorted, unique and within rank ${rank} of ${fmt(x.shape)}`);
    }
  }
  if (op !== 'sum' && op !== 'mean' && op !== 'max') throw new Error(`reduce: unknown op "${op}"`);
  const kept = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const outShape = keepDims ? kept : x.shape.filter((_, i) => !axes.includes(i));
  const outSize = shapeSize(kept);
  // Offset of each input axis in the output: 0 along reduced axes.
  const keptStrides = stridesOf(kept);
  const outStrides = x.shape.map((_, i) => (axes.includes(i) ? 0 : keptStrides[i]));
  const acc = new Float64Array(outSize).fill(op === 'max' ? -Infinity : 0);
  const d = x.data;
  const idx = new Array<number>(rank).fill(0);
  let o = 0;
  for (let i = 0; i < x.size; i++) {
    const v = d[i];
    if (op === 'max') {
      if (v > acc[o] || Number.isNaN(v)) acc[o] = v;
    } else acc[o] += v;
    for (let a = rank - 1; a >= 0; a--) {
      idx[a]++;
      o += outStrides[a];
      if (idx[a] < x.shape[a]) break;
      o -= outStrides[a] * x.shape[a];
      idx[a] = 0;
    }
  }
  if (op === 'mean') {
    const count = x.size / Math.max(outSize, 1);
    for (let i = 0; i < outSize; i++) acc[i] /= count;
  }
  return new CpuTensor(outShape, Float32Array.from(acc));
}
