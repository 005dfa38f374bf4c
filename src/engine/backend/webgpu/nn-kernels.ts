// Launchers for matmul, convolution, pooling, losses, dropout and optimizer updates.
import type { ActivationKind, Conv2DInfo, LossInfo, OptimizerConfig, Pool2DInfo, Regularization, Shape } from '../backend';
import { axisGeometry } from '../cpu/conv';
import { poolWindow } from '../cpu/pool';
import { CLIP_HIGH, CLIP_LOW } from '../cpu/loss';
import { checkSlotCount, SLOT_COUNTS } from '../cpu/optimizer';
import { Executor, type DispatchRecord } from './executor';
import { ACTIVATION_CODES, LOSS_CODES, OPTIMIZER_CODES } from './kernels';
import { convParams as convLayout, dropoutParams, lossParams, matmulParams, optimizerParams, poolParams, updateRule } from './layouts';
import { f32Bits, GpuTensor, ParamWriter, Storage } from './memory';
import { reduceInto } from './array-kernels';

const fmt = (shape: Shape): string => `[${shape.join(', ')}]`;
const groups = Executor.groups1d;
const sameShape = (a: Shape, b: Shape): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

/** Outputs up to this many elements use one thread each; larger ones a 4×4 register block per thread. */
const SMALL_MATMUL_OUTPUTS = 4096;

export function matmul(
  ex: Executor,
  a: GpuTensor,
  b: GpuTensor,
  transposeA: boolean,
  transposeB: boolean,
  dummy: Storage,
  bias?: GpuTensor,
  activation?: ActivationKind,
): GpuTensor {
  if (a.shape.length !== 2 || b.shape.length !== 2) throw new Error(`matmul: expected 2-D tensors, got a ${fmt(a.shape)} and b ${fmt(b.shape)}`);
  const [m, k] = transposeA ? [a.shape[1], a.shape[0]] : [a.shape[0], a.shape[1]];
  const [k2, n] = transposeB ? [b.shape[1], b.shape[0]] : [b.shape[0], b.shape[1]];
  if (k !== k2) {
    throw new Error(`matmul: inner dimensions differ: a ${fmt(a.shape)}${transposeA ? 'ᵀ' : ''} · b ${fmt(b.shape)}${transposeB ? 'ᵀ' : ''}`);
  }
  if (bias && (bias.shape.length !== 1 || bias.shape[0] !== n)) throw new Error(`matmul: bias ${fmt(bias.shape)} does not match ${n} output columns`);
  const act = ACTIVATION_CODES[activation ?? 'linear'];
  if (act === undefined) throw new Error(`matmul: unknown activation "${activation}"; expected one of ${Object.keys(ACTIVATION_CODES).join(', ')}`);
  const out = ex.alloc([m, n]);
  if (m * n === 0) return out;
  const params = matmulParams.write({ m, n, k, activation: act, has_bias: bias ? 1 : 0 });
  const variant = `${transposeA ? 1 : 0}${transposeB ? 1 : 0}` as '00' | '01' | '10' | '11';
  const bindings = [a.storage, b.storage, bias?.storage ?? dummy, out.storage];
  if (m * n <= SMALL_MATMUL_OUTPUTS) {
    ex.dispatch(`matmul_small_${variant}`, params, bindings, [Math.ceil(n / 8), Math.ceil(m / 8), 1]);
  } else {
    ex.dispatch(`matmul_blocked_${variant}`, params, bindings, Executor.wrapRows(Math.ceil(n / 32), Math.ceil(m / 32)));
  }
  return out;
}

interface ConvGeometry {
  batch: number;
  inH: number;
  inW: number;
  inC: number;
  outH: number;
  outW: number;
  outC: number;
  kh: number;
  kw: number;
  info: Conv2DInfo;
  padTop: number;
  padLeft: number;
}

function convGeometry(xShape: Shape, wShape: Shape, info: Conv2DInfo, kernel: string): ConvGeometry {
  if (xShape.length !== 4 || wShape.length !== 4) {
    throw new Error(`${kernel}: expected NHWC input and [kh, kw, inC, outC] kernel, got ${fmt(xShape)} and ${fmt(wShape)}`);
  }
  const [batch, inH, inW, inC] = xShape;
  const [kh, kw, kc, outC] = wShape;
  if (kc !== inC) throw new Error(`${kernel}: input ${fmt(xShape)} has ${inC} channels, kernel ${fmt(wShape)} expects ${kc}`);
  const rows = axisGeometry(inH, kh, info.strides[0], info.padding, kernel);
  const cols = axisGeometry(inW, kw, info.strides[1], info.padding, kernel);
  return { batch, inH, inW, inC, outH: rows.out, outW: cols.out, outC, kh, kw, info, padTop: rows.padBefore, padLeft: cols.padBefore };
}

function convParams(g: ConvGeometry, extra: { activation?: number; hasBias?: boolean; linesPerChunk?: number } = {}): Uint32Array {
  return convLayout.write({
    batch: g.batch,
    in_h: g.inH,
    in_w: g.inW,
    in_c: g.inC,
    out_h: g.outH,
    out_w: g.outW,
    out_c: g.outC,
    kh: g.kh,
    kw: g.kw,
    sh: g.info.strides[0],
    sw: g.info.strides[1],
    pad_top: g.padTop,
    pad_left: g.padLeft,
    activation: extra.activation ?? 0,
    has_bias: extra.hasBias ? 1 : 0,
    lines_per_chunk: extra.linesPerChunk ?? 0,
  });
}

function checkDy(dy: GpuTensor, g: ConvGeometry, kernel: string): void {
  const expected = [g.batch, g.outH, g.outW, g.outC];
  if (!sameShape(dy.shape, expected)) throw new Error(`${kernel}: dy is ${fmt(dy.shape)}, expected the conv2d output shape ${fmt(expected)}`);
}

/** Threads of a conv2d.wgsl kernel: one per 4×4 block of a rows × cols result. */
const blockThreads = (rows: number, cols: number): number => Math.ceil(rows / 4) * Math.ceil(cols / 4);

export function conv2d(
  ex: Executor,
  x: GpuTensor,
  w: GpuTensor,
  info: Conv2DInfo,
  dummy: Storage,
  bias?: GpuTensor,
  activation?: ActivationKind,
): GpuTensor {
  const g = convGeometry(x.shape, w.shape, info, 'conv2d');
  if (bias && (bias.shape.length !== 1 || bias.shape[0] !== g.outC)) throw new Error(`conv2d: bias ${fmt(bias.shape)} does not match ${g.outC} output channels`);
  const kind = activation ?? 'linear';
  const act = ACTIVATION_CODES[kind];
  if (act === undefined) throw new Error(`conv2d: unknown activation "${activation}"; expected one of ${Object.keys(ACTIVATION_CODES).join(', ')}`);
  const out = ex.alloc([g.batch, g.outH, g.outW, g.outC]);
  if (out.size === 0) return out;
  const threads = blockThreads(g.batch * g.outH * g.outW, g.outC);
  const params = convParams(g, { activation: act, hasBias: !!bias });
  const kernel = kind === 'relu' ? 'conv2d_forward_relu' : kind === 'linear' ? 'conv2d_forward_linear' : 'conv2d_forward';
  ex.dispatch(kernel, params, [x.storage, w.storage, bias?.storage ?? dummy, out.storage], groups(threads));
  return out;
}

export function conv2dBackpropInput(ex: Executor, dy: GpuTensor, w: GpuTensor, xShape: Shape, info: Conv2DInfo): GpuTensor {
  const g = convGeometry(xShape, w.shape, info, 'conv2dBackpropInput');
  checkDy(dy, g, 'conv2dBackpropInput');
  const out = ex.alloc(xShape.slice());
  if (out.size === 0) return out;
  const threads = blockThreads(g.batch * g.inH * g.inW, g.inC);
  ex.dispatch('conv2d_input_grad', convParams(g), [dy.storage, w.storage, out.storage], groups(threads));
  return out;
}

/**
 * The filter gradient sums over batch × output pixels into a small result: the output lines (n, oy) are
 * split into chunks of partial sums until there are about this many threads, each chunk at least
 * FILTER_GRAD_MIN_PIXELS long. On SwiftShader, settings from 1,024 to 16,384 threads and 32 to 512 pixels
 * measured within noise of each other for the CNN benchmark's layers; one line per chunk was 1.5-2× slower.
 */
const FILTER_GRAD_THREADS = 4096;
const FILTER_GRAD_MIN_PIXELS = 128;

export function conv2dBackpropFilter(ex: Executor, x: GpuTensor, dy: GpuTensor, wShape: Shape, info: Conv2DInfo): GpuTensor {
  const g = convGeometry(x.shape, wShape, info, 'conv2dBackpropFilter');
  checkDy(dy, g, 'conv2dBackpropFilter');
  const rows = g.kh * g.kw * g.inC;
  const out = ex.alloc(wShape.slice());
  if (out.size === 0) return out;
  const blocks = blockThreads(rows, g.outC);
  const lines = g.batch * g.outH;
  const minLines = Math.ceil(FILTER_GRAD_MIN_PIXELS / Math.max(g.outW, 1));
  const wanted = Math.max(1, Math.min(Math.ceil(FILTER_GRAD_THREADS / blocks), Math.floor(lines / minLines)));
  const linesPerChunk = Math.max(1, Math.ceil(lines / wanted));
  const chunks = Math.max(1, Math.ceil(lines / linesPerChunk));
  const params = convParams(g, { linesPerChunk });
  if (chunks === 1) {
    ex.dispatch('conv2d_filter_grad', params, [x.storage, dy.storage, out.storage], groups(blocks));
    return out;
  }
  const partial = ex.alloc([chunks, out.size]);
  ex.dispatch('conv2d_filter_grad', params, [x.storage, dy.storage, partial.storage], groups(blocks * chunks));
  reduceInto(ex, 0, partial.storage, partial.shape, [0], out.storage);
  ex.release(partial.storage);
  return out;
}

function poolGeometry(shape: Shape, info: Pool2DInfo, kernel: string): { outShape: number[]; params: (size: number) => Uint32Array } {
  const { rows, cols, outShape } = poolWindow(shape, info, kernel);
  const [ph, pw] = info.poolSize;
  return {
    outShape,
    params: (size) =>
      poolParams.write({
        batch: shape[0],
        in_h: shape[1],
        in_w: shape[2],
        channels: shape[3],
        out_h: rows.out,
        out_w: cols.out,
        ph,
        pw,
        sh: info.strides[0],
        sw: info.strides[1],
        pad_top: rows.padBefore,
        pad_left: cols.padBefore,
        is_max: info.type === 'max' ? 1 : 0,
        size,
      }),
  };
}

export function pool2d(ex: Executor, x: GpuTensor, info: Pool2DInfo): GpuTensor {
  const g = poolGeometry(x.shape, info, `${info.type}Pool2d`);
  const out = ex.alloc(g.outShape);
  ex.dispatch('pool_forward', g.params(out.size), [x.storage, out.storage], groups(out.size));
  return out;
}

export function pool2dBackward(ex: Executor, dy: GpuTensor, x: GpuTensor, info: Pool2DInfo): GpuTensor {
  const kernel = `${info.type}Pool2dBackward`;
  const g = poolGeometry(x.shape, info, kernel);
  if (!sameShape(dy.shape, g.outShape)) throw new Error(`${kernel}: dy is ${fmt(dy.shape)}, expected the pooling output shape ${fmt(g.outShape)}`);
  const out = ex.alloc(x.shape);
  if (info.strides[0] >= info.poolSize[0] && info.strides[1] >= info.poolSize[1]) {
    ex.dispatch('pool_backward_cells', g.params(dy.size), [x.storage, dy.storage, out.storage], groups(dy.size));
  } else {
    ex.dispatch('pool_backward', g.params(dy.size), [x.storage, dy.storage, out.storage], groups(x.size));
  }
  return out;
}

export function lossWithGrad(ex: Executor, info: LossInfo, pred: GpuTensor, target: GpuTensor): { loss: GpuTensor; grad: GpuTensor } {
  const kind = info.kind;
  const k = `loss ${kind}`;
  const kindCode = LOSS_CODES[kind];
  if (kindCode === undefined) throw new Error(`loss: unknown kind "${kind}"; expected one of ${Object.keys(LOSS_CODES).join(', ')}`);
  let rows = 0;
  let classes = 0;
  if (kind === 'sparse_categorical_crossentropy') {
    if (pred.shape.length !== 2) throw new Error(`${k}: prediction must be [batch, classes], got ${fmt(pred.shape)}`);
    [rows, classes] = pred.shape;
    const ts = target.shape;
    if (!((ts.length === 1 && ts[0] === rows) || (ts.length === 2 && ts[0] === rows && ts[1] === 1))) {
      throw new Error(`${k}: labels must be [${rows}] or [${rows}, 1] for prediction ${fmt(pred.shape)}, got ${fmt(ts)}`);
    }
  } else {
    if (!sameShape(pred.shape, target.shape)) {
      throw new Error(`${k}: prediction ${fmt(pred.shape)} and target ${fmt(target.shape)} must have the same shape`);
    }
    if (kind === 'categorical_crossentropy') {
      if (pred.shape.length === 0) throw new Error(`${k}: prediction must have a class axis, got a scalar`);
      classes = pred.shape[pred.shape.length - 1];
      rows = pred.size / Math.max(classes, 1);
    }
  }
  const loss = ex.alloc([]);
  const grad = ex.alloc(pred.shape);
  const params = lossParams.write({
    kind: kindCode,
    from_logits: info.fromLogits ? 1 : 0,
    size: pred.size,
    rows,
    classes,
    clip_low: CLIP_LOW,
    clip_high: CLIP_HIGH,
    zero: 0,
  });
  ex.dispatch('loss_with_grad', params, [pred.storage, target.storage, loss.storage, grad.storage], [1, 1, 1]);
  return { loss, grad };
}

export function dropoutMask(ex: Executor, shape: Shape, rate: number, seed: number, step: GpuTensor): GpuTensor {
  if (!(rate >= 0 && rate < 1)) throw new Error(`dropoutMask: rate must be in [0, 1), got ${rate}`);
  if (!Number.isInteger(seed)) throw new Error(`dropoutMask: seed must be an integer, got ${seed}`);
  if (step.size !== 1) throw new Error(`dropoutMask: step must be a one-element counter, got ${fmt(step.shape)}`);
  const threshold = Math.fround(rate);
  const out = ex.alloc(shape);
  const params = dropoutParams.write({ size: out.size, seed, threshold, keep: 1 / (1 - threshold) });
  ex.dispatch('dropout_mask', params, [step.storage, out.storage], groups(out.size));
  return out;
}

/** One parameter's part in an update: storages (the optimizer's slots, then any live mask) plus its regularization. */
export interface UpdatePart {
  param: Storage;
  grad: Storage;
  slots: Storage[];
  l1: number;
  l2: number;
  /** TensorFlow Playground's zero-crossing rule (Regularization.clipAtZero). */
  clip: boolean;
}

/** One-element buffers bound where apply_updates has no slot 1 or no live mask (two: writable bindings must not alias). */
export interface UnboundSlots {
  slot: Storage;
  live: Storage;
}

/** An apply_updates segment: [start, end) elements of one parameter with its regularization. */
export interface UpdateSegment {
  start: number;
  end: number;
  l1: number;
  l2: number;
  clip: boolean;
}

/** The UpdateRule member of a parameter block (layouts.ts). */
export function updateRuleValues(config: OptimizerConfig): Parameters<typeof updateRule.write>[0] {
  return {
    kind: OPTIMIZER_CODES[config.kind],
    nesterov: config.nesterov ? 1 : 0,
    lr: config.learningRate,
    momentum: config.momentum,
    rho: config.rho,
    beta1: config.beta1,
    beta2: config.beta2,
    epsilon: config.epsilon,
  };
}

/** Appends the UpdateRule to a ParamWriter block (for blocks not yet declared in layouts.ts), 16-byte aligned. */
export function writeUpdateRule(w: ParamWriter, config: OptimizerConfig): ParamWriter {
  return w.u(...updateRule.write(updateRuleValues(config)));
}

/** Slots that fit the optimizer and the parameter, and (where given) a gradient of the parameter's shape. */
export function checkUpdates(config: OptimizerConfig, updates: { param: GpuTensor; grad?: GpuTensor; slots: GpuTensor[]; regularization: Regularization }[]): void {
  const kind = config.kind;
  const slotCount = SLOT_COUNTS[kind];
  if (slotCount === undefined) throw new Error(`applyUpdates: unknown optimizer "${kind}"`);
  updates.forEach((u, k) => {
    if (u.grad && !sameShape(u.param.shape, u.grad.shape)) throw new Error(`applyUpdates: param ${k} ${fmt(u.param.shape)} and its gradient ${fmt(u.grad.shape)} differ`);
    checkSlotCount(kind, u.slots.length, u.regularization, `param ${k}`, 'applyUpdates');
    u.slots.forEach((s, j) => {
      if (!sameShape(s.shape, u.param.shape)) throw new Error(`applyUpdates: slot ${j} ${fmt(s.shape)} of param ${k} ${fmt(u.param.shape)} differs`);
    });
  });
}

/**
 * The apply_updates dispatch over arenas (or over one parameter's own buffers, with one segment):
 * `segments` are [start, end) element ranges with their regularization; `slots` the optimizer's (arenas
 * or buffers), then the live mask where the model keeps one.
 */
export function updateDispatch(
  config: OptimizerConfig,
  segments: UpdateSegment[],
  size: number,
  step: Storage,
  grads: Storage,
  params: Storage,
  slots: Storage[],
  unbound: UnboundSlots,
): DispatchRecord {
  // Two vec4u per segment (optimizer.wgsl): [start, end, l1, l2], [clip, 0, 0, 0].
  const table = new Uint32Array(segments.length * 8);
  segments.forEach((s, i) => table.set([s.start, s.end, f32Bits(s.l1), f32Bits(s.l2), s.clip ? 1 : 0], i * 8));
  const own = SLOT_COUNTS[config.kind];
  const live = slots[own];
  const p = optimizerParams.write({ size, segment_count: segments.length, masked: live ? 1 : 0, rule: updateRuleValues(config) });
  const bindings = [{ table }, step, grads, params, slots[0], own > 1 ? slots[1] : unbound.slot, live ?? unbound.live];
  return { kernel: 'apply_updates', params: p, bindings, groups: groups(size) };
}
