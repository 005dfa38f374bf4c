// One training step as one function of (x, y): forward, loss, gradients, parameter updates and the step
// counter, with no host reads, so a backend can record it once into a replayable plan.
import type { LossInfo, OptimizerConfig, TensorHandle } from '../engine/backend/backend';
import type { DenseStepLayer, DenseStepSpec } from '../engine/dense-step';
import * as ops from '../engine/ops';
import { activeBackend } from '../engine/registry';
import { grad, noGrad, type Tensor } from '../engine/tensor';
import { forward } from './forward';
import type { Layer, Param } from './layers/layer';
import { regularizationPenalty } from './regularizers';

/** Everything a step reads and writes. Parameters, slots and the counter are updated in place on the device. */
export interface TrainState {
  layers: readonly Layer[];
  /** The trainable parameters, in model order. */
  params: readonly Param[];
  loss: LossInfo;
  /** Read at every step, so the learning rate may change between steps. */
  optimizer: OptimizerConfig;
  /** Optimizer slots per parameter (same order as `params`), see optimizers.ts's SLOT_COUNTS. */
  slots: readonly TensorHandle[][];
  /** One-element step counter: Adam's bias correction and dropout masks read it on the device. */
  counter: Tensor;
}

/** x: [batch, ...inputShape]; y: targets as prepared by losses.ts. Returns the [] loss (data + regularization) before the update. */
export type TrainStep = (x: Tensor, y: Tensor) => Tensor;

export function createTrainStep(state: TrainState): TrainStep {
  const variables = state.params.map((p) => p.variable);
  return (x, y) => {
    const b = activeBackend();
    const pred = forward(state.layers, x, { training: true, step: state.counter }, state.loss.fromLogits);
    const dataLoss = ops.loss(state.loss, pred, y);
    const grads = grad(dataLoss, variables);
    // The penalty is measured on the weights before this update, as Keras reports it.
    const penalty = regularizationPenalty(state.params);
    const total = penalty ? noGrad(() => ops.add(dataLoss, penalty)) : dataLoss;
    b.applyUpdates(
      state.optimizer,
      state.params.map((p, i) => ({ param: p.variable.handle, grad: grads[i].handle, slots: state.slots[i], regularization: p.regularization })),
      state.counter.handle,
    );
    b.increment(state.counter.handle);
    return total;
  };
}

/**
 * The step as a dense network, for backends that fuse it into one kernel (src/engine/dense-step.ts):
 * null unless every layer is a trainable Dense (an input layer aside) with an element-wise activation,
 * or softmax on the last one.
 */
export function denseStepSpec(state: TrainState): DenseStepSpec | null {
  const stack = state.layers.filter((l) => l.type !== 'InputLayer');
  const last = stack.length - 1;
  if (stack.length === 0 || stack.some((l, i) => l.type !== 'Dense' || !l.trainable || (l.activation === 'softmax' && i !== last))) return null;
  const param = (p: Param): DenseStepLayer['kernel'] => {
    const i = state.params.indexOf(p);
    return { variable: p.variable, slots: state.slots[i], regularization: p.regularization };
  };
  return {
    layers: stack.map((l, i) => ({
      kernel: param(l.params[0]),
      bias: l.params[1] ? param(l.params[1]) : null,
      // As forward(): with a logits loss the last layer stops before its activation.
      activation: state.loss.fromLogits && i === last ? 'linear' : (l.activation as DenseStepLayer['activation']),
    })),
    loss: state.loss,
    optimizer: state.optimizer,
    counter: state.counter,
  };
}
