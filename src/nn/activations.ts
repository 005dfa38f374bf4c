// Activation names a layer accepts, and applying one outside a fused kernel.
import type { ActivationKind } from '../engine/backend/backend';
import * as ops from '../engine/ops';
import type { Tensor } from '../engine/tensor';

/** Every element-wise kind plus `softmax` (over the last axis). `step` has zero gradient (inference-only demos). */
export type Activation = ActivationKind | 'softmax';

export const ACTIVATIONS: readonly Activation[] = [
  'linear',
  'relu',
  'leaky_relu',
  'elu',
  'sigmoid',
  'tanh',
  'softplus',
  'swish',
  'softmax',
  'step',
];

/** The activation, or an Error naming where it was given and the names accepted. */
export function checkActivation(value: unknown, where: string): Activation {
  if (value === undefined || value === null) return 'linear';
  if (typeof value === 'string' && (ACTIVATIONS as readonly string[]).includes(value)) return value as Activation;
  throw new Error(`${where}: unknown activation ${JSON.stringify(value)}; expected one of ${ACTIVATIONS.join(', ')}`);
}

export function applyActivation(kind: Activation, x: Tensor): Tensor {
  return kind === 'softmax' ? ops.softmax(x) : ops.activation(kind, x);
}
