// The WebGPU backend: the Backend interface over WGSL kernels (shaders/), plus what only a GPU backend
// offers: tracing a step into a replayable plan, snapshots for device-loss recovery, the batch-index
// kernel the trainer uses, and the grid evaluator.
//
// Pipelines: `createWebGPUBackend` resolves once the kernels a small dense network needs have compiled
// (createComputePipelineAsync); the others keep compiling in the background, and one used before it is done
// compiles synchronously then (pipeline-cache.ts). Eager calls are encoded into one pending compute pass, submitted every
// 128 dispatches or when something needs the results (read, upload, replay).
import type {
  ActivationKind,
  Backend,
  BinaryOp,
  Conv2DInfo,
  LossInfo,
  MetricCountsInfo,
  OptimizerConfig,
  ParameterUpdate,
  Pool2DInfo,
  ReduceOp,
  Shape,
  TensorHandle,
  UnaryOp,
} from '../backend';
import { checkReadTarget, shapeSize } from '../../shape';
import * as array from './array-kernels';
import { Executor } from './executor';
import type { DeviceEvent } from './recovery';
import { gpu, GpuTensor, Storage } from './memory';
import * as nn from './nn-kernels';
import { metricCounts } from './metric-kernels';
import { GpuPlan, Recording } from './plan-recorder';
import { evaluateGridKernel, type GridLayer, type GridOptions } from './grid-kernel';
import { recordDenseStep } from './dense-step';
import type { DenseStepData, DenseStepSpec } from '../../dense-step';
import { counterBits } from '../../counter';

const fmt = (shape: Shape): string => `[${shape.join(', ')}]`;

function checkShape(shape: Shape, kernel: string): void {
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new Error(`${kernel}: shape must be a list of non-negative integers, got [${String(shape)}]`);
  }
}

export class WebGPUBackend implements Backend {
  readonly name = 'webgpu' as const;
  readonly description: string;
  /** Bound where a kernel has an optional buffer it does not read (no bias, an optimizer's unused slot). */
  private readonly dummy: Storage;
  /** apply_updates' unbound slot 1 and live mask: two buffers, since writable bindings must not alias. */
  private readonly unbound: nn.UnboundSlots;

  private constructor(readonly executor: Executor) {
    this.description = `WebGPU · ${executor.adapterInfo}`;
    this.dummy = executor.alloc([1]).storage;
    this.unbound = { slot: this.dummy, live: executor.alloc([1]).storage };
  }

  static async create(): Promise<WebGPUBackend> {
    return new WebGPUBackend(await Executor.create());
  }

  private t(h: TensorHandle, kernel: string, arg: string): GpuTensor {
    return gpu(h, kernel, arg);
  }

  // ---- memory ----

  upload(values: Float32Array, shape: Shape): TensorHandle {
    checkShape(shape, 'upload');
    if (values.length !== shapeSize(shape)) throw new Error(`upload: ${values.length} values do not fill shape ${fmt(shape)} (${shapeSize(shape)} expected)`);
    const out = this.executor.alloc(shape.slice());
    if (values.length > 0) this.executor.upload(out.storage, values);
    return out;
  }

  fill(shape: Shape, value: number): TensorHandle {
    checkShape(shape, 'fill');
    return array.fill(this.executor, shape.slice(), value);
  }

  async read(x: TensorHandle, into?: Float32Array): Promise<Float32Array> {
    const storage = this.t(x, 'read', 'x').storage;
    if (into) checkReadTarget(into, storage.elements);
    const [values] = await this.executor.read([storage], into && [into]);
    return values;
  }

  dispose(x: TensorHandle): void {
    const t = this.t(x, 'dispose', 'x');
    t.disposed = true;
    this.executor.release(t.storage);
  }

  reshape(x: TensorHandle, shape: Shape): TensorHandle {
    const t = this.t(x, 'reshape', 'x');
    checkShape(shape, 'reshape');
    if (shapeSize(shape) !== t.size) throw new Error(`reshape: cannot reshape ${fmt(t.shape)} (${t.size} values) to ${fmt(shape)}`);
    this.executor.storages.retain(t.storage);
    return new GpuTensor(shape.slice(), t.storage);
  }

  assign(target: TensorHandle, source: TensorHandle): void {
    const t = this.t(target, 'assign', 'target');
    const s = this.t(source, 'assign', 'source');
    if (t.size !== s.size) throw new Error(`assign: target ${fmt(t.shape)} and source ${fmt(s.shape)} differ in size`);
    array.copy(this.executor, s.storage, t.storage, t.size);
  }

  /**
   * queue.writeBuffer into the tensor's own range: no temporary buffer, dispatch or bind group (work
   * submitted before still reads the old values; the executor submits what it holds first). Not in a trace:
   * a plan cannot record a host write.
   */
  write(target: TensorHandle, values: Float32Array): void {
    const t = this.t(target, 'write', 'target');
    if (t.size !== values.length) throw new Error(`write: ${values.length} values for a tensor of shape ${fmt(t.shape)} (${t.size} expected)`);
    if (this.executor.recording) throw new Error('write: not while tracing (a plan cannot record a host write; write before or after it)');
    if (values.length > 0) this.executor.upload(t.storage, values);
  }

  // ---- element-wise ----

  unary(op: UnaryOp, x: TensorHandle): TensorHandle {
    return array.unary(this.executor, op, this.t(x, `unary ${op}`, 'x'));
  }

  binary(op: BinaryOp, a: TensorHandle, b: TensorHandle): TensorHandle {
    return array.binary(this.executor, op, this.t(a, `binary ${op}`, 'a'), this.t(b, `binary ${op}`, 'b'));
  }

  activation(kind: ActivationKind, x: TensorHandle): TensorHandle {
    return array.activation(this.executor, kind, this.t(x, `activation ${kind}`, 'x'));
  }

  activationGrad(kind: ActivationKind, y: TensorHandle, dy: TensorHandle, x?: TensorHandle): TensorHandle {
    const k = `activationGrad ${kind}`;
    return array.activationGrad(this.executor, kind, this.t(y, k, 'y'), this.t(dy, k, 'dy'), x && this.t(x, k, 'x'));
  }

  softmax(x: TensorHandle): TensorHandle {
    return array.softmax(this.executor, this.t(x, 'softmax', 'x'));
  }

  // ---- linear algebra and shape ----

  matmul(a: TensorHandle, b: TensorHandle, transposeA: boolean, transposeB: boolean, bias?: TensorHandle, activation?: ActivationKind): TensorHandle {
    return nn.matmul(
      this.executor,
      this.t(a, 'matmul', 'a'),
      this.t(b, 'matmul', 'b'),
      transposeA,
      transposeB,
      this.dummy,
      bias && this.t(bias, 'matmul', 'bias'),
      activation,
    );
  }

  reduce(op: ReduceOp, x: TensorHandle, axes: number[], keepDims: boolean): TensorHandle {
    return array.reduce(this.executor, op, this.t(x, `reduce ${op}`, 'x'), axes, keepDims);
  }

  transpose(x: TensorHandle, perm: number[]): TensorHandle {
    return array.transpose(this.executor, this.t(x, 'transpose', 'x'), perm);
  }

  slice(x: TensorHandle, begin: number[], size: number[]): TensorHandle {
    return array.slice(this.executor, this.t(x, 'slice', 'x'), begin, size);
  }

  pad(x: TensorHandle, paddings: [number, number][]): TensorHandle {
    return array.pad(this.executor, this.t(x, 'pad', 'x'), paddings);
  }

  concat(xs: TensorHandle[], axis: number): TensorHandle {
    return array.concat(this.executor, xs.map((x, i) => this.t(x, 'concat', `xs[${i}]`)), axis);
  }

  gatherRows(x: TensorHandle, indices: TensorHandle): TensorHandle {
    return array.gatherRows(this.executor, this.t(x, 'gatherRows', 'x'), this.t(indices, 'gatherRows', 'indices'));
  }

  // ---- convolution and pooling ----

  conv2d(x: TensorHandle, w: TensorHandle, info: Conv2DInfo, bias?: TensorHandle, activation?: ActivationKind): TensorHandle {
    return nn.conv2d(this.executor, this.t(x, 'conv2d', 'x'), this.t(w, 'conv2d', 'w'), info, this.dummy, bias && this.t(bias, 'conv2d', 'bias'), activation);
  }

  conv2dBackpropInput(dy: TensorHandle, w: TensorHandle, xShape: Shape, info: Conv2DInfo): TensorHandle {
    const k = 'conv2dBackpropInput';
    checkShape(xShape, k);
    return nn.conv2dBackpropInput(this.executor, this.t(dy, k, 'dy'), this.t(w, k, 'w'), xShape, info);
  }

  conv2dBackpropFilter(x: TensorHandle, dy: TensorHandle, wShape: Shape, info: Conv2DInfo): TensorHandle {
    const k = 'conv2dBackpropFilter';
    checkShape(wShape, k);
    return nn.conv2dBackpropFilter(this.executor, this.t(x, k, 'x'), this.t(dy, k, 'dy'), wShape, info);
  }

  pool2d(x: TensorHandle, info: Pool2DInfo): TensorHandle {
    return nn.pool2d(this.executor, this.t(x, 'pool2d', 'x'), info);
  }

  pool2dBackward(dy: TensorHandle, x: TensorHandle, info: Pool2DInfo): TensorHandle {
    return nn.pool2dBackward(this.executor, this.t(dy, 'pool2dBackward', 'dy'), this.t(x, 'pool2dBackward', 'x'), info);
  }

  // ---- training ----

  dropoutMask(shape: Shape, rate: number, seed: number, step: TensorHandle): TensorHandle {
    checkShape(shape, 'dropoutMask');
    const counter = this.t(step, 'dropoutMask', 'step');
    this.recordingState(counter.storage);
    return nn.dropoutMask(this.executor, shape.slice(), rate, seed, counter);
  }

  lossWithGrad(info: LossInfo, pred: TensorHandle, target: TensorHandle): { loss: TensorHandle; grad: TensorHandle } {
    const k = `loss ${info.kind}`;
    return nn.lossWithGrad(this.executor, info, this.t(pred, k, 'pred'), this.t(target, k, 'target'));
  }

  metricCounts(info: MetricCountsInfo, pred: TensorHandle, labels: TensorHandle, thresholds?: TensorHandle): TensorHandle {
    const k = 'metricCounts';
    return metricCounts(this.executor, info, this.t(pred, k, 'pred'), this.t(labels, k, 'labels'), this.dummy, thresholds && this.t(thresholds, k, 'thresholds'));
  }

  /**
   * Eagerly one dispatch per parameter; inside a traced plan all parameters are packed into arenas and
   * updated by one dispatch (see plan-recorder.ts).
   */
  applyUpdates(config: OptimizerConfig, updates: ParameterUpdate[], step: TensorHandle): void {
    const tensors = updates.map((u, k) => ({
      param: this.t(u.param, 'applyUpdates', `param ${k}`),
      grad: this.t(u.grad, 'applyUpdates', `grad ${k}`),
      slots: u.slots.map((s, j) => this.t(s, 'applyUpdates', `slot ${j} of param ${k}`)),
      regularization: u.regularization,
    }));
    nn.checkUpdates(config, tensors);
    const counter = this.t(step, 'applyUpdates', 'step');
    if (counter.size !== 1) throw new Error(`applyUpdates: step must be a one-element counter, got ${fmt(counter.shape)}`);
    const parts = tensors.map((u, k) => ({
      param: u.param.storage,
      grad: u.grad.storage,
      slots: u.slots.map((s) => s.storage),
      l1: updates[k].regularization.l1,
      l2: updates[k].regularization.l2,
      clip: updates[k].regularization.clipAtZero === true,
    }));
    const recording = this.executor.recording;
    if (recording instanceof Recording) {
      recording.addUpdate({ config, parts, step: counter.storage });
      return;
    }
    for (const p of parts) {
      const n = p.param.elements;
      const d = nn.updateDispatch(config, [{ start: 0, end: n, l1: p.l1, l2: p.l2, clip: p.clip }], n, counter.storage, p.grad, p.param, p.slots, this.unbound);
      this.executor.dispatch(d.kernel, d.params, d.bindings, d.groups);
    }
  }

  createCounter(value: number): TensorHandle {
    return this.upload(counterBits(value), []);
  }

  increment(counter: TensorHandle): void {
    const c = this.t(counter, 'increment', 'counter');
    if (c.size !== 1) throw new Error(`increment: counter must have one element, got ${fmt(c.shape)}`);
    this.recordingState(c.storage);
    this.executor.dispatch('increment', null, [c.storage], [1, 1, 1]);
  }

  // ---- beyond the Backend interface ----

  private recordingState(s: Storage): void {
    const r = this.executor.recording;
    if (r instanceof Recording) r.state.add(s);
  }

  /** Finish all work submitted so far (this only drains the queue; `executor.pipelines.all` is the compiles). */
  async ready(): Promise<void> {
    this.executor.flush();
    await this.executor.device.queue.onSubmittedWorkDone();
  }

  /**
   * Run `fn` once in record mode: its dispatches are captured, not executed, into a plan whose
   * `replay(k)` runs them k times in one submit. `fn` may not read values back.
   */
  trace<T>(fn: () => T): { plan: GpuPlan; result: T } {
    if (this.executor.recording) throw new Error('trace: already tracing (plans do not nest)');
    this.executor.flush();
    const recording = new Recording();
    this.executor.recording = recording;
    let result: T;
    try {
      result = fn();
    } catch (e) {
      this.executor.recording = null;
      this.executor.storages.releasePlan(recording.owned);
      throw e;
    }
    this.executor.recording = null;
    return { plan: new GpuPlan(this.executor, recording, this.unbound), result };
  }

  /**
   * A plan whose step is ONE dispatch: the fused training step of a small dense network (dense-step.ts),
   * on a training set it uploads packed; it advances `batchStep` as batchIndices does. Check
   * denseStepObstacle (src/engine/dense-step.ts) first.
   */
  traceDenseStep(spec: DenseStepSpec, data: DenseStepData, batch: number, batchStep: TensorHandle): { plan: GpuPlan; result: GpuTensor } {
    const counter = this.t(batchStep, 'traceDenseStep', 'batchStep');
    return this.trace(() => {
      const recording = this.executor.recording as Recording;
      return recordDenseStep(this.executor, (e) => recording.addDense(e), spec, data, batch, counter.storage);
    });
  }

  /** Per-step batch indices for the trainer (see layout.wgsl batch_indices); advances `counter`. */
  batchIndices(order: TensorHandle, counter: TensorHandle, batch: number): TensorHandle {
    const c = this.t(counter, 'batchIndices', 'counter');
    this.recordingState(c.storage);
    return array.batchIndices(this.executor, this.t(order, 'batchIndices', 'order'), c, batch);
  }

  /** Keep a host copy of these tensors' values, re-uploaded if the device is lost. */
  async snapshot(handles: TensorHandle[]): Promise<void> {
    const storages = [...new Set(handles.map((h, i) => this.t(h, 'snapshot', `handles[${i}]`).storage))];
    await this.snapshotStorages(storages);
  }

  async snapshotStorages(storages: Storage[]): Promise<void> {
    const values = await this.executor.read(storages);
    storages.forEach((s, i) => (s.saved = values[i]));
  }

  /** Remember `values` as the snapshot of `h` (data the host already holds, e.g. a training set). */
  keepSnapshot(h: TensorHandle, values: Float32Array): void {
    const t = this.t(h, 'keepSnapshot', 'h');
    if (values.length !== t.size) throw new Error(`keepSnapshot: ${values.length} values for a tensor of ${t.size}`);
    t.storage.saved = values;
  }

  /**
   * Device events: lost, restored (from snapshots), failed (the app should fall back to the CPU), and error:
   * a validation or out-of-memory error of some work, its message naming the operation (the next read
   * rejects with the same message; the app should show it). See recovery.ts.
   */
  onDeviceEvent(listener: (e: DeviceEvent) => void): () => void {
    return this.executor.onEvent(listener);
  }

  /**
   * Every neuron of a dense MLP over an n×n grid; see grid-kernel.ts. Resolves to a [neurons, n, n] tensor
   * once the kernel for this architecture is compiled (the first call for it only).
   */
  evaluateGrid(layers: GridLayer<TensorHandle>[], options: GridOptions): Promise<TensorHandle> {
    return evaluateGridKernel(this.executor, layers.map((l, i) => ({
      ...l,
      kernel: this.t(l.kernel, 'evaluateGrid', `layers[${i}].kernel`),
      bias: this.t(l.bias, 'evaluateGrid', `layers[${i}].bias`),
    })), options);
  }

  destroy(): void {
    this.executor.destroy();
  }
}

export async function createWebGPUBackend(): Promise<WebGPUBackend> {
  return WebGPUBackend.create();
}
