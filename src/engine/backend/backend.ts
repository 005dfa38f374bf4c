// The one interface every backend implements: the CPU reference (TypeScript) and WebGPU (WGSL).
// Handles are opaque to the engine: a backend creates them, reads them and frees them.
// Kernels never read data back to the host; only `read` does, and it is asynchronous.

export type Shape = readonly number[];

/** A backend-owned tensor: shape plus storage the backend alone understands. */
export interface TensorHandle {
  readonly shape: Shape;
  readonly size: number;
  /** Set by the backend's dispose: any later use throws. */
  readonly disposed: boolean;
}

export type UnaryOp = 'neg' | 'exp' | 'log' | 'sqrt' | 'abs' | 'sign' | 'square' | 'reciprocal';

/** Element-wise activations. `softmax` is not here: it is a kernel over the last axis. */
export type ActivationKind =
  | 'linear'
  | 'relu'
  | 'leaky_relu' // slope 0.2 for x < 0 (Keras's LeakyReLU default)
  | 'elu' // alpha 1
  | 'sigmoid'
  | 'tanh'
  | 'softplus'
  | 'swish' // x * sigmoid(x)
  | 'step'; // x > 0 ? 1 : 0; inference-only demos: its gradient is defined as zero

/** `equal` and `greater` give 1 or 0. `pow` is a^b for a > 0 or integer b. */
export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum' | 'equal' | 'greater';

export type ReduceOp = 'sum' | 'mean' | 'max';

export type Padding = 'valid' | 'same';

export interface Conv2DInfo {
  strides: [number, number];
  padding: Padding;
}

export interface Pool2DInfo {
  type: 'max' | 'avg';
  poolSize: [number, number];
  strides: [number, number];
  padding: Padding;
}

export type LossKind =
  | 'mse'
  | 'mae'
  | 'huber'
  | 'binary_crossentropy'
  | 'categorical_crossentropy'
  | 'sparse_categorical_crossentropy';

/**
 * `fromLogits`: the prediction is the pre-activation of a sigmoid (binary) or softmax (categorical) output;
 * the kernel computes the loss of the activated value and the gradient with respect to the logits.
 */
export interface LossInfo {
  kind: LossKind;
  fromLogits: boolean;
}

/**
 * What metricCounts counts. `classes`: labels are class indices; a row's predicted class is the argmax of its
 * `classes` columns (the first on ties; a NaN never wins) or, with `cut`, its one column ≥ cut (a NaN is
 * class 0). `score`: two classes only: the column counted against the thresholds, `signed` for a tanh or
 * linear output in [−1, 1], mapped to (s + 1) / 2 first. `regression`: labels have the prediction's shape.
 */
export type MetricCountsInfo =
  | { kind: 'classes'; classes: number; cut: number | null; score: { column: number; signed: boolean } | null }
  | { kind: 'regression' };

export type OptimizerKind = 'sgd' | 'rmsprop' | 'adam' | 'adagrad';

export interface OptimizerConfig {
  kind: OptimizerKind;
  learningRate: number;
  momentum: number; // sgd
  nesterov: boolean; // sgd
  rho: number; // rmsprop
  beta1: number; // adam
  beta2: number; // adam
  epsilon: number;
  initialAccumulatorValue: number; // adagrad
}

/** Per-parameter L1/L2 coefficients, folded into the gradient by the update kernel: g += l1*sign(w) + 2*l2*w. */
export interface Regularization {
  l1: number;
  l2: number;
  /**
   * Not Keras: TensorFlow Playground's L1 rule (its nn.ts updateWeights). A weight whose regularization
   * share of the step, lr·(l1·sign(w) + 2·l2·w) with w before the step, carries it across 0 (the step
   * without that share and the full step differ in sign) is set to 0 and dies: its LIVE_MASK_SLOT slot
   * becomes 0 and no later update moves it (it still takes part in the forward pass). For plain SGD this
   * is TensorFlow Playground's rule exactly; other optimizers apply the same test to their own step.
   */
  clipAtZero?: boolean;
}

/**
 * The slot that follows the optimizer's own slots on every parameter of a model with a clipAtZero
 * regularizer: 1 while the weight is live, 0 once it died.
 */
export const LIVE_MASK_SLOT = 'live';

/** One trainable parameter with its gradient, optimizer slots (0, 1 or 2 per kind) and regularization. */
export interface ParameterUpdate {
  param: TensorHandle;
  grad: TensorHandle;
  slots: TensorHandle[];
  regularization: Regularization;
}

/** Abilities beyond this interface that a backend declares, so callers need not test for methods. */
export interface BackendCapabilities {
  /**
   * compileTrainer may run a dense network's whole step as one host loop over this backend's tensors
   * (backend/wasm/dense-step.ts); the tensors must be the CPU backend's.
   */
  fusedDenseStep: boolean;
}

export interface Backend {
  readonly name: 'cpu' | 'wasm' | 'webgpu';
  /** Human-readable device, e.g. "CPU" or "WebGPU · swiftshader". */
  readonly description: string;
  readonly capabilities?: Partial<BackendCapabilities>;

  // ---- memory ----
  upload(values: Float32Array, shape: Shape): TensorHandle;
  fill(shape: Shape, value: number): TensorHandle;
  /**
   * The values, in a new array, or copied into `into` (exactly the tensor's size) and returned: a view
   * reading every frame reuses its arrays, and a fresh one of megabytes costs page faults each time.
   */
  read(x: TensorHandle, into?: Float32Array): Promise<Float32Array>;
  dispose(x: TensorHandle): void;
  /** Same storage, new shape (sizes must match). */
  reshape(x: TensorHandle, shape: Shape): TensorHandle;
  /** Overwrite `target` in place with `source` (same size). */
  assign(target: TensorHandle, source: TensorHandle): void;
  /** Overwrite `target` in place with host values (same size), after the work queued before this call. */
  write(target: TensorHandle, values: Float32Array): void;

  // ---- element-wise ----
  unary(op: UnaryOp, x: TensorHandle): TensorHandle;
  /** a and b broadcast NumPy-style. */
  binary(op: BinaryOp, a: TensorHandle, b: TensorHandle): TensorHandle;
  activation(kind: ActivationKind, x: TensorHandle): TensorHandle;
  /**
   * dL/dx of y = act(x), given y and dL/dy. Every kind's derivative is written in terms of y
   * (so a fused matmul+activation need not keep its pre-activation), except swish, which needs `x`.
   */
  activationGrad(kind: ActivationKind, y: TensorHandle, dy: TensorHandle, x?: TensorHandle): TensorHandle;
  /** Numerically stable softmax over the last axis. */
  softmax(x: TensorHandle): TensorHandle;

  // ---- linear algebra and shape ----
  /**
   * Batched-free 2-D matmul op(a)·op(b) with an optional fused epilogue:
   * `bias` ([n]) is added to every row, then `activation` is applied.
   */
  matmul(
    a: TensorHandle,
    b: TensorHandle,
    transposeA: boolean,
    transposeB: boolean,
    bias?: TensorHandle,
    activation?: ActivationKind,
  ): TensorHandle;
  /** Reduce over `axes` (sorted, unique). Without keepDims the axes are dropped. */
  reduce(op: ReduceOp, x: TensorHandle, axes: number[], keepDims: boolean): TensorHandle;
  transpose(x: TensorHandle, perm: number[]): TensorHandle;
  slice(x: TensorHandle, begin: number[], size: number[]): TensorHandle;
  /** Zero padding: `paddings[i] = [before, after]` for axis i. */
  pad(x: TensorHandle, paddings: [number, number][]): TensorHandle;
  concat(xs: TensorHandle[], axis: number): TensorHandle;
  /** Rows of x ([n, ...]) picked by integer-valued `indices` ([m]) → [m, ...]. */
  gatherRows(x: TensorHandle, indices: TensorHandle): TensorHandle;

  // ---- convolution and pooling (NHWC, kernels [kh, kw, inC, outC], TensorFlow's SAME padding) ----
  /** With the matmul's fused epilogue: `bias` ([outC]) is added to every pixel, then `activation` is applied. */
  conv2d(x: TensorHandle, w: TensorHandle, info: Conv2DInfo, bias?: TensorHandle, activation?: ActivationKind): TensorHandle;
  conv2dBackpropInput(dy: TensorHandle, w: TensorHandle, xShape: Shape, info: Conv2DInfo): TensorHandle;
  conv2dBackpropFilter(x: TensorHandle, dy: TensorHandle, wShape: Shape, info: Conv2DInfo): TensorHandle;
  pool2d(x: TensorHandle, info: Pool2DInfo): TensorHandle;
  /** dL/dx of pool2d; max pooling routes each gradient to the first maximum of its window. */
  pool2dBackward(dy: TensorHandle, x: TensorHandle, info: Pool2DInfo): TensorHandle;

  // ---- training ----
  /**
   * Dropout mask of `shape`: each element is 0 with probability `rate`, else 1/(1−rate).
   * Drawn from a counter-based hash of (seed, step, index) so every backend draws the same mask;
   * `step` is the one-element step counter (see `createCounter`).
   */
  dropoutMask(shape: Shape, rate: number, seed: number, step: TensorHandle): TensorHandle;
  /** Mean loss (a [] scalar) and its gradient with respect to `pred`, in one pass. */
  lossWithGrad(info: LossInfo, pred: TensorHandle, target: TensorHandle): { loss: TensorHandle; grad: TensorHandle };
  /**
   * What a metric needs of predictions `pred` ([rows, columns]) against `labels`, as one small tensor, so a
   * metrics update reads back a few numbers, not the predictions:
   * - `classes` → [k·k + 2T]: the confusion counts (true t, predicted p at t·k + p); then, with `score` and
   *   `thresholds` (T ascending values), tp[i] and fp[i]: positives and negatives scoring > thresholds[i]
   *   (a NaN score is above none). A label that is not a class index is not counted (the CPU reference throws).
   * - `regression` → [columns, 5]: per column Σe², Σ|e| (e = pred − label), Σd, Σd², n with d = label − the
   *   column's first label (a shift that keeps Σd² − (Σd)²/n, R²'s spread, from cancelling in float32).
   */
  metricCounts(info: MetricCountsInfo, pred: TensorHandle, labels: TensorHandle, thresholds?: TensorHandle): TensorHandle;
  /**
   * Apply one optimizer update to every parameter in place (params and slots are overwritten).
   * `step` is the counter's value before this update (Adam's bias correction uses step + 1).
   */
  applyUpdates(config: OptimizerConfig, updates: ParameterUpdate[], step: TensorHandle): void;
  /**
   * A one-element counter (starts at `value`) that kernels read on the device, so recorded steps can be
   * replayed. Its bytes hold a u32 (src/engine/counter.ts: read it with counterValue).
   */
  createCounter(value: number): TensorHandle;
  /** counter += 1, on the device. */
  increment(counter: TensorHandle): void;
}
