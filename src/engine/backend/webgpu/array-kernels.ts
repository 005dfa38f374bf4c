// Launchers for element-wise, reduction and layout kernels: shape checks, parameter blocks, dispatch.
import type { ActivationKind, BinaryOp, ReduceOp, Shape, UnaryOp } from '../backend';
import { broadcastShapes, checkConcatShapes, checkSliceRange, shapeSize, stridesOf } from '../../shape';
import { Executor } from './executor';
import { ACTIVATION_CODES, BINARY_CODES, UNARY_CODES } from './kernels';
import { batchParams, binaryParams, copyParams, gatherParams, mapParams, reduceParams, softmaxParams } from './layouts';
import { GpuTensor, Storage } from './memory';

const fmt = (shape: Shape): string => `[${shape.join(', ')}]`;
const groups = Executor.groups1d;

function code<K extends string>(table: Record<K, number>, key: K, kernel: string): number {
  const c = table[key];
  if (c === undefined) throw new Error(`${kernel}: unknown kind "${key}"; expected one of ${Object.keys(table).join(', ')}`);
  return c;
}

export function unary(ex: Executor, op: UnaryOp, x: GpuTensor): GpuTensor {
  const out = ex.alloc(x.shape);
  const params = mapParams.write({ size: x.size, op: code(UNARY_CODES, op, 'unary'), value: 0 });
  ex.dispatch('unary', params, [x.storage, out.storage], groups(x.size));
  return out;
}

export function activation(ex: Executor, kind: ActivationKind, x: GpuTensor): GpuTensor {
  const out = ex.alloc(x.shape);
  const params = mapParams.write({ size: x.size, op: code(ACTIVATION_CODES, kind, 'activation'), value: 0 });
  ex.dispatch('activation', params, [x.storage, out.storage], groups(x.size));
  return out;
}

export function activationGrad(ex: Executor, kind: ActivationKind, y: GpuTensor, dy: GpuTensor, x?: GpuTensor): GpuTensor {
  const k = `activationGrad ${kind}`;
  if (y.size !== dy.size) throw new Error(`${k}: y ${fmt(y.shape)} and dy ${fmt(dy.shape)} differ`);
  if (kind === 'swish') {
    if (!x) throw new Error('activationGrad swish: the pre-activation x is required');
    if (x.size !== y.size) throw new Error(`${k}: x ${fmt(x.shape)} and y ${fmt(y.shape)} differ`);
  }
  const out = ex.alloc(y.shape);
  const params = mapParams.write({ size: y.size, op: code(ACTIVATION_CODES, kind, 'activationGrad'), value: 0 });
  const kernel = kind === 'relu' ? 'activation_grad_relu' : 'activation_grad';
  ex.dispatch(kernel, params, [y.storage, dy.storage, (x ?? y).storage, out.storage], groups(y.size));
  return out;
}

export function fill(ex: Executor, shape: Shape, value: number): GpuTensor {
  const out = ex.alloc(shape);
  fillStorage(ex, out.storage, value);
  return out;
}

function fillStorage(ex: Executor, s: Storage, value: number): void {
  ex.dispatch('fill', mapParams.write({ size: s.elements, op: 0, value }), [s], groups(s.elements));
}

/**
 * Merge neighbouring axes that every operand walks alike (stride[d-1] = stride[d]·shape[d]) and drop
 * size-1 axes, so the kernels' index loops run over as few axes as possible.
 */
export function collapse(shape: readonly number[], strides: number[][]): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue;
    const last = outShape.length - 1;
    if (last >= 0 && strides.every((s, k) => outStrides[k][last] === s[d] * shape[d])) {
      outShape[last] *= shape[d];
      strides.forEach((s, k) => (outStrides[k][last] = s[d]));
    } else {
      outShape.push(shape[d]);
      strides.forEach((s, k) => outStrides[k].push(s[d]));
    }
  }
  return { shape: outShape, strides: outStrides };
}

function broadcastStrides(shape: Shape, outShape: readonly number[]): number[] {
  const own = stridesOf(shape);
  const lead = outShape.length - shape.length;
  return outShape.map((_, i) => (i < lead || shape[i - lead] === 1 ? 0 : own[i - lead]));
}

export function binary(ex: Executor, op: BinaryOp, a: GpuTensor, b: GpuTensor): GpuTensor {
  const shape = broadcastShapes(a.shape, b.shape, `binary ${op}`);
  const out = ex.alloc(shape);
  const c = collapse(shape, [broadcastStrides(a.shape, shape), broadcastStrides(b.shape, shape)]);
  const params = binaryParams.write({
    size: out.size,
    rank: c.shape.length,
    op: code(BINARY_CODES, op, 'binary'),
    shape: c.shape,
    a_strides: c.strides[0],
    b_strides: c.strides[1],
  });
  ex.dispatch('binary', params, [a.storage, b.storage, out.storage], groups(out.size));
  return out;
}

export function softmax(ex: Executor, x: GpuTensor): GpuTensor {
  if (x.shape.length === 0) throw new Error('softmax: expected rank ≥ 1, got a scalar');
  const cols = x.shape[x.shape.length - 1];
  const rows = cols === 0 ? 0 : x.size / cols;
  const out = ex.alloc(x.shape);
  ex.dispatch('softmax', softmaxParams.write({ rows, cols }), [x.storage, out.storage], groups(rows));
  return out;
}

const REDUCE_CODES: Record<ReduceOp, number> = { sum: 0, mean: 1, max: 2 };

/**
 * Fewer outputs than this (too few threads to fill a GPU) with sums at least WORKGROUP_REDUCE_FROM long get
 * a 64-thread workgroup per output instead of one thread. Measured on SwiftShader, where a workgroup with
 * barriers costs about 40 µs: a [128, 256] column sum took 12 ms in workgroups and 0.5 ms in threads.
 */
const WORKGROUP_REDUCE_OUTPUTS = 64;
const WORKGROUP_REDUCE_FROM = 128;

export function reduce(ex: Executor, op: ReduceOp, x: GpuTensor, axes: number[], keepDims: boolean): GpuTensor {
  const rank = x.shape.length;
  for (let i = 0; i < axes.length; i++) {
    if (!Number.isInteger(axes[i]) || axes[i] < 0 || axes[i] >= rank || (i > 0 && axes[i] <= axes[i - 1])) {
      throw new Error(`reduce ${op}: axes [${axes.join(', ')}] must be sorted, unique and within rank ${rank} of ${fmt(x.shape)}`);
    }
  }
  const opCode = code(REDUCE_CODES, op, 'reduce');
  const outShape = keepDims ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.includes(i));
  const out = ex.alloc(outShape);
  reduceInto(ex, opCode, x.storage, x.shape, axes, out.storage);
  return out;
}

/** Reduce `shape`-shaped `src` over `axes` into `dst` (row-major over the kept axes). */
export function reduceInto(ex: Executor, opCode: number, src: Storage, shape: Shape, axes: number[], dst: Storage): void {
  const strides = stridesOf(shape);
  const keptAxes = shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const kept = collapse(keptAxes.map((i) => shape[i]), [keptAxes.map((i) => strides[i])]);
  const red = collapse(axes.map((i) => shape[i]), [axes.map((i) => strides[i])]);
  const outSize = shapeSize(kept.shape);
  const reduceSize = shapeSize(red.shape);
  // The innermost reduced axis is walked with its stride; the kernel indexes the outer ones through tables.
  const innerSize = red.shape.pop() ?? 1;
  const innerStride = red.strides[0].pop() ?? 0;
  const params = reduceParams.write({
    out_size: outSize,
    reduce_size: reduceSize,
    op: opCode,
    kept_rank: kept.shape.length,
    red_rank: red.shape.length,
    inner_size: innerSize,
    inner_stride: innerStride,
    kept_shape: kept.shape,
    kept_strides: kept.strides[0],
    red_shape: red.shape,
    red_strides: red.strides[0],
  });
  if (outSize < WORKGROUP_REDUCE_OUTPUTS && reduceSize >= WORKGROUP_REDUCE_FROM) {
    const x = Math.min(outSize, 65535);
    ex.dispatch('reduce_workgroup', params, [src, dst], [Math.max(1, x), Math.max(1, Math.ceil(outSize / Math.max(1, x))), 1]);
  } else {
    ex.dispatch('reduce_thread', params, [src, dst], groups(outSize));
  }
}

/** Strided copy over `shape`: dst[dstStart + Σ c·dstStrides] = src[srcStart + Σ c·srcStrides]. */
export function stridedCopy(
  ex: Executor,
  src: Storage,
  dst: Storage,
  shape: readonly number[],
  srcStrides: number[],
  dstStrides: number[],
  srcStart: number,
  dstStart: number,
): void {
  const size = shapeSize(shape);
  if (size === 0) return;
  const c = collapse(shape, [srcStrides, dstStrides]);
  const params = copyParams.write({
    size,
    rank: c.shape.length,
    src_start: srcStart,
    dst_start: dstStart,
    shape: c.shape,
    src_strides: c.strides[0],
    dst_strides: c.strides[1],
  });
  ex.dispatch('strided_copy', params, [src, dst], groups(size));
}

/** Contiguous copy of `elements` values. */
export function copy(ex: Executor, src: Storage, dst: Storage, elements: number, dstStart = 0): void {
  stridedCopy(ex, src, dst, [elements], [1], [1], 0, dstStart);
}

export function transpose(ex: Executor, x: GpuTensor, perm: number[]): GpuTensor {
  const rank = x.shape.length;
  if (perm.length !== rank || [...perm].sort((p, q) => p - q).some((v, i) => v !== i)) {
    throw new Error(`transpose: perm [${perm.join(', ')}] is not a permutation of the ${rank} axes of ${fmt(x.shape)}`);
  }
  const strides = stridesOf(x.shape);
  const outShape = perm.map((p) => x.shape[p]);
  const out = ex.alloc(outShape);
  stridedCopy(ex, x.storage, out.storage, outShape, perm.map((p) => strides[p]), stridesOf(outShape), 0, 0);
  return out;
}

export function slice(ex: Executor, x: GpuTensor, begin: number[], size: number[]): GpuTensor {
  checkSliceRange(x.shape, begin, size);
  const strides = stridesOf(x.shape);
  const out = ex.alloc(size.slice());
  const start = begin.reduce((s, b, i) => s + b * strides[i], 0);
  stridedCopy(ex, x.storage, out.storage, size, strides, stridesOf(size), start, 0);
  return out;
}

export function pad(ex: Executor, x: GpuTensor, paddings: [number, number][]): GpuTensor {
  const rank = x.shape.length;
  if (paddings.length !== rank || paddings.some((p) => p.length !== 2 || p.some((v) => !Number.isInteger(v) || v < 0))) {
    throw new Error(`pad: expected ${rank} non-negative integer [before, after] pairs for ${fmt(x.shape)}, got ${JSON.stringify(paddings)}`);
  }
  const outShape = x.shape.map((d, i) => d + paddings[i][0] + paddings[i][1]);
  const outStrides = stridesOf(outShape);
  const out = fill(ex, outShape, 0);
  const start = paddings.reduce((s, p, i) => s + p[0] * outStrides[i], 0);
  stridedCopy(ex, x.storage, out.storage, x.shape, stridesOf(x.shape), outStrides, 0, start);
  return out;
}

export function concat(ex: Executor, xs: GpuTensor[], axis: number): GpuTensor {
  checkConcatShapes(xs.map((t) => t.shape), axis);
  const first = xs[0].shape;
  const outShape = first.map((d, i) => (i === axis ? xs.reduce((n, t) => n + t.shape[axis], 0) : d));
  const outStrides = stridesOf(outShape);
  const out = ex.alloc(outShape);
  let offset = 0;
  for (const t of xs) {
    stridedCopy(ex, t.storage, out.storage, t.shape, stridesOf(t.shape), outStrides, 0, offset * outStrides[axis]);
    offset += t.shape[axis];
  }
  return out;
}

export function gatherRows(ex: Executor, x: GpuTensor, indices: GpuTensor): GpuTensor {
  if (x.shape.length === 0) throw new Error('gatherRows: x must have rank ≥ 1, got a scalar');
  if (indices.shape.length !== 1) throw new Error(`gatherRows: indices must be 1-D, got ${fmt(indices.shape)}`);
  const n = x.shape[0];
  const rowSize = n === 0 ? 0 : x.size / n;
  const m = indices.size;
  const out = ex.alloc([m, ...x.shape.slice(1)]);
  const params = gatherParams.write({ rows: m, row_size: rowSize, source_rows: n, size: m * rowSize });
  if (m * rowSize > 0) ex.dispatch('gather_rows', params, [x.storage, indices.storage, out.storage], groups(m * rowSize));
  return out;
}

/** The trainer's per-step batch: out[r] = order[(step·batch + r) mod n], then counter += 1 (one dispatch). */
export function batchIndices(ex: Executor, order: GpuTensor, counter: GpuTensor, batch: number): GpuTensor {
  if (order.shape.length !== 1 || order.size === 0) throw new Error(`batchIndices: order must be a non-empty 1-D tensor, got ${fmt(order.shape)}`);
  if (!Number.isInteger(batch) || batch < 1) throw new Error(`batchIndices: batch must be a positive integer, got ${batch}`);
  if (order.size > 65535) throw new Error(`batchIndices: at most 65,535 rows are supported, got ${order.size}`);
  const out = ex.alloc([batch]);
  ex.dispatch('batch_indices', batchParams.write({ batch, order_size: order.size }), [order.storage, out.storage, counter.storage], [1, 1, 1]);
  return out;
}
