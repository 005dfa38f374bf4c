// Loss kernels: the mean loss and its gradient with respect to the prediction, in one pass.
//
// Clipping follows Keras: probabilities are clipped to [EPS, 1 − EPS] (binary) or [EPS, 1] (categorical)
// before the log, and the gradient is the derivative of that clipped definition: zero where clipped.
// With fromLogits the prediction z is a logit; the loss is computed stably from z without clipping
// and the gradient is taken with respect to z. Away from the clip region the two paths agree exactly:
// d/dz of the clipped definition at p = σ(z) (or softmax(z)) is the logits gradient below.
import type { LossInfo } from '../backend';
import type { ArrayPool } from './array-pool';
import { sigmoid } from './elementwise';
import { CpuTensor, fmt, sameShape } from './cpu-tensor';

/** Keras's epsilon and 1 − epsilon, rounded to float32 as a GPU kernel sees them. */
export const CLIP_LOW = Math.fround(1e-7);
export const CLIP_HIGH = Math.fround(1 - 1e-7);

export function lossWithGrad(pool: ArrayPool, info: LossInfo, pred: CpuTensor, target: CpuTensor): { loss: CpuTensor; grad: CpuTensor } {
  const { kind, fromLogits } = info;
  const p = pred.data;
  const y = target.data;
  const g = pool.zeros(pred.size);
  // One float64 for the kernels' sum (shared scratch, so no array per step).
  const sum = pool.accumulator(1);
  let total: number;
  if (kind === 'sparse_categorical_crossentropy') {
    total = sparseCategorical(pred, target, fromLogits, g);
  } else {
    if (!sameShape(pred.shape, target.shape)) {
      throw new Error(`loss ${kind}: prediction ${fmt(pred.shape)} and target ${fmt(target.shape)} must have the same shape`);
    }
    if (kind === 'categorical_crossentropy') total = categorical(pred, target, fromLogits, g, sum);
    else {
      const n = pred.size;
      elementLosses(kind, fromLogits, p, y, g, n, sum);
      total = sum[0] / n;
    }
  }
  const loss = pool.take(1);
  loss[0] = total;
  return { loss: new CpuTensor([], loss), grad: new CpuTensor(pred.shape, g) };
}

/**
 * sum[0] = Σ over i < n of the loss of p[i] against y[i], for the losses averaged over every element, and
 * grad[i] = dloss/dp[i] / n. One loop per kind, and the sum written rather than returned: the fused CPU
 * dense step (backend/wasm/dense-step.ts) runs it every step, and V8 boxes a number passed to or returned
 * from a call it does not inline (an allocation per call).
 */
export function elementLosses(
  kind: LossInfo['kind'],
  fromLogits: boolean,
  p: Float32Array | Float64Array,
  y: Float32Array | Float64Array,
  grad: Float32Array | Float64Array,
  n: number,
  sum: Float64Array,
): void {
  let total = 0;
  switch (kind) {
    case 'mse':
      for (let i = 0; i < n; i++) {
        const d = p[i] - y[i];
        total += d * d;
        grad[i] = (2 * d) / n;
      }
      break;
    case 'mae':
      for (let i = 0; i < n; i++) {
        const d = p[i] - y[i];
        total += Math.abs(d);
        grad[i] = Math.sign(d) / n;
      }
      break;
    case 'huber':
      for (let i = 0; i < n; i++) {
        const d = p[i] - y[i]; // δ = 1
        const inside = Math.abs(d) <= 1;
        total += inside ? 0.5 * d * d : Math.abs(d) - 0.5;
        grad[i] = (inside ? d : Math.sign(d)) / n;
      }
      break;
    case 'binary_crossentropy':
      for (let i = 0; i < n; i++) {
        const z = p[i];
        const t = y[i];
        if (fromLogits) {
          // −[y log σ(z) + (1−y) log(1−σ(z))] = max(z, 0) − z·y + log(1 + e^(−|z|)); derivative σ(z) − y.
          total += Math.max(z, 0) - z * t + Math.log1p(Math.exp(-Math.abs(z)));
          grad[i] = (sigmoid(z) - t) / n;
        } else {
          const c = Math.min(Math.max(z, CLIP_LOW), CLIP_HIGH);
          total -= t * Math.log(c) + (1 - t) * Math.log(1 - c);
          grad[i] = z < CLIP_LOW || z > CLIP_HIGH ? 0 : ((1 - t) / (1 - c) - t / c) / n;
        }
      }
      break;
    default:
      throw new Error(`loss: unknown kind "${kind}"`);
  }
  sum[0] = total;
}

/** Mean over rows (all axes but the last) of −Σ y·log p. */
function categorical(pred: CpuTensor, target: CpuTensor, fromLogits: boolean, g: Float32Array, sum: Float64Array): number {
  if (pred.shape.length === 0) throw new Error('loss categorical_crossentropy: prediction must have a class axis, got a scalar');
  const classes = pred.shape[pred.shape.length - 1];
  const rows = pred.size / Math.max(classes, 1);
  categoricalRows(fromLogits, pred.data, target.data, g, rows, classes, sum);
  return sum[0] / rows;
}

/**
 * sum[0] = Σ over rows of −Σ y·log p (p = softmax of the row when `fromLogits`), and grad = d(mean over
 * rows)/dp. Allocates nothing: the fused CPU dense step (backend/wasm/dense-step.ts) runs it every step.
 */
export function categoricalRows(
  fromLogits: boolean,
  p: Float32Array | Float64Array,
  y: Float32Array | Float64Array,
  g: Float32Array | Float64Array,
  rows: number,
  classes: number,
  sum: Float64Array,
): void {
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const base = r * classes;
    if (fromLogits) {
      // log softmax(z)_j = z_j − m − log Σ e^(z−m); d/dz_k = softmax_k · Σ y − y_k.
      let m = -Infinity;
      for (let j = 0; j < classes; j++) m = Math.max(m, p[base + j]);
      let s = 0;
      for (let j = 0; j < classes; j++) s += Math.exp(p[base + j] - m);
      const logS = Math.log(s);
      let ySum = 0;
      for (let j = 0; j < classes; j++) {
        ySum += y[base + j];
        total -= y[base + j] * (p[base + j] - m - logS);
      }
      for (let j = 0; j < classes; j++) g[base + j] = ((Math.exp(p[base + j] - m) / s) * ySum - y[base + j]) / rows;
    } else {
      for (let j = 0; j < classes; j++) {
        const v = p[base + j];
        const c = Math.min(Math.max(v, CLIP_LOW), 1);
        total -= y[base + j] * Math.log(c);
        g[base + j] = v < CLIP_LOW || v > 1 ? 0 : -y[base + j] / c / rows;
      }
    }
  }
  sum[0] = total;
}

/** Categorical cross-entropy with integer labels ([batch] or [batch, 1]) instead of one-hot rows. */
function sparseCategorical(pred: CpuTensor, target: CpuTensor, fromLogits: boolean, g: Float32Array): number {
  const kernel = 'loss sparse_categorical_crossentropy';
  if (pred.shape.length !== 2) throw new Error(`${kernel}: prediction must be [batch, classes], got ${fmt(pred.shape)}`);
  const [rows, classes] = pred.shape;
  const ts = target.shape;
  if (!((ts.length === 1 && ts[0] === rows) || (ts.length === 2 && ts[0] === rows && ts[1] === 1))) {
    throw new Error(`${kernel}: labels must be [${rows}] or [${rows}, 1] for prediction ${fmt(pred.shape)}, got ${fmt(ts)}`);
  }
  const p = pred.data;
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const label = target.data[r];
    if (!Number.isInteger(label) || label < 0 || label >= classes) {
      throw new Error(`${kernel}: label ${label} in row ${r} is not a class index in [0, ${classes})`);
    }
    const base = r * classes;
    if (fromLogits) {
      const { m, s } = softmaxRow(p, base, classes);
      total -= p[base + label] - m - Math.log(s);
      for (let j = 0; j < classes; j++) g[base + j] = (Math.exp(p[base + j] - m) / s - (j === label ? 1 : 0)) / rows;
    } else {
      const v = p[base + label];
      const c = Math.min(Math.max(v, CLIP_LOW), 1);
      total -= Math.log(c);
      g[base + label] = v < CLIP_LOW || v > 1 ? 0 : -1 / c / rows;
    }
  }
  return total / rows;
}

/** Row maximum m and Σ e^(z−m) of one row of logits: softmax_j = e^(z_j−m)/s, log-softmax_j = z_j − m − log s. */
function softmaxRow(p: Float32Array, base: number, classes: number): { m: number; s: number } {
  let m = -Infinity;
  for (let j = 0; j < classes; j++) m = Math.max(m, p[base + j]);
  let s = 0;
  for (let j = 0; j < classes; j++) s += Math.exp(p[base + j] - m);
  return { m, s };
}
