// Kernels that move values without arithmetic: transpose, slice, pad, concat, gatherRows.
import { checkConcatShapes, checkSliceRange, shapeSize, stridesOf } from '../../shape';
import type { ArrayPool } from './array-pool';
import { CpuTensor, fmt } from './cpu-tensor';

/** Calls visit(outIndex, inOffset) for every element of an output of `shape`, with input strides `inStrides`. */
function walk(shape: readonly number[], inStrides: readonly number[], inStart: number, visit: (o: number, i: number) => void): void {
  const rank = shape.length;
  const size = shapeSize(shape);
  const idx = new Array<number>(rank).fill(0);
  let off = inStart;
  for (let o = 0; o < size; o++) {
    visit(o, off);
    for (let a = rank - 1; a >= 0; a--) {
      idx[a]++;
      off += inStrides[a];
      if (idx[a] < shape[a]) break;
      off -= inStrides[a] * shape[a];
      idx[a] = 0;
    }
  }
}

export function transpose(pool: ArrayPool, x: CpuTensor, perm: number[]): CpuTensor {
  const rank = x.shape.length;
  if (perm.length !== rank || [...perm].sort((a, b) => a - b).some((v, i) => v !== i)) {
    throw new Error(`transpose: perm [${perm.join(', ')}] is not a permutation of the ${rank} axes of ${fmt(x.shape)}`);
  }
  const strides = stridesOf(x.shape);
  const outShape = perm.map((p) => x.shape[p]);
  const out = pool.take(x.size);
  const d = x.data;
  walk(outShape, perm.map((p) => strides[p]), 0, (o, i) => {
    out[o] = d[i];
  });
  return new CpuTensor(outShape, out);
}

export function slice(pool: ArrayPool, x: CpuTensor, begin: number[], size: number[]): CpuTensor {
  checkSliceRange(x.shape, begin, size);
  const strides = stridesOf(x.shape);
  const start = begin.reduce((s, b, i) => s + b * strides[i], 0);
  const out = pool.take(shapeSize(size));
  const d = x.data;
  walk(size, strides, start, (o, i) => {
    out[o] = d[i];
  });
  return new CpuTensor(size.slice(), out);
}

export function pad(pool: ArrayPool, x: CpuTensor, paddings: [number, number][]): CpuTensor {
  const rank = x.shape.length;
  if (paddings.length !== rank || paddings.some((p) => p.length !== 2 || p.some((v) => !Number.isInteger(v) || v < 0))) {
    throw new Error(`pad: expected ${rank} non-negative integer [before, after] pairs for ${fmt(x.shape)}, got ${JSON.stringify(paddings)}`);
  }
  const outShape = x.shape.map((d, i) => d + paddings[i][0] + paddings[i][1]);
  const outStrides = stridesOf(outShape);
  const start = paddings.reduce((s, p, i) => s + p[0] * outStrides[i], 0);
  const out = pool.zeros(shapeSize(outShape));
  const d = x.data;
  // Walk the input's positions inside the output.
  walk(x.shape, outStrides, start, (i, o) => {
    out[o] = d[i];
  });
  return new CpuTensor(outShape, out);
}

export function concat(pool: ArrayPool, xs: CpuTensor[], axis: number): CpuTensor {
  checkConcatShapes(xs.map((t) => t.shape), axis);
  const first = xs[0].shape;
  const outer = shapeSize(first.slice(0, axis));
  const inner = shapeSize(first.slice(axis + 1));
  const total = xs.reduce((n, t) => n + t.shape[axis], 0);
  const outShape = first.map((d, i) => (i === axis ? total : d));
  const out = pool.take(shapeSize(outShape));
  const rowOut = total * inner;
  let offset = 0;
  for (const t of xs) {
    const chunk = t.shape[axis] * inner;
    for (let r = 0; r < outer; r++) out.set(t.data.subarray(r * chunk, (r + 1) * chunk), r * rowOut + offset);
    offset += chunk;
  }
  return new CpuTensor(outShape, out);
}

export function gatherRows(pool: ArrayPool, x: CpuTensor, indices: CpuTensor): CpuTensor {
  if (x.shape.length === 0) throw new Error('gatherRows: x must have rank ≥ 1, got a scalar');
  if (indices.shape.length !== 1) throw new Error(`gatherRows: indices must be 1-D, got ${fmt(indices.shape)}`);
  const n = x.shape[0];
  const row = x.size / Math.max(n, 1);
  const m = indices.size;
  const out = pool.take(m * row);
  for (let r = 0; r < m; r++) {
    const k = indices.data[r];
    if (!Number.isInteger(k) || k < 0 || k >= n) throw new Error(`gatherRows: index ${k} at position ${r} is not a row of ${fmt(x.shape)}`);
    out.set(x.data.subarray(k * row, (k + 1) * row), r * row);
  }
  return new CpuTensor([m, ...x.shape.slice(1)], out);
}
