// Inference over device-resident data in chunks: predictions, and the loss and metrics of a compiled model.
import type { LossInfo, LossKind } from '../engine/backend/backend';
import * as ops from '../engine/ops';
import { noGrad, tidy, type Tensor } from '../engine/tensor';
import { applyActivation } from './activations';
import { forward } from './forward';
import type { HostArray } from './host-array';
import type { Layer, Param } from './layers/layer';
import { computeMetrics, type MetricName } from './metrics';
import { regularizationPenalty } from './regularizers';

export interface InferenceModel {
  layers: readonly Layer[];
  counter: Tensor;
}

export interface ScoredModel extends InferenceModel {
  params: readonly Param[];
  lossKind: LossKind;
  loss: LossInfo;
  metrics: readonly MetricName[];
}

/** Rows [begin, begin + size) of a device tensor whose first axis is the batch. */
export function rowSlice(t: Tensor, begin: number, size: number): Tensor {
  return ops.slice(t, [begin, ...t.shape.slice(1).map(() => 0)], [size, ...t.shape.slice(1)]);
}

/** The model's outputs for `x` ([N, ...]) read back to the host, `chunk` rows per forward pass. */
export async function predictRows(model: InferenceModel, x: Tensor, chunk: number): Promise<HostArray> {
  const rows = x.shape[0];
  const outs = noGrad(() =>
    tidy(() => {
      const chunks: Tensor[] = [];
      for (let start = 0; start < rows; start += chunk) {
        chunks.push(forward(model.layers, rowSlice(x, start, Math.min(chunk, rows - start)), { training: false, step: model.counter }));
      }
      return chunks;
    }),
  );
  const values = await readAndDispose(outs);
  return { shape: [rows, ...(outs[0]?.shape.slice(1) ?? [])], values: concatValues(values) };
}

/**
 * Mean loss (plus the regularization penalty, as Keras reports it) and metrics of `x` against targets `y`.
 * `yHost` is the host copy of `y` for the metrics. The loss is summed on the device and read once.
 */
export async function scoreRows(
  model: ScoredModel,
  x: Tensor,
  y: Tensor,
  yHost: HostArray,
  chunk: number,
  withLoss = true,
): Promise<Record<string, number>> {
  const rows = x.shape[0];
  const needPredictions = model.metrics.length > 0;
  const { lossSum, preds } = noGrad(() =>
    tidy(() => {
      let sum: Tensor | null = null;
      const predictions: Tensor[] = [];
      for (let start = 0; start < rows; start += chunk) {
        const size = Math.min(chunk, rows - start);
        const out = forward(model.layers, rowSlice(x, start, size), { training: false, step: model.counter }, model.loss.fromLogits);
        if (withLoss) {
          const batchLoss = ops.mul(ops.loss(model.loss, out, rowSlice(y, start, size)), ops.fill([], size));
          sum = sum ? ops.add(sum, batchLoss) : batchLoss;
        }
        if (needPredictions) predictions.push(model.loss.fromLogits ? applyActivation(model.layers[model.layers.length - 1].activation, out) : out);
      }
      if (!sum) return { lossSum: null, preds: predictions };
      const mean = ops.mul(sum, ops.fill([], 1 / rows));
      const penalty = regularizationPenalty(model.params);
      return { lossSum: penalty ? ops.add(mean, penalty) : mean, preds: predictions };
    }),
  );
  const [lossValue, predValues] = await Promise.all([lossSum && readAndDispose([lossSum]).then((v) => v[0]), readAndDispose(preds)]);
  const outShape = preds[0]?.shape.slice(1) ?? [];
  const logs: Record<string, number> = {};
  if (lossValue) logs.loss = lossValue[0];
  if (needPredictions) {
    Object.assign(logs, computeMetrics(model.metrics, yHost, { shape: [rows, ...outShape], values: concatValues(predValues) }, model.lossKind));
  }
  return logs;
}

/** The tensors' values, each disposed once read. */
function readAndDispose(tensors: Tensor[]): Promise<Float32Array[]> {
  return Promise.all(tensors.map((t) => t.data().finally(() => t.dispose())));
}

function concatValues(parts: Float32Array[]): Float32Array {
  if (parts.length === 1) return parts[0];
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
