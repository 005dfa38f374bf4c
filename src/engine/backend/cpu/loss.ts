// Loss kernels: the mean loss and its gradient with respect to the prediction, in one pass.
//
// Clipping follows Keras: probabilities are clipped to [EPS, 1 − EPS] (binary) or [EPS, 1] (categorical)
// before the log, and the gradient is the derivative of that clipped definition: zero where clipped.
// With fromLogits the prediction z is a logit; the loss is computed stably from z without clipping
// and the gradient is taken with respect to z. Away from the clip region the two paths agree exactly:
// d/dz of the clipped definition at p = σ(z) (or softmax(z)) is the logits gradient below.
import type { LossInfo } from '../backend';
import { sigmoid } from './elementwise';
import { CpuTensor, fmt, sameShape } from './cpu-tensor';

/** Keras's epsilon and 1 − epsilon, rounded to float32 as a GPU kernel sees them. */
export const CLIP_LOW = Math.fround(1e-7);
export const CLIP_HIGH = Math.fround(1 - 1e-7);

export function lossWithGrad(info: LossInfo, pred: CpuTensor, target: CpuTensor): { loss: CpuTensor; grad: CpuTensor } {
  const { kind, fromLogits } = info;
  const p = pred.data;
  const y = target.data;
  const g = new Float32Array(pred.size);
  let total: number;
  if (kind === 'sparse_categorical_crossentropy') {
    total = sparseCategorical(pred, target, fromLogits, g);
  } else {
    if (!sameShape(pred.shape, target.shape)) {
      throw new Error(`loss ${kind}: prediction ${fmt(pred.shape)} and target ${fmt(target.shape)} must have the same shape`);
    }
    if (kind === 'categorical_crossentropy') total = categorical(pred, target, fromLogits, g);
    else {
      const n = pred.size;
      total = 0;
      for (let i = 0; i < n; i++) {
        const [l, d] = elementLoss(kind, fromLogits, p[i], y[i]);
        total += l;
        g[i] = d / n;
      }
      total /= n;
    }
  }
  return { loss: new CpuTensor([], Float32Array.of(total)), grad: new CpuTensor(pred.shape, g) };
}

/** [loss, dloss/dpred] of one element for the losses averaged over every element. */
function elementLoss(kind: LossInfo['kind'], fromLogits: boolean, p: number, y: number): [number, number] {
  switch (kind) {
    case 'mse':
      return [(p - y) * (p - y), 2 * (p - y)];
    case 'mae':
      return [Math.abs(p - y), Math.sign(p - y)];
    case 'huber': {
      const d = p - y; // δ = 1
      return Math.abs(d) <= 1 ? [0.5 * d * d, d] : [Math.abs(d) - 0.5, Math.sign(d)];
    }
    case 'binary_crossentropy': {
      if (fromLogits) {
        // −[y log σ(z) + (1−y) log(1−σ(z))] = max(z, 0) − z·y + log(1 + e^(−|z|)); derivative σ(z) − y.
        return [Math.max(p, 0) - p * y + Math.log1p(Math.exp(-Math.abs(p))), sigmoid(p) - y];
      }
      const c = Math.min(Math.max(p, CLIP_LOW), CLIP_HIGH);
      const l = -(y * Math.log(c) + (1 - y) * Math.log(1 - c));
      const clipped = p < CLIP_LOW || p > CLIP_HIGH;
      return [l, clipped ? 0 : (1 - y) / (1 - c) - y / c];
    }
    default:
      throw new Error(`loss: unknown kind "${kind}"`);
  }
}

/** Mean over rows (all axes but the last) of −Σ y·log p. */
function categorical(pred: CpuTensor, target: CpuTensor, fromLogits: boolean, g: Float32Array): number {
  if (pred.shape.length === 0) throw new Error('loss categorical_crossentropy: prediction must have a class axis, got a scalar');
  const classes = pred.shape[pred.shape.length - 1];
  const rows = pred.size / Math.max(classes, 1);
  const p = pred.data;
  const y = target.data;
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const base = r * classes;
    if (fromLogits) {
      // log softmax(z)_j = z_j − m − log Σ e^(z−m); d/dz_k = softmax_k · Σ y − y_k.
      const { m, s } = softmaxRow(p, base, classes);
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
  return total / rows;
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
