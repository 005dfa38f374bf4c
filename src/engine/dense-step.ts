// What a backend needs to run a whole training step of a small dense network as one fused kernel
// (the WebGPU backend's dense_step, shaders/dense_step.wgsl): the layers with their parameters, optimizer
// slots and penalties, the loss and the optimizer. src/nn builds it for models that qualify
// (src/nn/train-step.ts denseStepSpec); compileTrainer uses it where the backend can.
import type { ActivationKind, LossInfo, OptimizerConfig, Regularization, TensorHandle } from './backend/backend';
import type { Tensor } from './tensor';

export interface DenseStepParam {
  variable: Tensor;
  /** Optimizer slots, as applyUpdates takes them. */
  slots: readonly TensorHandle[];
  regularization: Regularization;
}

export interface DenseStepLayer {
  kernel: DenseStepParam;
  bias: DenseStepParam | null;
  /**
   * The activation the step applies: 'linear' on the last layer when the loss takes logits; softmax (over
   * the units) on the last layer only.
   */
  activation: ActivationKind | 'softmax';
}

export interface DenseStepSpec {
  layers: readonly DenseStepLayer[];
  /** Any loss: element-wise ones per output, categorical ones per row. */
  loss: LossInfo;
  optimizer: OptimizerConfig;
  /** The model's step counter (Adam's bias correction), advanced by each step. */
  counter: Tensor;
}

/**
 * Multiply-adds of one forward pass (batch × Σ inputs·units) up to which the one-workgroup step is used:
 * the playground's largest network (7 inputs, 10 layers of 32, batch 100: 947,200) fits. Past about this
 * size one workgroup is the wrong shape for the work and the traced plan, whose kernels spread over the
 * whole device, takes over. Measured in Node on SwiftShader (one core per workgroup): 4 layers of 16 at
 * batch 30, fused 2.7 ms against the plan's 6.5 ms a step; the largest playground network, 66 ms (with
 * 64 threads) against 56 (the plan's kernels use both cores). A hardware GPU is not measured yet: there
 * the 256-thread variant runs such networks.
 */
export const DENSE_STEP_MAX_MACS = 1 << 20;

/** Training sets up to this many rows: the row arithmetic stays in u32 (as batch_indices in layout.wgsl). */
const MAX_ROWS = 65535;

/** The training set as the fused step reads it: rows of x and y, and the row order batches walk. */
export interface DenseStepData {
  x: Float32Array;
  y: Float32Array;
  order: Float32Array;
  rows: number;
}

/** Why `spec` cannot run as the fused step with this data and batch size, or null when it can. */
export function denseStepObstacle(spec: DenseStepSpec, data: DenseStepData, batch: number): string | null {
  if (spec.layers.length === 0) return 'the model has no layers';
  if (data.rows > MAX_ROWS) return `${data.rows} training rows exceed ${MAX_ROWS}`;
  const macs = batch * spec.layers.reduce((sum, l) => sum + l.kernel.variable.size, 0);
  if (macs > DENSE_STEP_MAX_MACS) return `${macs} multiply-adds per pass exceed ${DENSE_STEP_MAX_MACS}`;
  return null;
}
