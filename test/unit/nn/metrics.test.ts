import { describe, expect, it } from 'vitest';
import { auc, computeMetrics, confusionMatrix } from '../../../src/nn/metrics';

const arr = (shape: number[], values: number[]) => ({ shape, values: Float32Array.from(values) });

describe('metrics', () => {
  it('binary accuracy thresholds predictions at 0.5 against 0/1 labels', () => {
    const m = computeMetrics(['accuracy'], arr([4, 1], [1, 0, 1, 0]), arr([4, 1], [0.9, 0.4, 0.2, 0.6]), 'binary_crossentropy');
    expect(m.accuracy).toBe(0.5);
  });

  it('categorical accuracy compares argmaxes; sparse accuracy compares the argmax with the index', () => {
    const pred = arr([3, 3], [0.1, 0.8, 0.1, 0.5, 0.3, 0.2, 0.2, 0.2, 0.6]);
    expect(computeMetrics(['accuracy'], arr([3, 3], [0, 1, 0, 0, 0, 1, 0, 0, 1]), pred, 'categorical_crossentropy').accuracy).toBeCloseTo(2 / 3);
    expect(computeMetrics(['accuracy'], arr([3], [1, 0, 2]), pred, 'sparse_categorical_crossentropy').accuracy).toBe(1);
  });

  it('precision, recall and f1 of the positive class (binary)', () => {
    // tp = 2, fp = 1, fn = 1
    const m = computeMetrics(['precision', 'recall', 'f1'], arr([5, 1], [1, 1, 1, 0, 0]), arr([5, 1], [0.9, 0.8, 0.1, 0.7, 0.2]), 'mse');
    expect(m.precision).toBeCloseTo(2 / 3);
    expect(m.recall).toBeCloseTo(2 / 3);
    expect(m.f1).toBeCloseTo(2 / 3);
  });

  it('precision and recall average over classes for several classes', () => {
    // class 0: tp 1, fp 1 → p 0.5, r 1; class 1: tp 0, fn 1 → p 0, r 0; class 2: tp 1 → p 1, r 1
    const m = computeMetrics(['precision', 'recall'], arr([3], [0, 1, 2]), arr([3, 3], [0.9, 0, 0.1, 0.6, 0.3, 0.1, 0, 0, 1]), 'sparse_categorical_crossentropy');
    expect(m.precision).toBeCloseTo(0.5);
    expect(m.recall).toBeCloseTo(2 / 3);
  });

  it('auc is the area under the exact ROC curve, ties as diagonal segments', () => {
    expect(auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBeCloseTo(0.75);
    expect(auc([0, 1], [0.5, 0.5])).toBeCloseTo(0.5);
    expect(auc([0, 0, 1], [0.1, 0.2, 0.9])).toBe(1);
    expect(auc([1, 1], [0.1, 0.2])).toBe(0);
    expect(() => auc([1], [0.1, 0.2])).toThrow(/1 labels but 2 scores/);
  });

  it('confusionMatrix counts true rows against predicted columns and rejects bad classes', () => {
    expect(confusionMatrix([0, 1, 2, 2, 1], [0, 2, 2, 1, 1], 3)).toEqual([
      [1, 0, 0],
      [0, 1, 1],
      [0, 1, 1],
    ]);
    expect(() => confusionMatrix([0, 3], [0, 1], 3)).toThrow('confusionMatrix: yTrue[1] = 3 is not a class index in [0, 3)');
  });
});
