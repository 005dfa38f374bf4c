// Shape arithmetic shared by the ops and every backend.
import type { Shape } from './backend/backend';

export function shapeSize(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/** NumPy broadcasting; throws naming the op when the shapes are incompatible. */
export function broadcastShapes(a: Shape, b: Shape, op = 'broadcast'): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(`${op}: shapes [${a.join(', ')}] and [${b.join(', ')}] cannot be broadcast together`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Axes as a sorted unique list of non-negative indices; undefined means all axes. */
export function normalizeAxes(axes: number | number[] | undefined, rank: number, op: string): number[] {
  const list = axes === undefined ? [...Array(rank).keys()] : typeof axes === 'number' ? [axes] : axes;
  const out = [...new Set(list.map((a) => (a < 0 ? a + rank : a)))].sort((x, y) => x - y);
  for (const a of out) if (a < 0 || a >= rank) throw new Error(`${op}: axis ${a} out of range for rank ${rank}`);
  return out;
}

/** Output size of one spatial dimension for conv/pool, TensorFlow's rules. */
export function convOutSize(inSize: number, kernel: number, stride: number, padding: 'valid' | 'same'): number {
  return padding === 'same' ? Math.ceil(inSize / stride) : Math.floor((inSize - kernel) / stride) + 1;
}

/** Padding before (top/left) for SAME; TensorFlow puts the extra pixel after (bottom/right). */
export function samePadBefore(inSize: number, kernel: number, stride: number): number {
  const out = Math.ceil(inSize / stride);
  const total = Math.max((out - 1) * stride + kernel - inSize, 0);
  return Math.floor(total / 2);
}

/** Throws unless begin/size pick an in-range box of `shape` (shared by every backend's slice). */
export function checkSliceRange(shape: Shape, begin: number[], size: number[]): void {
  const rank = shape.length;
  if (
    begin.length !== rank ||
    size.length !== rank ||
    begin.some((b, i) => !Number.isInteger(b) || !Number.isInteger(size[i]) || b < 0 || size[i] < 0 || b + size[i] > shape[i])
  ) {
    throw new Error(`slice: begin [${begin.join(', ')}] size [${size.join(', ')}] out of range for [${shape.join(', ')}]`);
  }
}

/** Throws unless the shapes agree everywhere but `axis` (shared by every backend's concat). */
export function checkConcatShapes(shapes: Shape[], axis: number): void {
  if (shapes.length === 0) throw new Error('concat: no tensors given');
  const first = shapes[0];
  const rank = first.length;
  if (!Number.isInteger(axis) || axis < 0 || axis >= rank) throw new Error(`concat: axis ${axis} out of range for rank ${rank}`);
  for (const shape of shapes) {
    if (shape.length !== rank || shape.some((d, i) => i !== axis && d !== first[i])) {
      throw new Error(`concat: shapes ${shapes.map((t) => `[${t.join(', ')}]`).join(' ')} differ outside axis ${axis}`);
    }
  }
}

/** Throws unless `into` can receive exactly `size` values read back (every backend's read, evaluateGrid). */
export function checkReadTarget(into: Float32Array, size: number, what = 'read'): void {
  if (!(into instanceof Float32Array) || into.length !== size) {
    const got = into instanceof Float32Array ? `a Float32Array of ${into.length}` : String(into);
    throw new Error(`${what}: into must be a Float32Array of exactly ${size} values, got ${got}`);
  }
}
