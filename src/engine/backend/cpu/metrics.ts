// The reference metricCounts (see backend.ts): confusion counts, per-threshold counts and regression sums,
// in the order and float32 arithmetic shaders/metrics.wgsl uses, so the counts agree exactly.
import type { MetricCountsInfo } from '../backend';
import { CpuTensor, fmt } from './cpu-tensor';

const f32 = Math.fround;

/** Rows and columns of a [rows, columns] prediction (a [rows] one has one column). */
export function predictionDims(pred: { shape: readonly number[] }, kernel: string): [number, number] {
  const s = pred.shape;
  if (s.length === 1) return [s[0], 1];
  if (s.length !== 2) throw new Error(`${kernel}: pred must be [rows, columns], got ${fmt(s)}`);
  return [s[0], s[1]];
}

/** Checks the info against the prediction's and labels' shapes; returns rows and columns. */
export function checkMetricCounts(info: MetricCountsInfo, pred: { shape: readonly number[] }, labels: { shape: readonly number[]; size: number }, thresholds: { shape: readonly number[]; size: number } | undefined): [number, number] {
  const k = 'metricCounts';
  const [rows, columns] = predictionDims(pred, k);
  if (info.kind === 'regression') {
    if (labels.size !== rows * columns) throw new Error(`${k}: regression labels ${fmt(labels.shape)} must have the prediction's ${rows} × ${columns} values`);
    return [rows, columns];
  }
  const { classes, cut, score } = info;
  if (!Number.isInteger(classes) || classes < 1) throw new Error(`${k}: classes must be a positive integer, got ${classes}`);
  if (labels.size !== rows) throw new Error(`${k}: labels ${fmt(labels.shape)} must hold one class index for each of the ${rows} rows`);
  if (cut === null && columns !== classes) throw new Error(`${k}: argmax over ${classes} classes needs ${classes} columns, pred is ${fmt(pred.shape)}`);
  if (cut !== null && (columns !== 1 || classes !== 2)) throw new Error(`${k}: a cut needs one column and two classes, got pred ${fmt(pred.shape)} and ${classes} classes`);
  if (score) {
    if (classes !== 2) throw new Error(`${k}: threshold counts are for two classes, got ${classes}`);
    if (!Number.isInteger(score.column) || score.column < 0 || score.column >= columns) throw new Error(`${k}: score column ${score.column} is not a column of pred ${fmt(pred.shape)}`);
    if (!thresholds || thresholds.shape.length !== 1 || thresholds.size < 1) throw new Error(`${k}: a score needs thresholds, a list of at least one value`);
  }
  return [rows, columns];
}

/** Values in `thresholds` (ascending) below `s`: the first threshold `s` does not exceed. A NaN exceeds none. */
export function thresholdBucket(thresholds: ArrayLike<number>, s: number): number {
  if (Number.isNaN(s)) return 0;
  let lo = 0;
  let hi = thresholds.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (thresholds[mid] < s) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function metricCounts(info: MetricCountsInfo, pred: CpuTensor, labels: CpuTensor, thresholds?: CpuTensor): CpuTensor {
  const [rows, columns] = checkMetricCounts(info, pred, labels, thresholds);
  const p = pred.data;
  const y = labels.data;
  if (info.kind === 'regression') {
    const out = new Float32Array(columns * 5);
    for (let c = 0; c < columns; c++) {
      const y0 = rows > 0 ? y[c] : 0;
      let se = 0, ae = 0, sd = 0, sdd = 0;
      for (let r = 0; r < rows; r++) {
        const e = p[r * columns + c] - y[r * columns + c];
        const d = y[r * columns + c] - y0;
        se += e * e;
        ae += Math.abs(e);
        sd += d;
        sdd += d * d;
      }
      out.set([se, ae, sd, sdd, rows], c * 5);
    }
    return new CpuTensor([columns, 5], out);
  }
  const { classes: k, cut, score } = info;
  const t = score ? thresholds!.data : new Float32Array(0);
  const T = t.length;
  const out = new Float32Array(k * k + 2 * T);
  // Rows per bucket (thresholds below the score), negatives then positives.
  const buckets = [new Float64Array(T + 1), new Float64Array(T + 1)];
  for (let r = 0; r < rows; r++) {
    const label = y[r];
    if (!(Number.isInteger(label) && label >= 0 && label < k)) throw new Error(`metricCounts: labels[${r}] = ${label} is not a class index in [0, ${k})`);
    let predicted = 0;
    if (cut !== null) predicted = p[r] >= cut ? 1 : 0;
    else for (let j = 1; j < k; j++) if (p[r * columns + j] > p[r * columns + predicted]) predicted = j;
    out[label * k + predicted]++;
    if (score) {
      const v = p[r * columns + score.column];
      const s = score.signed ? f32(f32(v + 1) * 0.5) : v;
      buckets[label][thresholdBucket(t, s)]++;
    }
  }
  // tp[i], fp[i]: rows in buckets above i (their score exceeds thresholds[i]).
  let tp = 0;
  let fp = 0;
  for (let i = T - 1; i >= 0; i--) {
    tp += buckets[1][i + 1];
    fp += buckets[0][i + 1];
    out[k * k + i] = tp;
    out[k * k + T + i] = fp;
  }
  return new CpuTensor([out.length], out);
}
