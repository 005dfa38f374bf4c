// The device metric reduction (Backend.metricCounts) on the CPU reference, and the metrics made of its counts,
// against hand-computed cases and against the exact host metrics.
import { describe, expect, it } from 'vitest';
import type { MetricCountsInfo } from '../../../src/engine/backend/backend';
import { CpuBackend } from '../../../src/engine/backend/cpu/cpu-backend';
import { createRng } from '../../../src/engine/random';
import {
  aucThresholds, classificationReport, confusionFromCounts, confusionMatrix, precisionRecallCurve, precisionRecallFromCounts, regressionFromSums, regressionMetrics,
  rocCurve, rocFromCounts, thresholdCountsOf,
} from '../../../src/nn/metrics';

const cpu = new CpuBackend();

async function counts(info: MetricCountsInfo, pred: number[], predShape: number[], labels: number[], thresholds?: ArrayLike<number>): Promise<number[]> {
  const t = thresholds && cpu.upload(Float32Array.from(thresholds), [thresholds.length]);
  const out = cpu.metricCounts(info, cpu.upload(Float32Array.from(pred), predShape), cpu.upload(Float32Array.from(labels), [labels.length]), t);
  return Array.from(await cpu.read(out));
}

const argmax = (classes: number): MetricCountsInfo => ({ kind: 'classes', classes, cut: null, score: null });

describe('metricCounts (CPU reference)', () => {
  it('confusion counts by argmax: a class never predicted, ties to the first class, NaN never the argmax', async () => {
    const pred = [
      [0.9, 0.1, 0], // 0 → 0
      [0.5, 0.5, 0], // 0 → 0 (tie: the first)
      [0.1, 0.8, 0.1], // 1 → 1
      [NaN, 0.2, 0.1], // 1 → 0 (nothing beats a NaN at index 0, as argmaxRows)
      [0.6, 0.3, 0.1], // 2 → 0
      [0.2, 0.7, NaN], // 2 → 1 (a NaN never wins)
    ];
    const c = await counts(argmax(3), pred.flat(), [6, 3], [0, 0, 1, 1, 2, 2]);
    expect(confusionFromCounts(c, 3)).toEqual([
      [2, 0, 0],
      [1, 1, 0],
      [1, 1, 0],
    ]);
    const report = classificationReport(confusionFromCounts(c, 3));
    // Class 2 is never predicted: precision 0, recall 0, F1 0.
    expect(report.perClass[2]).toEqual({ precision: 0, recall: 0, f1: 0, support: 2 });
    expect(report.accuracy).toBeCloseTo(3 / 6, 12);
  });

  it('one unit against its cut, and counts per threshold with ties at a threshold (positive only above it) and a NaN score', async () => {
    const info: MetricCountsInfo = { kind: 'classes', classes: 2, cut: 0.5, score: { column: 0, signed: false } };
    const scores = [0.5, 0.5, 0.75, 0.2, NaN];
    const labels = [1, 0, 1, 0, 1];
    const c = await counts(info, scores, [5, 1], labels, [0.25, 0.5, 0.75]);
    // Cut: 0.5 ≥ 0.5 is class 1; NaN is class 0.
    expect(confusionFromCounts(c, 2)).toEqual([
      [1, 1],
      [1, 2],
    ]);
    // tp, fp: scores > 0.25 → positives 0.5, 0.75, negative 0.5; > 0.5 → 0.75 only; > 0.75 → none.
    expect(c.slice(4)).toEqual([2, 1, 0, 1, 0, 0]);
    const tc = thresholdCountsOf(c, [0.25, 0.5, 0.75]);
    expect([tc.positives, tc.negatives]).toEqual([3, 2]);
  });

  it('a tanh score is mapped to (s + 1) / 2 before the thresholds; softmax takes its second column', async () => {
    const signed: MetricCountsInfo = { kind: 'classes', classes: 2, cut: 0, score: { column: 0, signed: true } };
    // (−0.5 + 1) / 2 = 0.25: not above 0.25; 0 → 0.5; 0.9 → 0.95.
    expect(await counts(signed, [-0.5, 0, 0.9], [3, 1], [0, 1, 1], [0.25, 0.5, 0.9])).toEqual([1, 0, 0, 2, 2, 1, 1, 0, 0, 0]);
    const softmax: MetricCountsInfo = { kind: 'classes', classes: 2, cut: null, score: { column: 1, signed: false } };
    expect(await counts(softmax, [0.7, 0.3, 0.2, 0.8], [2, 2], [0, 1], [0.5])).toEqual([1, 0, 0, 1, 1, 0]);
  });

  it('a single class: counts fine, and the curves are undefined (AUC NaN), as with the exact ones', async () => {
    const info: MetricCountsInfo = { kind: 'classes', classes: 2, cut: 0.5, score: { column: 0, signed: false } };
    const t = aucThresholds(5);
    const c = await counts(info, [0.1, 0.7, 0.4], [3, 1], [0, 0, 0], t);
    expect(confusionFromCounts(c, 2)).toEqual([
      [2, 1],
      [0, 0],
    ]);
    const tc = thresholdCountsOf(c, t);
    expect(rocFromCounts(tc).auc).toBeNaN();
    expect(precisionRecallFromCounts(tc).averagePrecision).toBeNaN();
    expect(rocCurve([0, 0, 0], [0.1, 0.7, 0.4]).auc).toBeNaN();
    // One class among k = 1: a 1 × 1 matrix.
    expect(await counts(argmax(1), [0.3, 0.2], [2, 1], [0, 0])).toEqual([2]);
  });

  it('refuses labels that are not class indices and mismatched shapes, naming them', async () => {
    await expect(counts(argmax(2), [1, 0, 0, 1], [2, 2], [0, 2])).rejects.toThrow(/labels\[1\] = 2 is not a class index in \[0, 2\)/);
    await expect(counts(argmax(3), [1, 0, 0, 1], [2, 2], [0, 1])).rejects.toThrow(/argmax over 3 classes needs 3 columns/);
    await expect(counts({ kind: 'classes', classes: 3, cut: null, score: { column: 0, signed: false } }, [1, 0, 0], [1, 3], [0], [0.5])).rejects.toThrow(/two classes/);
  });

  it('regression sums: Σe², Σ|e|, the shifted Σd, Σd², n, and RMSE, MAE and R² from them equal the exact ones', async () => {
    const pred = [1, 2, 3];
    const labels = [1, 1, 5];
    const c = await counts({ kind: 'regression' }, pred, [3, 1], labels);
    // e = 0, 1, −2; d = y − 1 = 0, 0, 4.
    expect(c).toEqual([5, 3, 4, 16, 3]);
    const m = regressionFromSums(c);
    const exact = regressionMetrics(labels, pred);
    expect(m.rmse).toBeCloseTo(exact.rmse, 12);
    expect(m.mae).toBeCloseTo(exact.mae, 12);
    // R² = 1 − 5 / (16 − 16/3).
    expect(m.r2).toBeCloseTo(1 - 5 / (32 / 3), 12);
    expect(m.r2).toBeCloseTo(exact.r2, 12);
    // Two columns: R² per column, averaged, as regressionMetrics; a constant target predicted exactly counts 1.
    const two = await counts({ kind: 'regression' }, [1, 7, 2, 7, 3, 7], [3, 2], [1, 7, 1, 7, 5, 7]);
    const exact2 = regressionMetrics([1, 7, 1, 7, 5, 7], [1, 7, 2, 7, 3, 7], 2);
    const m2 = regressionFromSums(two);
    expect(m2.r2).toBeCloseTo(exact2.r2, 12);
    expect(m2.rmse).toBeCloseTo(exact2.rmse, 12);
  });
});

describe('metrics from threshold counts (Keras AUC)', () => {
  it("Keras's thresholds: −ε, i/(n − 1), 1 + ε", () => {
    const t = aucThresholds();
    expect(t).toHaveLength(200);
    expect(t[0]).toBeLessThan(0);
    expect(t[1]).toBe(Math.fround(1 / 199));
    expect(t[198]).toBe(Math.fround(198 / 199));
    expect(t[199]).toBeGreaterThan(1);
    expect(() => aucThresholds(2)).toThrow(/≥ 3/);
  });

  it('perfectly separated scores: ROC AUC 1 and PR area 1; reversed: 0', async () => {
    const info: MetricCountsInfo = { kind: 'classes', classes: 2, cut: 0.5, score: { column: 0, signed: false } };
    const t = aucThresholds();
    const good = thresholdCountsOf(await counts(info, [0.1, 0.2, 0.8, 0.9], [4, 1], [0, 0, 1, 1], t), t);
    expect(rocFromCounts(good).auc).toBeCloseTo(1, 12);
    expect(precisionRecallFromCounts(good).averagePrecision).toBeCloseTo(1, 12);
    const roc = rocFromCounts(good);
    expect([roc.fpr[0], roc.tpr[0], roc.fpr.at(-1), roc.tpr.at(-1)]).toEqual([0, 0, 1, 1]);
    const bad = thresholdCountsOf(await counts(info, [0.9, 0.8, 0.2, 0.1], [4, 1], [0, 0, 1, 1], t), t);
    expect(rocFromCounts(bad).auc).toBeCloseTo(0, 12);
  });

  it('on a smooth case the 200-threshold areas are within 2e-4 (ROC) and 2e-3 (PR) of the exact ones (measured: 3e-5 and 4e-4)', async () => {
    // Two overlapping classes, sigmoid scores of normal logits (Box–Muller from the seeded engine RNG).
    const rng = createRng(7);
    const normal = () => Math.sqrt(-2 * Math.log(1 - rng.uniform(0, 1))) * Math.cos(2 * Math.PI * rng.uniform(0, 1));
    const labels = Array.from({ length: 4001 }, (_, i) => (i % 3 === 0 ? 1 : 0));
    const scores = labels.map((y) => 1 / (1 + Math.exp(-(normal() + (y ? 1 : -0.5)))));
    const info: MetricCountsInfo = { kind: 'classes', classes: 2, cut: 0.5, score: { column: 0, signed: false } };
    const t = aucThresholds();
    const c = await counts(info, scores, [scores.length, 1], labels, t);
    const tc = thresholdCountsOf(c, t);
    const exactRoc = rocCurve(labels, Float32Array.from(scores)).auc;
    const exactPr = precisionRecallCurve(labels, Float32Array.from(scores)).averagePrecision;
    expect(Math.abs(rocFromCounts(tc).auc - exactRoc)).toBeLessThan(2e-4);
    expect(Math.abs(precisionRecallFromCounts(tc).averagePrecision - exactPr)).toBeLessThan(2e-3);
    // The confusion counts equal the host's from the same cut.
    const predicted = scores.map((s) => (Math.fround(s) >= 0.5 ? 1 : 0));
    expect(confusionFromCounts(c, 2)).toEqual(confusionMatrix(labels, predicted, 2));
  });
});
