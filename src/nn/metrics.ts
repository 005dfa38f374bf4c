// Classification metrics, computed on the host from predictions (after predict) and prepared targets.
//
// Which accuracy (as Keras picks it): sparse labels → argmax of the prediction against the index;
// binary cross-entropy or a one-unit output → element-wise, prediction ≥ 0.5 against a 0/1 label
// (labels are 0/1; a label ≥ 0.5 counts as positive); otherwise → argmax against argmax of one-hot rows.
// precision, recall, f1: the positive class for binary outputs; the unweighted mean over classes otherwise.
// auc: area under the exact ROC curve (trapezoids over every distinct score) of the flattened
// (label, score) pairs; one-hot rows are flattened as Keras's AUC does by default.
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
        const scores = task.binary ? [binaryScores(task.trueClass, task.predClass, 1)] : perClass(task);
        const pick = (s: ClassScores): number => s[name];
        out[name] = scores.reduce((sum, s) => sum + pick(s), 0) / scores.length;
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

interface ClassScores {
  precision: number;
  recall: number;
  f1: number;
}

/** Scores for class `positive`; an empty denominator gives 0, as Keras does. */
function binaryScores(trueClass: ArrayLike<number>, predClass: ArrayLike<number>, positive: number): ClassScores {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < trueClass.length; i++) {
    const t = trueClass[i] === positive;
    const p = predClass[i] === positive;
    if (t && p) tp++;
    else if (p) fp++;
    else if (t) fn++;
  }
  const precision = tp + fp ? tp / (tp + fp) : 0;
  const recall = tp + fn ? tp / (tp + fn) : 0;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1 };
}

function perClass(task: Task): ClassScores[] {
  return Array.from({ length: task.classes }, (_, c) => binaryScores(task.trueClass, task.predClass, c));
}

/** Area under the ROC curve of scores against 0/1 labels (label ≥ 0.5 is positive); 0 when a class is absent. */
export function auc(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  if (labels.length !== scores.length) throw new Error(`auc: ${labels.length} labels but ${scores.length} scores; expected the same count`);
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  let positives = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] >= 0.5) positives++;
  const negatives = labels.length - positives;
  if (positives === 0 || negatives === 0) return 0;
  let tp = 0;
  let fp = 0;
  let area = 0;
  // Walk thresholds from the highest score down; tied scores move together (a diagonal segment).
  for (let i = 0; i < order.length; ) {
    const prevTp = tp;
    const prevFp = fp;
    const s = scores[order[i]];
    for (; i < order.length && scores[order[i]] === s; i++) {
      if (labels[order[i]] >= 0.5) tp++;
      else fp++;
    }
    area += ((fp - prevFp) / negatives) * ((tp + prevTp) / 2 / positives);
  }
  return area;
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
