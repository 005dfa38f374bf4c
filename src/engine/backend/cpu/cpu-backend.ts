// The CPU reference backend: plain TypeScript loops over Float32Array, accumulating in float64.
// It is the correctness oracle for the WebGPU backend, so every kernel favors the obvious formula.
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
import { checkShape, cpu, CpuTensor, fmt } from './cpu-tensor';
import * as elementwise from './elementwise';
import { matmul } from './matmul';
import { reduce } from './reduce';
import * as layout from './layout';
import * as conv from './conv';
import * as pool from './pool';
import { dropoutMask } from './dropout';
import { lossWithGrad } from './loss';
import { metricCounts } from './metrics';
import { applyUpdates, updateParameter, type UpdateOne } from './optimizer';
import { counterBits, counterValue, incrementCounter } from '../../counter';
import { ArrayPool } from './array-pool';

export { CpuTensor } from './cpu-tensor';

/** The value of a one-element step counter (src/engine/counter.ts). */
function stepOf(h: TensorHandle, kernel: string): number {
  const c = cpu(h, kernel, 'step');
  if (c.size !== 1) throw new Error(`${kernel}: step must be a one-element counter, got ${fmt(c.shape)}`);
  return counterValue(c.data);
}

export class CpuBackend implements Backend {
  /** 'wasm' in the subclass that moves the heavy kernels to WebAssembly (backend/wasm). */
  readonly name: 'cpu' | 'wasm' = 'cpu';
  readonly description: string = 'CPU';
  /** Disposed tensors' arrays, taken by the next op of that size (array-pool.ts). */
  readonly pool = new ArrayPool();

  // ---- memory ----

  upload(values: Float32Array, shape: Shape): TensorHandle {
    checkShape(shape, 'upload');
    if (values.length !== shapeSize(shape)) {
      throw new Error(`upload: ${values.length} values do not fill shape ${fmt(shape)} (${shapeSize(shape)} expected)`);
    }
    const data = this.pool.take(values.length);
    data.set(values);
    return new CpuTensor(shape.slice(), data);
  }

  fill(shape: Shape, value: number): TensorHandle {
    checkShape(shape, 'fill');
    return new CpuTensor(shape.slice(), this.pool.take(shapeSize(shape)).fill(value));
  }

  async read(x: TensorHandle, into?: Float32Array): Promise<Float32Array> {
    const { data } = cpu(x, 'read', 'x');
    if (!into) return data.slice();
    checkReadTarget(into, data.length);
    into.set(data);
    return into;
  }

  /**
   * Marks the handle dead so a later use throws, and gives its array to the pool once no reshape of it is
   * live (reads copy out, so no caller holds a disposed tensor's array).
   */
  dispose(x: TensorHandle): void {
    const t = cpu(x, 'dispose', 'x');
    t.disposed = true;
    if (--t.storage.handles === 0) this.pool.give(t.data);
  }

  reshape(x: TensorHandle, shape: Shape): TensorHandle {
    const t = cpu(x, 'reshape', 'x');
    checkShape(shape, 'reshape');
    if (shapeSize(shape) !== t.size) throw new Error(`reshape: cannot reshape ${fmt(t.shape)} (${t.size} values) to ${fmt(shape)}`);
    t.storage.handles++;
    return new CpuTensor(shape.slice(), t.data, t.storage);
  }

  assign(target: TensorHandle, source: TensorHandle): void {
    const t = cpu(target, 'assign', 'target');
    const s = cpu(source, 'assign', 'source');
    if (t.size !== s.size) throw new Error(`assign: target ${fmt(t.shape)} and source ${fmt(s.shape)} differ in size`);
    t.data.set(s.data);
  }

  write(target: TensorHandle, values: Float32Array): void {
    const t = cpu(target, 'write', 'target');
    if (t.size !== values.length) throw new Error(`write: ${values.length} values for a tensor of shape ${fmt(t.shape)} (${t.size} expected)`);
    t.data.set(values);
  }

  // ---- element-wise ----

  unary(op: UnaryOp, x: TensorHandle): TensorHandle {
    return elementwise.unary(this.pool, op, cpu(x, `unary ${op}`, 'x'));
  }

  binary(op: BinaryOp, a: TensorHandle, b: TensorHandle): TensorHandle {
    return elementwise.binary(this.pool, op, cpu(a, `binary ${op}`, 'a'), cpu(b, `binary ${op}`, 'b'));
  }

  activation(kind: ActivationKind, x: TensorHandle): TensorHandle {
    return elementwise.activation(this.pool, kind, cpu(x, `activation ${kind}`, 'x'));
  }

  activationGrad(kind: ActivationKind, y: TensorHandle, dy: TensorHandle, x?: TensorHandle): TensorHandle {
    const k = `activationGrad ${kind}`;
    return elementwise.activationGrad(this.pool, kind, cpu(y, k, 'y'), cpu(dy, k, 'dy'), x && cpu(x, k, 'x'));
  }

  softmax(x: TensorHandle): TensorHandle {
    return elementwise.softmax(this.pool, cpu(x, 'softmax', 'x'));
  }

  // ---- linear algebra and shape ----

  matmul(
    a: TensorHandle,
    b: TensorHandle,
    transposeA: boolean,
    transposeB: boolean,
    bias?: TensorHandle,
    activation?: ActivationKind,
  ): TensorHandle {
    return matmul(this.pool, cpu(a, 'matmul', 'a'), cpu(b, 'matmul', 'b'), transposeA, transposeB, bias && cpu(bias, 'matmul', 'bias'), activation);
  }

  reduce(op: ReduceOp, x: TensorHandle, axes: number[], keepDims: boolean): TensorHandle {
    return reduce(this.pool, op, cpu(x, `reduce ${op}`, 'x'), axes, keepDims);
  }

  transpose(x: TensorHandle, perm: number[]): TensorHandle {
    return layout.transpose(this.pool, cpu(x, 'transpose', 'x'), perm);
  }

  slice(x: TensorHandle, begin: number[], size: number[]): TensorHandle {
    return layout.slice(this.pool, cpu(x, 'slice', 'x'), begin, size);
  }

  pad(x: TensorHandle, paddings: [number, number][]): TensorHandle {
    return layout.pad(this.pool, cpu(x, 'pad', 'x'), paddings);
  }

  concat(xs: TensorHandle[], axis: number): TensorHandle {
    return layout.concat(this.pool, xs.map((x, i) => cpu(x, 'concat', `xs[${i}]`)), axis);
  }

  gatherRows(x: TensorHandle, indices: TensorHandle): TensorHandle {
    return layout.gatherRows(this.pool, cpu(x, 'gatherRows', 'x'), cpu(indices, 'gatherRows', 'indices'));
  }

  // ---- convolution and pooling ----

  conv2d(x: TensorHandle, w: TensorHandle, info: Conv2DInfo, bias?: TensorHandle, activation?: ActivationKind): TensorHandle {
    return conv.conv2d(this.pool, cpu(x, 'conv2d', 'x'), cpu(w, 'conv2d', 'w'), info, bias && cpu(bias, 'conv2d', 'bias'), activation);
  }

  conv2dBackpropInput(dy: TensorHandle, w: TensorHandle, xShape: Shape, info: Conv2DInfo): TensorHandle {
    const k = 'conv2dBackpropInput';
    checkShape(xShape, k);
    return conv.conv2dBackpropInput(this.pool, cpu(dy, k, 'dy'), cpu(w, k, 'w'), xShape, info);
  }

  conv2dBackpropFilter(x: TensorHandle, dy: TensorHandle, wShape: Shape, info: Conv2DInfo): TensorHandle {
    const k = 'conv2dBackpropFilter';
    checkShape(wShape, k);
    return conv.conv2dBackpropFilter(this.pool, cpu(x, k, 'x'), cpu(dy, k, 'dy'), wShape, info);
  }

  pool2d(x: TensorHandle, info: Pool2DInfo): TensorHandle {
    return pool.pool2d(this.pool, cpu(x, 'pool2d', 'x'), info);
  }

  pool2dBackward(dy: TensorHandle, x: TensorHandle, info: Pool2DInfo): TensorHandle {
    return pool.pool2dBackward(this.pool, cpu(dy, 'pool2dBackward', 'dy'), cpu(x, 'pool2dBackward', 'x'), info);
  }

  // ---- training ----

  dropoutMask(shape: Shape, rate: number, seed: number, step: TensorHandle): TensorHandle {
    checkShape(shape, 'dropoutMask');
    return dropoutMask(this.pool, shape, rate, seed, stepOf(step, 'dropoutMask'));
  }

  lossWithGrad(info: LossInfo, pred: TensorHandle, target: TensorHandle): { loss: TensorHandle; grad: TensorHandle } {
    const k = `loss ${info.kind}`;
    return lossWithGrad(this.pool, info, cpu(pred, k, 'pred'), cpu(target, k, 'target'));
  }

  metricCounts(info: MetricCountsInfo, pred: TensorHandle, labels: TensorHandle, thresholds?: TensorHandle): TensorHandle {
    const k = 'metricCounts';
    return metricCounts(info, cpu(pred, k, 'pred'), cpu(labels, k, 'labels'), thresholds && cpu(thresholds, k, 'thresholds'));
  }

  applyUpdates(config: OptimizerConfig, updates: ParameterUpdate[], step: TensorHandle): void {
    applyUpdates(config, updates, stepOf(step, 'applyUpdates'), (...args) => this.updateParameter(...args));
  }

  /** One parameter's update, in place (the wasm backend runs Adam's in WebAssembly). */
  protected updateParameter(...args: Parameters<UpdateOne>): void {
    updateParameter(...args);
  }

  createCounter(value: number): TensorHandle {
    return new CpuTensor([], counterBits(value));
  }

  increment(counter: TensorHandle): void {
    const c = cpu(counter, 'increment', 'counter');
    if (c.size !== 1) throw new Error(`increment: counter must have one element, got ${fmt(c.shape)}`);
    incrementCounter(c.data);
  }
}
