// The metrics panel's figures for one part of the lesson's data (training, validation or test), from the few
// numbers the engine's device reduction (ops.metricCounts) reads back for it, never from the predictions:
// the confusion counts (the classification report and accuracy follow), for two classes the counts at
// Keras's 200 AUC thresholds (ROC and precision–recall curves and their areas, as tf.keras.metrics.AUC
// computes them), or the sums of RMSE, MAE and R² for regression. This file says which outputs are the
// lesson's classes and scores; the engine's pure metric functions do the arithmetic.
import {
  aucThresholds, classificationReport, confusionFromCounts, precisionRecallFromCounts, regressionFromSums, rocFromCounts, thresholdCountsOf,
  type ClassificationReport, type MetricCountsInfo, type PrecisionRecallCurve, type RegressionMetrics, type RocCurve,
} from '../index';
import type { LayerSpec, Lesson } from './lesson';

export type DataPart = 'train' | 'validation' | 'test';
export const DATA_PARTS: readonly DataPart[] = ['train', 'validation', 'test'];

/** Keras's AUC default (num_thresholds=200): the thresholds the two-class curves are counted at. */
export const METRIC_THRESHOLDS = aucThresholds(200);

export interface ClassificationMetrics {
  kind: 'classification';
  report: ClassificationReport;
  /** Two classes only, both among the labels: ROC and precision–recall at METRIC_THRESHOLDS. */
  roc: RocCurve | null;
  pr: PrecisionRecallCurve | null;
}

export interface RegressionPartMetrics extends RegressionMetrics {
  kind: 'regression';
}

export type PartMetrics = ClassificationMetrics | RegressionPartMetrics;

/** Every non-empty part's metrics (a part with no samples is absent). */
export type LessonMetrics = Partial<Record<DataPart, PartMetrics>>;

/**
 * What the device counts for a network with this output layer: `classes` 0 is regression. A row's class is
 * decodeClasses' (argmax, or one unit against its midpoint); two classes also count class 1's score (one
 * unit, or the second) at the thresholds, mapped from [−1, 1] to [0, 1] where the targets are ±1 (tanh).
 */
export function metricCountsInfo(classes: number, output: Pick<LayerSpec, 'units' | 'activation'>): MetricCountsInfo {
  if (classes === 0) return { kind: 'regression' };
  const one = output.units === 1;
  const cut = one ? (output.activation === 'sigmoid' ? 0.5 : 0) : null;
  // Signed where encodeTargets codes "no" as −1.
  const signed = output.activation === 'tanh' || (one && output.activation === 'linear');
  const score = classes === 2 ? { column: one ? 0 : 1, signed } : null;
  return { kind: 'classes', classes, cut, score };
}

/** Share of rows on the confusion matrix's diagonal (0 for no rows). */
export function accuracyOfCounts(counts: ArrayLike<number>, classes: number): number {
  let right = 0;
  let total = 0;
  for (let t = 0; t < classes; t++) {
    for (let p = 0; p < classes; p++) {
      total += counts[t * classes + p];
      if (t === p) right += counts[t * classes + p];
    }
  }
  return total ? right / total : 0;
}

/** The metrics of a part from its device counts (metricCounts for metricCountsInfo(lesson)). */
export function partMetrics(lesson: Lesson, counts: ArrayLike<number>): PartMetrics {
  const classes = lesson.data.classes;
  if (classes === 0) return { kind: 'regression', ...regressionFromSums(counts) };
  const report = classificationReport(confusionFromCounts(counts, classes));
  let roc: RocCurve | null = null;
  let pr: PrecisionRecallCurve | null = null;
  const threshold = classes === 2 ? thresholdCountsOf(counts, METRIC_THRESHOLDS) : null;
  // The curves need both classes among the labels (a single class has no ROC).
  if (threshold && threshold.positives > 0 && threshold.negatives > 0) {
    roc = rocFromCounts(threshold);
    pr = precisionRecallFromCounts(threshold);
  }
  return { kind: 'classification', report, roc, pr };
}
