import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src/engine/random';
import { auc, classificationReport, computeMetrics, confusionMatrix, precisionRecallCurve, regressionMetrics, rocCurve } from '../../../src/nn/metrics';

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

  describe('classificationReport (hand-computed)', () => {
    it('per class and macro scores, with a class never predicted', () => {
      // true 0 0 0 1 1 2 2, predicted 0 0 1 1 0 1 0: class 2 is never predicted.
      const confusion = confusionMatrix([0, 0, 0, 1, 1, 2, 2], [0, 0, 1, 1, 0, 1, 0], 3);
      expect(confusion).toEqual([
        [2, 1, 0],
        [1, 1, 0],
        [1, 1, 0],
      ]);
      const r = classificationReport(confusion);
      expect(r.accuracy).toBeCloseTo(3 / 7, 12);
      const expected = [
        { precision: 2 / 4, recall: 2 / 3, f1: 4 / 7, support: 3 },
        { precision: 1 / 3, recall: 1 / 2, f1: 2 / 5, support: 2 },
        { precision: 0, recall: 0, f1: 0, support: 2 },
      ];
      r.perClass.forEach((s, c) => {
        for (const key of ['precision', 'recall', 'f1', 'support'] as const) expect(s[key]).toBeCloseTo(expected[c][key], 12);
      });
      expect(r.macro.precision).toBeCloseTo(5 / 18, 12);
      expect(r.macro.recall).toBeCloseTo(7 / 18, 12);
      expect(r.macro.f1).toBeCloseTo(34 / 105, 12);
    });

    it('a single class, and no examples at all', () => {
      expect(classificationReport([[5]])).toEqual({ confusion: [[5]], accuracy: 1, perClass: [{ precision: 1, recall: 1, f1: 1, support: 5 }], macro: { precision: 1, recall: 1, f1: 1 } });
      expect(classificationReport([[0]]).accuracy).toBe(0);
      expect(() => classificationReport([[1, 2], [3]])).toThrow('classificationReport: expected a square confusion matrix (classes × classes), got 2 rows of lengths 2, 1');
    });

    it('agrees with computeMetrics on the same predictions', () => {
      const pred = arr([4, 3], [0.7, 0.2, 0.1, 0.1, 0.1, 0.8, 0.3, 0.4, 0.3, 0.5, 0.4, 0.1]);
      const m = computeMetrics(['accuracy', 'precision', 'recall', 'f1'], arr([4], [0, 2, 2, 1]), pred, 'sparse_categorical_crossentropy');
      const r = classificationReport(confusionMatrix([0, 2, 2, 1], [0, 2, 1, 0], 3));
      expect(m).toEqual({ accuracy: r.accuracy, ...r.macro });
    });
  });

  describe('rocCurve and precisionRecallCurve (hand-computed)', () => {
    // Scores with ties between a positive and a negative at 0.8 and at 0.3.
    const labels = [1, 0, 1, 0, 1];
    const scores = Float32Array.from([0.9, 0.8, 0.8, 0.3, 0.3]);

    it('ROC: one point per distinct score, ties as one diagonal step; AUC equals the pairwise ranking probability', () => {
      const roc = rocCurve(labels, scores);
      expect(roc.fpr).toEqual([0, 0, 0.5, 1]);
      expect(roc.tpr.map((v) => v * 3)).toEqual([0, 1, 2, 3]);
      expect(roc.thresholds).toEqual([Infinity, scores[0], scores[1], scores[3]]);
      // Pairs (positive, negative) ranked right: 0.9>0.8, 0.9>0.3, 0.8=0.8 (½), 0.8>0.3, 0.3<0.8, 0.3=0.3 (½): 4 of 6.
      expect(roc.auc).toBeCloseTo(2 / 3, 12);
      expect(auc(labels, scores)).toBeCloseTo(2 / 3, 12);
    });

    it('precision–recall: step-wise average precision', () => {
      const pr = precisionRecallCurve(labels, scores);
      expect(pr.precision.map((v) => +v.toFixed(12))).toEqual([1, +(2 / 3).toFixed(12), 0.6]);
      expect(pr.recall.map((v) => +v.toFixed(12))).toEqual([+(1 / 3).toFixed(12), +(2 / 3).toFixed(12), 1]);
      // (1/3)·1 + (1/3)·(2/3) + (1/3)·(3/5)
      expect(pr.averagePrecision).toBeCloseTo(34 / 45, 12);
    });

    it('on random scores with many ties, AUC equals the brute-force pairwise probability and AP its definition', () => {
      const rng = createRng(3);
      const n = 200;
      const y = Array.from({ length: n }, () => (rng.next() < 0.4 ? 1 : 0));
      const s = Array.from({ length: n }, () => Math.floor(rng.next() * 12) / 12); // 12 distinct values
      let pairs = 0;
      let won = 0;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          if (y[i] !== 1 || y[j] !== 0) continue;
          pairs++;
          won += s[i] > s[j] ? 1 : s[i] === s[j] ? 0.5 : 0;
        }
      }
      expect(rocCurve(y, s).auc).toBeCloseTo(won / pairs, 12);
      // AP = Σ over distinct thresholds t (falling) of ΔRecall(t) · Precision(t), counted directly per threshold.
      const positives = y.filter((v) => v === 1).length;
      let ap = 0;
      let previous = 0;
      for (const t of [...new Set(s)].sort((a, b) => b - a)) {
        const tp = s.filter((v, i) => v >= t && y[i] === 1).length;
        const predicted = s.filter((v) => v >= t).length;
        ap += (tp / positives - previous) * (tp / predicted);
        previous = tp / positives;
      }
      expect(precisionRecallCurve(y, s).averagePrecision).toBeCloseTo(ap, 12);
    });

    it('a perfect ranking and an inverted one', () => {
      expect(rocCurve([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9]).auc).toBe(1);
      expect(rocCurve([1, 1, 0, 0], [0.1, 0.2, 0.8, 0.9]).auc).toBe(0);
      expect(precisionRecallCurve([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9]).averagePrecision).toBe(1);
    });

    it('one class only: the ROC is undefined (NaN, no points; auc() gives Keras’s 0); PR needs positives', () => {
      expect(rocCurve([1, 1], [0.2, 0.7])).toEqual({ fpr: [], tpr: [], thresholds: [], auc: NaN });
      expect(rocCurve([0, 0], [0.2, 0.7]).auc).toBeNaN();
      expect(auc([0, 0], [0.2, 0.7])).toBe(0);
      expect(precisionRecallCurve([1, 1], [0.2, 0.7])).toEqual({ precision: [1, 1], recall: [0.5, 1], thresholds: [0.7, 0.2], averagePrecision: 1 });
      expect(precisionRecallCurve([0, 0], [0.2, 0.7]).averagePrecision).toBeNaN();
    });

    it('bad input names the problem', () => {
      expect(() => rocCurve([1, 0], [0.5])).toThrow('rocCurve: 2 labels but 1 scores; expected the same count');
      expect(() => precisionRecallCurve([1, 0], [0.5, NaN])).toThrow('precisionRecallCurve: score NaN at index 1; expected finite numbers');
    });
  });

  describe('regressionMetrics (hand-computed)', () => {
    it('RMSE, MAE and R² of one output', () => {
      // errors 0, 1, −1, 0: MSE 0.5; mean 2.5, total sum of squares 5, residual 2.
      const m = regressionMetrics(Float32Array.from([1, 2, 3, 4]), Float32Array.from([1, 3, 2, 4]));
      expect(m.rmse).toBeCloseTo(Math.sqrt(0.5), 12);
      expect(m.mae).toBe(0.5);
      expect(m.r2).toBeCloseTo(0.6, 12);
    });

    it('R² averages over outputs; a constant target scores 1 when met exactly, else 0', () => {
      const yTrue = [1, 10, 2, 10, 3, 10];
      expect(regressionMetrics(yTrue, [1, 10, 2, 10, 4, 10], 2).r2).toBeCloseTo((0.5 + 1) / 2, 12);
      expect(regressionMetrics(yTrue, [1, 10, 2, 11, 4, 10], 2).r2).toBeCloseTo((0.5 + 0) / 2, 12);
      expect(() => regressionMetrics([1, 2, 3], [1, 2, 3], 2)).toThrow('regressionMetrics: outputs must be a positive integer dividing the 3 values, got 2');
      expect(() => regressionMetrics([1], [1, 2])).toThrow('regressionMetrics: 1 targets but 2 predictions; expected the same count');
    });
  });
});
