// Looking inside a model, for drawing and teaching: every layer's activations for a batch, and the full
// backward pass of one example (z, a, δ = dL/dz, dW, db) as the course works it by hand.
import type { LossInfo } from '../engine/backend/backend';
import * as ops from '../engine/ops';
import { disposeAll, grad, noGrad, tidy, type Tensor } from '../engine/tensor';
import { applyActivation } from './activations';
import type { HostArray } from './host-array';
import type { ForwardContext, Layer, Param } from './layers/layer';
import { regularizationGradient, regularizationPenalty } from './regularizers';

export interface LayerOutput {
  name: string;
  type: string;
  /** Pre-activation, for layers with weights or an activation (Dense, Conv2D, Activation). */
  z?: HostArray;
  /** The layer's output. */
  a: HostArray;
}

export interface LayerInspection extends LayerOutput {
  /** dL/dz: where z exists. */
  delta?: HostArray;
  /** dL/dW and dL/db including the regularization gradient: exactly what the optimizer would receive. */
  dW?: HostArray;
  db?: HostArray;
}

export interface Inspection {
  /** The loss (data term plus regularization penalty). */
  loss: number;
  layers: LayerInspection[];
}

interface Traced {
  layer: Layer;
  z: Tensor | null;
  a: Tensor;
}

/** z where the layer has one, then a; InputLayer is skipped (its output is x). */
function trace(layers: readonly Layer[], x: Tensor, ctx: ForwardContext): Traced[] {
  const out: Traced[] = [];
  let h = x;
  for (const layer of layers) {
    if (layer.type === 'InputLayer') continue;
    const hasZ = layer.params.length > 0 || layer.activation !== 'linear';
    const z = hasZ ? layer.preActivation(h, ctx) : null;
    const a = z ? (layer.activation === 'linear' ? z : applyActivation(layer.activation, z)) : layer.call(h, ctx);
    out.push({ layer, z, a });
    h = a;
  }
  return out;
}

async function host(t: Tensor): Promise<HostArray> {
  return { shape: t.shape.slice(), values: await t.data() };
}

export async function layerOutputs(layers: readonly Layer[], x: Tensor, counter: Tensor): Promise<LayerOutput[]> {
  const traced = noGrad(() => tidy(() => trace(layers, x, { training: false, step: counter })));
  try {
    return await Promise.all(
      traced.map(async ({ layer, z, a }) => ({ name: layer.name, type: layer.type, ...(z && { z: await host(z) }), a: await host(a) })),
    );
  } finally {
    // An identity layer (dropout at inference) hands on its input, possibly x itself.
    disposeAll(traced, [x]);
  }
}

export async function inspect(layers: readonly Layer[], params: readonly Param[], loss: LossInfo, x: Tensor, y: Tensor, counter: Tensor): Promise<Inspection> {
  const { total, rows } = tidy(() => {
    const traced = trace(layers, x, { training: false, step: counter });
    const last = traced[traced.length - 1];
    const lossInput = loss.fromLogits && last.z ? last.z : last.a;
    const dataLoss = ops.loss(loss, lossInput, y);
    const zs = traced.filter((t) => t.z).map((t) => t.z as Tensor);
    const grads = grad(dataLoss, [...zs, ...params.map((p) => p.variable)]);
    const deltas = new Map(zs.map((z, i) => [z.id, grads[i]]));
    const paramGrads = new Map(
      params.map((p, i) => {
        const reg = regularizationGradient(p.variable, p.regularization);
        const g = grads[zs.length + i];
        return [p, reg ? noGrad(() => ops.add(g, reg)) : g] as const;
      }),
    );
    const gradOf = (layer: Layer, name: string): Tensor | undefined => {
      const p = layer.params.find((q) => q.name === name);
      return p && paramGrads.get(p);
    };
    const penalty = regularizationPenalty(params);
    return {
      total: penalty ? noGrad(() => ops.add(dataLoss, penalty)) : dataLoss,
      rows: traced.map(({ layer, z, a }) => ({ layer, z, a, delta: z ? deltas.get(z.id) : undefined, dW: gradOf(layer, 'kernel'), db: gradOf(layer, 'bias') })),
    };
  });
  try {
    const layerResults = await Promise.all(
      rows.map(
        async ({ layer, z, a, delta, dW, db }): Promise<LayerInspection> => ({
          name: layer.name,
          type: layer.type,
          ...(z && { z: await host(z) }),
          a: await host(a),
          ...(delta && { delta: await host(delta) }),
          ...(dW && { dW: await host(dW) }),
          ...(db && { db: await host(db) }),
        }),
      ),
    );
    return { loss: (await total.data())[0], layers: layerResults };
  } finally {
    disposeAll({ total, rows }, [x]);
  }
}
