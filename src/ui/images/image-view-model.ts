// What the image views compute from published results: predicted classes with their probability, and which
// test images were misclassified (the confusion matrix is the device's counts, published as they are).
import { argmaxRows } from '../../index';

/** Per row of probabilities [rows, classes]: the most probable class and its probability. */
export function predictions(probabilities: Float32Array, classes: number): { predicted: Int32Array; confidence: Float32Array } {
  const rows = Math.floor(probabilities.length / classes);
  const predicted = argmaxRows(probabilities, rows, classes);
  const confidence = Float32Array.from(predicted, (c, r) => probabilities[r * classes + c]);
  return { predicted, confidence };
}

/** Indices of the rows whose predicted class is not their label, most confident mistakes first. */
export function mistakes(labels: ArrayLike<number>, predicted: ArrayLike<number>, confidence: ArrayLike<number>): number[] {
  const wrong: number[] = [];
  for (let i = 0; i < predicted.length; i++) if (predicted[i] !== labels[i]) wrong.push(i);
  return wrong.sort((a, b) => confidence[b] - confidence[a]);
}
