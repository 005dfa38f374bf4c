// The metrics panel's figures for one part of the lesson's data (training, validation or test), from the
// network's outputs the trainer has already read back to compute the loss (no extra predict): the
// classification report and confusion matrix, ROC and precision-recall curves for two classes, or RMSE,
// MAE and R² for regression. The engine's pure metric functions do the arithmetic; this file only says
// which outputs are the lesson's classes and scores.
import { classificationReport, confusionMatrix, precisionRecallCurve, regressionMetrics, rocCurve } from '../index';
import type { ClassificationReport, PrecisionRecallCurve, RegressionMetrics, RocCurve } from '../index';
import { decodeClasses, isClassification, outputLayer, type Lesson } from './lesson';
import type { Sample } from './lesson-data';

export type DataPart = 'train' | 'validation' | 'test';
export const DATA_PARTS: readonly DataPart[] = ['train', 'validation', 'test'];

export interface ClassificationMetrics {
  kind: 'classification';
  report: ClassificationReport;
  /** Each sample's predicted class, in the part's order (for highlighting a confusion cell's points). */
  predicted: Int32Array;
  /** Two classes only: class 1's score against the labels. */
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
 * Class 1's score per row for a two-class lesson: the one output unit (tanh or sigmoid, thresholded at its
 * midpoint; the curves do not depend on the scale) or the second softmax unit.
 */
function positiveScores(lesson: Lesson, outputs: Float32Array, rows: number): Float32Array {
  const { units } = outputLayer(lesson);
  if (units === 1) return outputs.subarray(0, rows);
  return Float32Array.from({ length: rows }, (_, r) => outputs[r * units + 1]);
}

/** The metrics of `samples` given the network's `outputs` for them ([rows, output units], row-major). */
export function partMetrics(lesson: Lesson, samples: readonly Sample[], outputs: Float32Array): PartMetrics {
  const labels = samples.map((s) => s.label);
  if (!isClassification(lesson)) return { kind: 'regression', ...regressionMetrics(labels, outputs.subarray(0, samples.length)) };
  const classes = lesson.data.classes;
  const predicted = decodeClasses(lesson, outputs, samples.length);
  const report = classificationReport(confusionMatrix(labels, predicted, classes));
  let roc: RocCurve | null = null;
  let pr: PrecisionRecallCurve | null = null;
  // The curves need both classes among the labels (a single class has no ROC).
  if (classes === 2 && labels.includes(0) && labels.includes(1)) {
    const scores = positiveScores(lesson, outputs, samples.length);
    roc = rocCurve(labels, scores);
    pr = precisionRecallCurve(labels, scores);
  }
  return { kind: 'classification', report, predicted, roc, pr };
}
