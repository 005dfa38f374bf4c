// Element-wise kernels: unary math, broadcasting binary ops, activations and their gradients, softmax.
import type { ActivationKind, BinaryOp, UnaryOp } from '../backend';
import type { ArrayPool } from './array-pool';
import { broadcastShapes, shapeSize, stridesOf } from '../../shape';
import { CpuTensor, fmt, sameShape } from './cpu-tensor';

const unaryFns: Record<UnaryOp, (x: number) => number> = {
  neg: (x) => -x,
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  abs: Math.abs,
  sign: Math.sign,
  square: (x) => x * x,
  reciprocal: (x) => 1 / x,
};

export function unary(pool: ArrayPool, op: UnaryOp, x: CpuTensor): CpuTensor {
  const f = unaryFns[op];
  if (!f) throw new Error(`unary: unknown op "${op}"`);
  const out = pool.take(x.size);
  const d = x.data;
  for (let i = 0; i < d.length; i++) out[i] = f(d[i]);
  return new CpuTensor(x.shape, out);
}

const binaryFns: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: Math.pow,
  maximum: Math.max,
  minimum: Math.min,
  equal: (a, b) => (a === b ? 1 : 0),
  greater: (a, b) => (a > b ? 1 : 0),
};

/** Strides of `shape` seen from a broadcast output of rank `rank`: 0 where the axis is missing or 1. */
function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const rank = outShape.length;
  const own = stridesOf(shape);
  return outShape.map((_, i) => {
    const j = i - (rank - shape.length);
    return j < 0 || shape[j] === 1 ? 0 : own[j];
  });
}

/** True when `shape` (ignoring leading 1s) equals the trailing axes of `outShape`. */
function isTrailing(shape: readonly number[], outShape: readonly number[]): boolean {
  const lead = outShape.length - shape.length;
  return shape.every((d, i) => d === outShape[lead + i] || (d === 1 && shapeSize(shape.slice(0, i + 1)) === 1));
}

export function binary(pool: ArrayPool, op: BinaryOp, a: CpuTensor, b: CpuTensor): CpuTensor {
  const f = binaryFns[op];
  if (!f) throw new Error(`binary: unknown op "${op}"`);
  const shape = broadcastShapes(a.shape, b.shape, `binary ${op}`);
  const size = shapeSize(shape);
  const out = pool.take(size);
  const ad = a.data;
  const bd = b.data;
  if (a.size === size && b.size === size) {
    for (let i = 0; i < size; i++) out[i] = f(ad[i], bd[i]);
  } else if (b.size === 1 && a.size === size) {
    const s = bd[0];
    for (let i = 0; i < size; i++) out[i] = f(ad[i], s);
  } else if (a.size === 1 && b.size === size) {
    const s = ad[0];
    for (let i = 0; i < size; i++) out[i] = f(s, bd[i]);
  } else if (a.size === size && isTrailing(b.shape, shape)) {
    // b repeats along the leading axes (a bias row, say): its index cycles.
    for (let i = 0; i < size; i++) out[i] = f(ad[i], bd[i % b.size]);
  } else if (b.size === size && isTrailing(a.shape, shape)) {
    for (let i = 0; i < size; i++) out[i] = f(ad[i % a.size], bd[i]);
  } else {
    // General case: walk the output in row-major order with a multi-index, advancing each input's offset.
    const rank = shape.length;
    const as = broadcastStrides(a.shape, shape);
    const bs = broadcastStrides(b.shape, shape);
    const idx = new Array<number>(rank).fill(0);
    let ia = 0;
    let ib = 0;
    for (let i = 0; i < size; i++) {
      out[i] = f(ad[ia], bd[ib]);
      for (let d = rank - 1; d >= 0; d--) {
        idx[d]++;
        ia += as[d];
        ib += bs[d];
        if (idx[d] < shape[d]) break;
        ia -= as[d] * shape[d];
        ib -= bs[d] * shape[d];
        idx[d] = 0;
      }
    }
  }
  return new CpuTensor(shape, out);
}

/** Logistic sigmoid without overflow for large |x|. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** log(1 + e^x) without overflow. */
export function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

const LEAKY_RELU_SLOPE = 0.2;

const ACTIVATIONS: readonly ActivationKind[] = ['linear', 'relu', 'leaky_relu', 'elu', 'sigmoid', 'tanh', 'softplus', 'swish', 'step'];

/**
 * kind(x) of one element. One function with a switch rather than a table of closures: a loop calling it
 * stays monomorphic, so V8 can inline it and pass numbers unboxed (the fused dense step through closures:
 * 17.8k playground steps/s and a boxed number per call; through this: 20-28k, nothing allocated).
 */
export function activate(kind: ActivationKind, x: number): number {
  switch (kind) {
    case 'linear':
      return x;
    case 'relu':
      return x > 0 ? x : 0;
    case 'leaky_relu':
      return x > 0 ? x : LEAKY_RELU_SLOPE * x;
    case 'elu':
      return x > 0 ? x : Math.expm1(x);
    case 'sigmoid':
      return sigmoid(x);
    case 'tanh':
      return Math.tanh(x);
    case 'softplus':
      return softplus(x);
    case 'swish':
      return x * sigmoid(x);
    case 'step':
      return x > 0 ? 1 : 0;
  }
  throw new Error(`activation: unknown activation "${kind}"`);
}

/** `kind` checked, or an Error naming the kernel and the kinds there are. */
export function checkActivation(kind: ActivationKind, kernel: string): ActivationKind {
  if (!ACTIVATIONS.includes(kind)) throw new Error(`${kernel}: unknown activation "${kind}"; expected one of ${ACTIVATIONS.join(', ')}`);
  return kind;
}

export function activationFn(kind: ActivationKind, kernel: string): (x: number) => number {
  checkActivation(kind, kernel);
  return (x) => activate(kind, x);
}

export function activation(pool: ArrayPool, kind: ActivationKind, x: CpuTensor): CpuTensor {
  checkActivation(kind, 'activation');
  const out = pool.take(x.size);
  const d = x.data;
  for (let i = 0; i < d.length; i++) out[i] = activate(kind, d[i]);
  return new CpuTensor(x.shape, out);
}

/**
 * dy/dx of `kind` at one element, written in terms of the output y (swish excepted: it reads the input x).
 * A switch for the reason `activate` is one.
 */
export function activationSlope(kind: ActivationKind, y: number, x: number): number {
  switch (kind) {
    case 'linear':
      return 1;
    case 'relu':
      return y > 0 ? 1 : 0;
    case 'leaky_relu':
      return y > 0 ? 1 : LEAKY_RELU_SLOPE;
    case 'elu':
      return y > 0 ? 1 : y + 1;
    case 'sigmoid':
      return y * (1 - y);
    case 'tanh':
      return 1 - y * y;
    case 'softplus':
      return -Math.expm1(-y); // σ(x) = 1 − e^(−y)
    case 'swish': {
      const s = sigmoid(x);
      return s * (1 + x * (1 - s));
    }
    case 'step':
      return 0;
  }
  throw new Error(`activationGrad: unknown activation "${kind}"`);
}

export function activationGrad(pool: ArrayPool, kind: ActivationKind, y: CpuTensor, dy: CpuTensor, x?: CpuTensor): CpuTensor {
  if (!sameShape(y.shape, dy.shape)) throw new Error(`activationGrad ${kind}: y ${fmt(y.shape)} and dy ${fmt(dy.shape)} differ`);
  const out = pool.take(y.size);
  const g = dy.data;
  if (kind === 'swish') {
    if (!x) throw new Error('activationGrad swish: the pre-activation x is required');
    if (!sameShape(x.shape, y.shape)) throw new Error(`activationGrad swish: x ${fmt(x.shape)} and y ${fmt(y.shape)} differ`);
    const xd = x.data;
    for (let i = 0; i < out.length; i++) out[i] = g[i] * activationSlope('swish', 0, xd[i]);
  } else if (kind === 'relu') {
    // The same products as the general loop, g·1 or g·0, with the slope a number, not a branch: the signs
    // of a layer's outputs are random, and the mispredicted branch made this loop 3× slower (Node 20).
    const yd = y.data;
    for (let i = 0; i < out.length; i++) out[i] = g[i] * +(yd[i] > 0);
  } else {
    checkActivation(kind, 'activationGrad');
    const yd = y.data;
    for (let i = 0; i < out.length; i++) out[i] = g[i] * activationSlope(kind, yd[i], 0);
  }
  return new CpuTensor(y.shape, out);
}

/** Softmax over the last axis, subtracting each row's maximum first. */
export function softmax(pool: ArrayPool, x: CpuTensor): CpuTensor {
  if (x.shape.length === 0) throw new Error('softmax: expected rank ≥ 1, got a scalar');
  const n = x.shape[x.shape.length - 1];
  const out = pool.take(x.size);
  const d = x.data;
  const row = pool.accumulator(n);
  for (let base = 0; base < x.size; base += n) {
    let m = -Infinity;
    for (let j = 0; j < n; j++) m = Math.max(m, d[base + j]);
    let total = 0;
    for (let j = 0; j < n; j++) {
      row[j] = Math.exp(d[base + j] - m);
      total += row[j];
    }
    for (let j = 0; j < n; j++) out[base + j] = row[j] / total;
  }
  return new CpuTensor(x.shape, out);
}
