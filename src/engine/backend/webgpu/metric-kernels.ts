// The launcher of metrics.wgsl (Backend.metricCounts): the checks are the CPU reference's, so both backends
// refuse the same inputs with the same message.
import type { MetricCountsInfo } from '../backend';
import { checkMetricCounts } from '../cpu/metrics';
import { Executor } from './executor';
import { metricParams } from './layouts';
import type { GpuTensor, Storage } from './memory';

/** metrics.wgsl's workgroup counters (its CAPACITY): k·k confusion cells plus 2·(T + 1) threshold buckets. */
export const METRIC_COUNT_CAPACITY = 3072;

export function metricCounts(ex: Executor, info: MetricCountsInfo, pred: GpuTensor, labels: GpuTensor, dummy: Storage, thresholds?: GpuTensor): GpuTensor {
  const [rows, columns] = checkMetricCounts(info, pred, labels, thresholds);
  if (info.kind === 'regression') {
    const out = ex.alloc([columns, 5]);
    if (columns === 0) return out;
    const params = metricParams.write({ rows, columns, classes: 0, has_cut: 0, cut: 0, has_score: 0, score_column: 0, signed: 0, thresholds: 0 });
    ex.dispatch('metric_regression', params, [pred.storage, labels.storage, out.storage], [columns, 1, 1]);
    return out;
  }
  const { classes: k, cut, score } = info;
  const t = score ? thresholds!.size : 0;
  const used = k * k + (score ? 2 * (t + 1) : 0);
  if (used > METRIC_COUNT_CAPACITY) {
    throw new Error(`metricCounts: ${k} classes${score ? ` and ${t} thresholds` : ''} need ${used} counters; WebGPU's kernel holds at most ${METRIC_COUNT_CAPACITY} (${Math.floor(Math.sqrt(METRIC_COUNT_CAPACITY))} classes)`);
  }
  const out = ex.alloc([k * k + 2 * t]);
  const params = metricParams.write({
    rows,
    columns,
    classes: k,
    has_cut: cut === null ? 0 : 1,
    cut: cut ?? 0,
    has_score: score ? 1 : 0,
    score_column: score?.column ?? 0,
    signed: score?.signed ? 1 : 0,
    thresholds: t,
  });
  ex.dispatch('metric_classes', params, [pred.storage, labels.storage, score ? thresholds!.storage : dummy, out.storage], [1, 1, 1]);
  return out;
}
