// Inference over device-resident data in batches: predictions, and the loss and metrics of a compiled model.
// The forward pass goes through a batch runner (src/engine/batch-runner.ts): on WebGPU it is traced once
// and replayed per batch, so a pass creates no buffers or bind groups; each batch's outputs are copied
// out as soon as it ran, and the copies are awaited together at the end.
import type { LossInfo, LossKind } from '../engine/backend/backend';
import { createBatchRunner } from '../engine/batch-runner';
import * as ops from '../engine/ops';
import { noGrad, type Tensor } from '../engine/tensor';
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

/** A data set on the device, with the host copy of its targets for the metrics. */
export interface DeviceData {
  x: Tensor;
  y: Tensor;
  yHost: HostArray;
}

/** A pass over fixed data that can be repeated (each epoch's validation, say) without tracing again. */
export interface RepeatedPass<T> {
  run(): Promise<T>;
  /** Made for one run and eager for it (see BatchRunner.oneOff): a repeated pass would trace. */
  readonly oneOff: boolean;
  dispose(): void;
}

/**
 * The model's outputs for `x` ([N, ...]), read back to the host, `chunk` rows per forward pass;
 * `repeated` when it will run more than once (see BatchRunnerOptions).
 */
export function predictionPass(model: InferenceModel, x: Tensor, chunk: number, options: { repeated?: boolean } = {}): RepeatedPass<HostArray> {
  const runner = createBatchRunner({
    x,
    y: null,
    batchSize: chunk,
    repeated: options.repeated,
    fn: (xb) => noGrad(() => forward(model.layers, xb, { training: false, step: model.counter })),
  });
  return {
    async run() {
      runner.begin();
      const parts: Promise<Float32Array>[] = [];
      let outShape: readonly number[] = [];
      for (let i = 0; i < runner.batches; i++) {
        const out = runner.run(1);
        outShape = out.shape.slice(1);
        parts.push(out.data());
      }
      return { shape: [x.shape[0], ...outShape], values: concatValues(await Promise.all(parts)) };
    },
    oneOff: runner.oneOff,
    dispose: () => runner.dispose(),
  };
}

/**
 * Mean loss (plus the regularization penalty, as Keras reports it) and metrics of `data`, `chunk` rows per
 * forward pass; without `withLoss`, the metrics only; `repeated` when it will run more than once (see
 * BatchRunnerOptions). Per batch only its mean loss and (for the metrics) its predictions are read.
 */
export function scoringPass(model: ScoredModel, data: DeviceData, chunk: number, options: { withLoss?: boolean; repeated?: boolean } = {}): RepeatedPass<Record<string, number>> {
  const withLoss = options.withLoss ?? true;
  const needPredictions = model.metrics.length > 0;
  const rows = data.x.shape[0];
  const runner = createBatchRunner({
    x: data.x,
    y: data.y,
    batchSize: chunk,
    repeated: options.repeated,
    fn: (xb, yb) =>
      noGrad(() => {
        const out = forward(model.layers, xb, { training: false, step: model.counter }, model.loss.fromLogits);
        return {
          loss: withLoss ? ops.loss(model.loss, out, yb as Tensor) : null,
          pred: needPredictions && model.loss.fromLogits ? applyActivation(model.layers[model.layers.length - 1].activation, out) : out,
        };
      }),
  });
  return {
    async run() {
      runner.begin();
      const losses: Promise<Float32Array>[] = [];
      const preds: Promise<Float32Array>[] = [];
      let outShape: readonly number[] = [];
      for (let i = 0; i < runner.batches; i++) {
        const { loss, pred } = runner.run(1);
        if (loss) losses.push(loss.data());
        if (needPredictions) preds.push(pred.data());
        outShape = pred.shape.slice(1);
      }
      const penalty = withLoss ? noGrad(() => regularizationPenalty(model.params)) : null;
      const penaltyValue = penalty?.data().finally(() => penalty.dispose());
      const logs: Record<string, number> = {};
      if (withLoss) {
        // Each batch's mean loss, weighted by its rows.
        const means = await Promise.all(losses);
        let sum = 0;
        means.forEach((m, i) => (sum += m[0] * runner.batchRows(i)));
        logs.loss = sum / rows + (penaltyValue ? (await penaltyValue)[0] : 0);
      }
      if (needPredictions) {
        const values = concatValues(await Promise.all(preds));
        Object.assign(logs, computeMetrics(model.metrics, data.yHost, { shape: [rows, ...outShape], values }, model.lossKind));
      }
      return logs;
    },
    oneOff: runner.oneOff,
    dispose: () => runner.dispose(),
  };
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
