// Classification metrics, computed on the host from predictions (after predict) and prepared targets.
//
// Which accuracy (as Keras picks it): sparse labels → argmax of the prediction against the index;
// binary cross-entropy or a one-unit output → element-wise, prediction ≥ 0.5 against a 0/1 label
// (labels are 0/1; a label ≥ 0.5 counts as positive); otherwise → argmax against argmax of one-hot rows.
// precision, recall, f1: the positive class for binary outputs; the unweighted mean over classes otherwise.
// auc: area under the exact ROC curve (trapezoids over every distinct score) of the flattened
// (label, score) pairs; one-hot rows are flattened as Keras's AUC does by default.
//
// For the metrics panel, pure functions over plain arrays (so a device-side reduction can be checked against
// them): confusionMatrix → classificationReport (per class and macro precision, recall, F1, support, accuracy);
// rocCurve and precisionRecallCurve (binary scores, tied scores as one threshold); regressionMetrics (RMSE, MAE, R²).
// The same figures from the few numbers a device reduction (ops.metricCounts) reads back: confusionFromCounts,
// rocFromCounts and precisionRecallFromCounts at Keras's AUC thresholds (aucThresholds), regressionFromSums.
// An empty denominator gives 0 (a class never predicted has precision 0), as Keras and scikit-learn do.
import type { LossKind } from '../engine/backend/backend';
import type { HostArray } from './host-array';

export type MetricName = 'accuracy' | 'precision' | 'recall' | 'f1' | 'auc';
export const METRICS: readonly MetricName[] = ['accuracy', 'precision', 'recall', 'f1', 'auc'];
const ALIASES: Record<string, MetricName> = { acc: 'accuracy' };

export function checkMetric(value: unknown): MetricName {
  if (typeof value === 'string') {
    if ((METRICS as readonly string[]).includes(value)) return value as MetricName;
    if (value in ALIASES) return ALIASES[value];
  }
  throw new Error(`compile: unknown metric ${JSON.stringify(value)}; expected one of ${METRICS.join(', ')}`);
}

/** Metric values for predictions `pred` ([N, ...]) against targets as losses.ts's prepareTargets shapes them. */
export function computeMetrics(names: readonly MetricName[], target: HostArray, pred: HostArray, loss: LossKind): Record<string, number> {
  const out: Record<string, number> = {};
  if (names.length === 0) return out;
  const task = classify(target, pred, loss);
  for (const name of names) {
    switch (name) {
      case 'accuracy':
        out.accuracy = meanEqual(task.trueClass, task.predClass);
        break;
      case 'precision':
      case 'recall':
      case 'f1': {
        const report = classificationReport(confusionMatrix(task.trueClass, task.predClass, task.classes));
        out[name] = task.binary ? report.perClass[1][name] : report.macro[name];
        break;
      }
      case 'auc':
        out.auc = auc(task.labels, task.scores);
        break;
    }
  }
  return out;
}

interface Task {
  binary: boolean;
  classes: number;
  trueClass: Int32Array;
  predClass: Int32Array;
  /** Flattened 0/1 labels and scores for the ROC. */
  labels: Float32Array;
  scores: Float32Array;
}

function classify(target: HostArray, pred: HostArray, loss: LossKind): Task {
  const rows = pred.shape[0];
  const width = pred.values.length / Math.max(rows, 1);
  if (loss === 'sparse_categorical_crossentropy') {
    const trueClass = Int32Array.from(target.values);
    const labels = new Float32Array(pred.values.length);
    trueClass.forEach((c, r) => (labels[r * width + c] = 1));
    return { binary: false, classes: width, trueClass, predClass: argmaxRows(pred.values, rows, width), labels, scores: pred.values };
  }
  if (loss === 'binary_crossentropy' || width === 1) {
    const trueClass = Int32Array.from(target.values, (v) => (v >= 0.5 ? 1 : 0));
    const predClass = Int32Array.from(pred.values, (v) => (v >= 0.5 ? 1 : 0));
    return { binary: true, classes: 2, trueClass, predClass, labels: Float32Array.from(trueClass), scores: pred.values };
  }
  return {
    binary: false,
    classes: width,
    trueClass: argmaxRows(target.values, rows, width),
    predClass: argmaxRows(pred.values, rows, width),
    labels: target.values,
    scores: pred.values,
  };
}

/** Index of each row's largest value (the first on ties). */
export function argmaxRows(values: ArrayLike<number>, rows: number, width: number): Int32Array {
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let j = 1; j < width; j++) if (values[r * width + j] > values[r * width + best]) best = j;
    out[r] = best;
  }
  return out;
}

function meanEqual(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let hits = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) hits++;
  return a.length ? hits / a.length : 0;
}

/** Area under the ROC curve of scores against 0/1 labels (label ≥ 0.5 is positive); 0 when a class is absent (as Keras). */
export function auc(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  const roc = rocCurve(labels, scores, 'auc');
  return Number.isNaN(roc.auc) ? 0 : roc.auc;
}

/** counts[t][p]: examples of true class t predicted as class p. */
export function confusionMatrix(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, numClasses: number): number[][] {
  if (!Number.isInteger(numClasses) || numClasses < 1) throw new Error(`confusionMatrix: numClasses must be a positive integer, got ${numClasses}`);
  if (yTrue.length !== yPred.length) throw new Error(`confusionMatrix: ${yTrue.length} true labels but ${yPred.length} predictions; expected the same count`);
  const counts = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < yTrue.length; i++) {
    for (const [arg, v] of [['yTrue', yTrue[i]], ['yPred', yPred[i]]] as const) {
      if (!Number.isInteger(v) || v < 0 || v >= numClasses) throw new Error(`confusionMatrix: ${arg}[${i}] = ${v} is not a class index in [0, ${numClasses})`);
    }
    counts[yTrue[i]][yPred[i]]++;
  }
  return counts;
}

export interface ClassScores {
  precision: number;
  recall: number;
  f1: number;
  /** Examples of this class (the confusion matrix's row sum). */
  support: number;
}

export interface ClassificationReport {
  /** counts[t][p], as confusionMatrix gives it. */
  confusion: number[][];
  accuracy: number;
  perClass: ClassScores[];
  /** Unweighted means over classes (a class with no examples and no predictions counts as 0). */
  macro: { precision: number; recall: number; f1: number };
}

/** Every classification score from a confusion matrix (counts[t][p]); the matrix is what a device reduction returns. */
export function classificationReport(confusion: readonly (readonly number[])[]): ClassificationReport {
  const k = confusion.length;
  if (k === 0 || confusion.some((row) => row.length !== k)) throw new Error(`classificationReport: expected a square confusion matrix (classes × classes), got ${k} rows of lengths ${confusion.map((r) => r.length).join(', ')}`);
  let total = 0;
  let correct = 0;
  const predicted = new Array<number>(k).fill(0);
  const actual = new Array<number>(k).fill(0);
  confusion.forEach((row, t) =>
    row.forEach((n, p) => {
      total += n;
      actual[t] += n;
      predicted[p] += n;
      if (t === p) correct += n;
    }),
  );
  const ratio = (a: number, b: number): number => (b ? a / b : 0);
  const perClass = confusion.map((row, c) => {
    const precision = ratio(row[c], predicted[c]);
    const recall = ratio(row[c], actual[c]);
    return { precision, recall, f1: ratio(2 * precision * recall, precision + recall), support: actual[c] };
  });
  const mean = (key: 'precision' | 'recall' | 'f1'): number => perClass.reduce((sum, s) => sum + s[key], 0) / k;
  return {
    confusion: confusion.map((row) => row.slice()),
    accuracy: ratio(correct, total),
    perClass,
    macro: { precision: mean('precision'), recall: mean('recall'), f1: mean('f1') },
  };
}

/** Positives (label ≥ 0.5) and negatives, then the example order by falling score; throws on bad input. */
function rankScores(labels: ArrayLike<number>, scores: ArrayLike<number>, where: string): { order: number[]; positives: number; negatives: number } {
  if (labels.length !== scores.length) throw new Error(`${where}: ${labels.length} labels but ${scores.length} scores; expected the same count`);
  let positives = 0;
  for (let i = 0; i < labels.length; i++) {
    if (!Number.isFinite(scores[i])) throw new Error(`${where}: score ${scores[i]} at index ${i}; expected finite numbers`);
    if (labels[i] >= 0.5) positives++;
  }
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  return { order, positives, negatives: labels.length - positives };
}

/**
 * Calls visit(threshold, tp, fp) once per distinct score, from the highest down: tp and fp count the
 * examples scoring ≥ threshold. Tied scores move together, so a tie is one step (a diagonal on the ROC).
 */
function walkThresholds(labels: ArrayLike<number>, scores: ArrayLike<number>, order: number[], visit: (threshold: number, tp: number, fp: number) => void): void {
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < order.length; ) {
    const s = scores[order[i]];
    for (; i < order.length && scores[order[i]] === s; i++) {
      if (labels[order[i]] >= 0.5) tp++;
      else fp++;
    }
    visit(s, tp, fp);
  }
}

export interface RocCurve {
  /** False and true positive rates, from (0, 0) at threshold +∞ to (1, 1) at the lowest score. */
  fpr: number[];
  tpr: number[];
  /** thresholds[i]: predicted positive when score ≥ thresholds[i]. */
  thresholds: number[];
  /** Trapezoidal area under the curve; NaN when the labels hold one class only (the curve is undefined). */
  auc: number;
}

/** The ROC curve of binary scores (e.g. sigmoid outputs) against 0/1 labels (label ≥ 0.5 is positive). */
export function rocCurve(labels: ArrayLike<number>, scores: ArrayLike<number>, where = 'rocCurve'): RocCurve {
  const { order, positives, negatives } = rankScores(labels, scores, where);
  if (positives === 0 || negatives === 0) return { fpr: [], tpr: [], thresholds: [], auc: NaN };
  const curve: RocCurve = { fpr: [0], tpr: [0], thresholds: [Infinity], auc: NaN };
  let area = 0;
  walkThresholds(labels, scores, order, (threshold, tp, fp) => {
    const fpr = fp / negatives;
    const tpr = tp / positives;
    const last = curve.fpr.length - 1;
    area += (fpr - curve.fpr[last]) * ((tpr + curve.tpr[last]) / 2);
    curve.fpr.push(fpr);
    curve.tpr.push(tpr);
    curve.thresholds.push(threshold);
  });
  curve.auc = area;
  return curve;
}

export interface PrecisionRecallCurve {
  /** precision[i] and recall[i] when predicting positive for score ≥ thresholds[i] (falling thresholds). */
  precision: number[];
  recall: number[];
  thresholds: number[];
  /** Σ (R_i − R_{i−1}) · P_i over the thresholds (scikit-learn's step-wise average precision); NaN without positives. */
  averagePrecision: number;
}

/** The precision–recall curve of binary scores against 0/1 labels (label ≥ 0.5 is positive). */
export function precisionRecallCurve(labels: ArrayLike<number>, scores: ArrayLike<number>): PrecisionRecallCurve {
  const { order, positives } = rankScores(labels, scores, 'precisionRecallCurve');
  const curve: PrecisionRecallCurve = { precision: [], recall: [], thresholds: [], averagePrecision: NaN };
  if (positives === 0) return curve;
  let ap = 0;
  let previousRecall = 0;
  walkThresholds(labels, scores, order, (threshold, tp, fp) => {
    const precision = tp / (tp + fp);
    const recall = tp / positives;
    ap += (recall - previousRecall) * precision;
    previousRecall = recall;
    curve.precision.push(precision);
    curve.recall.push(recall);
    curve.thresholds.push(threshold);
  });
  curve.averagePrecision = ap;
  return curve;
}

export interface RegressionMetrics {
  rmse: number;
  mae: number;
  /** Coefficient of determination, averaged over outputs; a constant target gives 1 if predicted exactly, else 0 (as scikit-learn). */
  r2: number;
}

/** RMSE and MAE over every value, R² per output column (`outputs` values per row, row-major) then averaged. */
export function regressionMetrics(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, outputs = 1): RegressionMetrics {
  if (yTrue.length !== yPred.length) throw new Error(`regressionMetrics: ${yTrue.length} targets but ${yPred.length} predictions; expected the same count`);
  if (!Number.isInteger(outputs) || outputs < 1 || yTrue.length % outputs !== 0) {
    throw new Error(`regressionMetrics: outputs must be a positive integer dividing the ${yTrue.length} values, got ${outputs}`);
  }
  const rows = yTrue.length / outputs;
  if (rows === 0) throw new Error('regressionMetrics: no examples');
  let squared = 0;
  let absolute = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const d = yPred[i] - yTrue[i];
    squared += d * d;
    absolute += Math.abs(d);
  }
  let r2 = 0;
  for (let j = 0; j < outputs; j++) {
    let mean = 0;
    for (let r = 0; r < rows; r++) mean += yTrue[r * outputs + j] / rows;
    let residual = 0;
    let spread = 0;
    for (let r = 0; r < rows; r++) {
      const t = yTrue[r * outputs + j];
      residual += (t - yPred[r * outputs + j]) ** 2;
      spread += (t - mean) ** 2;
    }
    r2 += spread > 0 ? 1 - residual / spread : residual === 0 ? 1 : 0;
  }
  return { rmse: Math.sqrt(squared / yTrue.length), mae: absolute / yTrue.length, r2: r2 / outputs };
}

// ---- from device counts (Backend.metricCounts): what the metrics panel reads back instead of predictions ----

/** Keras's epsilon: the AUC's end thresholds sit this far outside [0, 1]. */
const KERAS_EPSILON = 1e-7;

/**
 * The thresholds of Keras's `tf.keras.metrics.AUC(num_thresholds)` (default 200): −ε, then i / (n − 1) for
 * i = 1 … n − 2, then 1 + ε; a score counts as positive at a threshold it exceeds (>).
 */
export function aucThresholds(numThresholds = 200): Float32Array {
  if (!Number.isInteger(numThresholds) || numThresholds < 3) throw new Error(`aucThresholds: numThresholds must be an integer ≥ 3 (as Keras's AUC), got ${numThresholds}`);
  const inner = Array.from({ length: numThresholds - 2 }, (_, i) => (i + 1) / (numThresholds - 1));
  return Float32Array.from([0 - KERAS_EPSILON, ...inner, 1 + KERAS_EPSILON]);
}

/** The k × k confusion matrix at the head of a `classes` counts tensor's values. */
export function confusionFromCounts(counts: ArrayLike<number>, classes: number): number[][] {
  if (counts.length < classes * classes) throw new Error(`confusionFromCounts: ${counts.length} counts cannot hold a ${classes} × ${classes} matrix`);
  return Array.from({ length: classes }, (_, t) => Array.from({ length: classes }, (_, p) => counts[t * classes + p]));
}

/** Positives and negatives above each of T thresholds (ascending), as metricCounts gives them after the confusion counts. */
export interface ThresholdCounts {
  thresholds: ArrayLike<number>;
  tp: ArrayLike<number>;
  fp: ArrayLike<number>;
  positives: number;
  negatives: number;
}

/** The threshold counts of a two-class counts tensor (its confusion matrix's rows give the positives and negatives). */
export function thresholdCountsOf(counts: ArrayLike<number>, thresholds: ArrayLike<number>): ThresholdCounts {
  const T = thresholds.length;
  if (counts.length !== 4 + 2 * T) throw new Error(`thresholdCountsOf: ${counts.length} counts; expected 4 confusion cells and 2 × ${T} threshold counts`);
  const values = Array.from(counts);
  return { thresholds, tp: values.slice(4, 4 + T), fp: values.slice(4 + T), positives: values[2] + values[3], negatives: values[0] + values[1] };
}

const noNaN = (a: number, b: number): number => (b ? a / b : 0);

/**
 * The ROC curve at the thresholds, and its area as Keras's AUC computes it (summation 'interpolation': the
 * trapezoid between neighbouring thresholds). Points run from the highest threshold (0, 0) to the lowest (1, 1).
 * AUC NaN when a class is absent.
 */
export function rocFromCounts({ thresholds, tp, fp, positives, negatives }: ThresholdCounts): RocCurve {
  if (positives === 0 || negatives === 0) return { fpr: [], tpr: [], thresholds: [], auc: NaN };
  const curve: RocCurve = { fpr: [], tpr: [], thresholds: [], auc: 0 };
  for (let i = thresholds.length - 1; i >= 0; i--) {
    curve.fpr.push(noNaN(fp[i], negatives));
    curve.tpr.push(noNaN(tp[i], positives));
    curve.thresholds.push(thresholds[i]);
  }
  for (let i = 1; i < curve.fpr.length; i++) curve.auc += (curve.fpr[i] - curve.fpr[i - 1]) * ((curve.tpr[i] + curve.tpr[i - 1]) / 2);
  return curve;
}

/**
 * The precision–recall curve at the thresholds (those where something is predicted positive), and its area
 * as Keras's AUC(curve='PR') computes it: 'interpolation' after Davis & Goadrich (2006), true and false
 * positives linear between neighbouring thresholds (Keras's interpolate_pr_auc). NaN without positives.
 */
export function precisionRecallFromCounts({ thresholds, tp, fp, positives }: ThresholdCounts): PrecisionRecallCurve {
  const curve: PrecisionRecallCurve = { precision: [], recall: [], thresholds: [], averagePrecision: NaN };
  if (positives === 0) return curve;
  for (let i = thresholds.length - 1; i >= 0; i--) {
    if (tp[i] + fp[i] === 0) continue;
    curve.precision.push(tp[i] / (tp[i] + fp[i]));
    curve.recall.push(tp[i] / positives);
    curve.thresholds.push(thresholds[i]);
  }
  let area = 0;
  for (let i = 0; i + 1 < thresholds.length; i++) {
    const dtp = tp[i] - tp[i + 1];
    const pA = tp[i] + fp[i];
    const pB = tp[i + 1] + fp[i + 1];
    const slope = noNaN(dtp, Math.max(pA - pB, 0));
    const intercept = tp[i + 1] - slope * pB;
    const ratio = pA > 0 && pB > 0 ? noNaN(pA, Math.max(pB, 0)) : 1;
    // fn at threshold i + 1 is positives − tp[i + 1], so tp + fn is the positives.
    area += noNaN(slope * (dtp + intercept * Math.log(ratio)), positives);
  }
  curve.averagePrecision = area;
  return curve;
}

/** RMSE, MAE and R² (per output column, then averaged) from metricCounts' regression sums ([columns, 5]). */
export function regressionFromSums(sums: ArrayLike<number>): RegressionMetrics {
  if (sums.length === 0 || sums.length % 5 !== 0) throw new Error(`regressionFromSums: expected 5 sums per output column, got ${sums.length} values`);
  const columns = sums.length / 5;
  let squared = 0;
  let absolute = 0;
  let count = 0;
  let r2 = 0;
  for (let c = 0; c < columns; c++) {
    const [se, ae, sd, sdd, n] = Array.from({ length: 5 }, (_, j) => sums[c * 5 + j]);
    if (!(n > 0)) throw new Error('regressionFromSums: no examples');
    squared += se;
    absolute += ae;
    count += n;
    // The spread Σ(y − ȳ)²: shift-invariant, so the sums of d = y − y₀ give it; never below 0 by rounding.
    const spread = Math.max(0, sdd - (sd * sd) / n);
    r2 += spread > 0 ? 1 - se / spread : se === 0 ? 1 : 0;
  }
  return { rmse: Math.sqrt(squared / count), mae: absolute / count, r2: r2 / columns };
}
