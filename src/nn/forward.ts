// Running a stack of layers over a batch.
import type { Tensor } from '../engine/tensor';
import type { ForwardContext, Layer } from './layers/layer';

/**
 * The output of `layers` for `x`. With `logits`, the last layer stops before its activation
 * (the loss then takes the pre-activation, see losses.ts's lossInfo).
 */
export function forward(layers: readonly Layer[], x: Tensor, ctx: ForwardContext, logits = false): Tensor {
  let h = x;
  const last = layers.length - 1;
  layers.forEach((layer, i) => {
    h = logits && i === last ? layer.preActivation(h, ctx) : layer.call(h, ctx);
  });
  return h;
}
