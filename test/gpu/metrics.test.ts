// metricCounts on WebGPU (shaders/metrics.wgsl) against the CPU reference: counts exactly, sums to 1e-4,
// on odd sizes (rows that do not fill the 256 threads), many classes and NaN predictions.
import { describe, expect, it } from 'vitest';
import type { Backend, MetricCountsInfo } from '../../src/engine/backend/backend';
import { aucThresholds } from '../../src/nn/metrics';
import { useBackend } from '../../src/engine/registry';
import { engineStats, statsDelta } from '../../src/engine/stats';
import { describeLesson } from '../../src/app/lesson';
import { lessonData } from '../../src/app/lesson-data';
import { METRIC_THRESHOLDS, metricCountsInfo } from '../../src/app/lesson-metrics';
import { SequentialNetwork } from '../../src/app/sequential-engine';
import { dataSet, networkSpec } from '../../src/app/trainer';
import { defaultSettings } from '../../src/app/url-table';
import { cpu, gpuSuite, maxViolation, randomValues, webgpuBackend } from './setup';

const gpu = await webgpuBackend();
const available = typeof gpu !== 'string';

async function run(b: Backend, info: MetricCountsInfo, pred: Float32Array, predShape: number[], labels: Float32Array, labelShape: number[], thresholds?: Float32Array): Promise<Float32Array> {
  const t = thresholds && b.upload(thresholds, [thresholds.length]);
  return b.read(b.metricCounts(info, b.upload(pred, predShape), b.upload(labels, labelShape), t));
}

async function bothBackends(...args: Parameters<typeof run> extends [Backend, ...infer R] ? R : never): Promise<[Float32Array, Float32Array]> {
  if (typeof gpu === 'string') throw new Error(gpu);
  return [await run(cpu, ...args), await run(gpu, ...args)];
}

/** Class labels in [0, k), drawn from a seed. */
const classLabels = (rows: number, k: number, seed: number): Float32Array => randomValues(rows, seed).map((v) => Math.min(k - 1, Math.floor(((v + 1) / 2) * k)));

describe.skipIf(!available)(gpuSuite('metricCounts on WebGPU equals the CPU reference', gpu), () => {
  it('confusion counts by argmax for 2 … 40 classes on odd row counts, NaN rows included (exact)', async () => {
    for (const [rows, k] of [[1, 2], [255, 3], [257, 10], [1001, 40], [3, 7]]) {
      const pred = randomValues(rows * k, rows + k);
      for (let i = 0; i < pred.length; i += 17) pred[i] = NaN;
      const [expected, actual] = await bothBackends({ kind: 'classes', classes: k, cut: null, score: null }, pred, [rows, k], classLabels(rows, k, k), [rows]);
      expect(Array.from(actual), `${rows} rows, ${k} classes`).toEqual(Array.from(expected));
    }
  });

  it("one unit, its cut and Keras's 200 thresholds (sigmoid and mapped tanh), ties and NaN scores (exact)", async () => {
    const t = aucThresholds();
    for (const signed of [false, true]) {
      const rows = 1337;
      const pred = randomValues(rows, 5).map((v) => (signed ? v : (v + 1) / 2));
      // Scores exactly at thresholds, and beyond both ends.
      for (let i = 0; i < 200; i++) pred[i * 3] = signed ? t[i] * 2 - 1 : t[i];
      pred[1] = NaN;
      pred[2] = signed ? 5 : -1;
      const info: MetricCountsInfo = { kind: 'classes', classes: 2, cut: signed ? 0 : 0.5, score: { column: 0, signed } };
      const [expected, actual] = await bothBackends(info, pred, [rows, 1], classLabels(rows, 2, 9), [rows, 1], t);
      expect(actual).toHaveLength(4 + 400);
      expect(Array.from(actual), signed ? 'tanh' : 'sigmoid').toEqual(Array.from(expected));
    }
    // Two softmax columns, the score in the second.
    const pred = randomValues(2 * 300, 4).map((v) => (v + 1) / 2);
    const [expected, actual] = await bothBackends({ kind: 'classes', classes: 2, cut: null, score: { column: 1, signed: false } }, pred, [300, 2], classLabels(300, 2, 3), [300], t);
    expect(Array.from(actual)).toEqual(Array.from(expected));
  });

  it('regression sums per column to 1e-4, on 1 … 3 columns and 1 … 4099 rows; NaN reads NaN', async () => {
    for (const [rows, columns] of [[1, 1], [300, 1], [4099, 3]]) {
      const labels = randomValues(rows * columns, rows, 3).map((v) => v + 10);
      const pred = randomValues(rows * columns, rows + 1, 3).map((v) => v + 10);
      const [expected, actual] = await bothBackends({ kind: 'regression' }, pred, [rows, columns], labels, [rows, columns]);
      expect(actual).toHaveLength(columns * 5);
      expect(maxViolation(actual, expected), `${rows} × ${columns}`).toBe(0);
    }
    const [expected, actual] = await bothBackends({ kind: 'regression' }, Float32Array.of(1, NaN, 2), [3, 1], Float32Array.of(1, 2, 3), [3, 1]);
    expect([Number.isNaN(actual[0]), Number.isNaN(actual[1])]).toEqual([true, true]);
    expect(maxViolation(actual, expected)).toBe(0);
  });

  it('refuses more counters than its workgroup holds, naming the limit', () => {
    if (typeof gpu === 'string') throw new Error(gpu);
    const k = 60;
    expect(() => gpu.metricCounts({ kind: 'classes', classes: k, cut: null, score: null }, gpu.upload(new Float32Array(k), [1, k]), gpu.upload(Float32Array.of(0), [1]))).toThrow(/3600 counters; WebGPU's kernel holds at most 3072/);
  });
});

describe.skipIf(!available)(gpuSuite("the page's network on WebGPU reads back its metrics as a few numbers", gpu), () => {
  it("evaluate(): every set's loss and counts in one readback; the counts are the CPU reference's on the same outputs", async () => {
    if (typeof gpu === 'string') throw new Error(gpu);
    const lesson = describeLesson({ ...defaultSettings(), seed: '0.25', networkShape: [5], optimizer: 'adam', learningRate: 0.03, validationSplit: 0.2 });
    const data = lessonData(lesson, new Map());
    const spec = networkSpec(lesson, data.train.length);
    useBackend(gpu);
    const network = await SequentialNetwork.create(spec);
    const sets = { train: dataSet(lesson, data.train), validation: dataSet(lesson, data.validation), test: dataSet(lesson, data.test) };
    network.setData(sets.train, sets.validation, sets.test);
    await network.trainBatches(20);
    await network.workDone();
    const measure = async (curves: boolean) => {
      const before = engineStats();
      const scores = await network.evaluate(curves);
      return { scores, delta: statsDelta(before, engineStats()) };
    };
    // A frame: three sets × (1 loss + 4 confusion cells), as float32, in one submit.
    const frame = await measure(false);
    expect(frame.delta.bytesReadBack).toBe(3 * (1 + 4) * 4);
    expect(frame.delta.submits).toBe(1);
    // A metrics update: the 2 × 200 threshold counts too.
    const { scores, delta } = await measure(true);
    expect(delta.bytesReadBack).toBe(3 * (1 + 4 + 400) * 4);
    expect(delta.submits).toBe(1);
    for (const part of ['train', 'validation', 'test'] as const) expect(frame.scores[part]!.loss).toBe(scores[part]!.loss);
    const info = metricCountsInfo(spec.classes, spec.layers[spec.layers.length - 1]);
    for (const part of ['train', 'validation', 'test'] as const) {
      const outputs = await network.outputs(part);
      const { rows, labels } = sets[part];
      const expected = await run(cpu, info, outputs, [rows, 1], labels, [rows], METRIC_THRESHOLDS);
      expect(Array.from(scores[part]!.counts), part).toEqual(Array.from(expected));
    }
    network.dispose();
  });
});
