// The fused training step of a small dense network (shaders/dense_step.wgsl): recorded into a plan as one
// entry; when the plan is finished, parameters and slots are packed into arenas (plan-recorder.ts) and the
// entry becomes ONE dispatch per step.
import type { LossInfo, OptimizerConfig } from '../backend';
import type { DenseStepData, DenseStepParam, DenseStepSpec } from '../../dense-step';
import { CLIP_HIGH, CLIP_LOW } from '../cpu/loss';
import type { DispatchRecord, Executor } from './executor';
import { denseTable, NO_BIAS, NO_LIVE_SLOT } from './dense-table';
import { SLOT_COUNTS } from '../cpu/optimizer';
import { ACTIVATION_CODES, LOSS_CODES, SOFTMAX_CODE } from './kernels';
import { denseStepParams } from './layouts';
import { f32Bits, gpu, GpuTensor, Storage } from './memory';
import { checkUpdates, updateRuleValues } from './nn-kernels';
import { arenaLayout } from './plan-recorder';

/** Items (row × neuron, or weight) in a step's largest phase up to which a GPU runs the 32-thread variant. */
const NARROW_ITEMS = 256;

export interface DensePart {
  param: Storage;
  /** The optimizer's slots, then the live mask where the model keeps one. */
  slots: Storage[];
  l1: number;
  l2: number;
  /** TensorFlow Playground's zero-crossing rule (Regularization.clipAtZero). */
  clip: boolean;
}

export interface DenseEntry {
  /** Every parameter in arena order: per layer its kernel, then its bias if it has one. */
  parts: DensePart[];
  layers: { inputs: number; units: number; activation: number; bias: boolean; input: number; output: number; firstPart: number }[];
  loss: LossInfo;
  optimizer: OptimizerConfig;
  batch: number;
  rows: number;
  xWidth: number;
  yWidth: number;
  /** [x | y | order] of the training set. */
  data: Storage;
  /** [per layer z, a, δ | gradients laid out like the parameter arena]. */
  work: Storage;
  gradOffset: number;
  modelStep: Storage;
  batchStep: Storage;
  lossOut: Storage;
}

/**
 * Record the fused step into the plan being traced: uploads the training set packed as [x | y | order],
 * allocates the work buffer and returns the [] loss tensor the step writes (data loss + penalty).
 */
export function recordDenseStep(
  ex: Executor,
  add: (entry: DenseEntry) => void,
  spec: DenseStepSpec,
  data: DenseStepData,
  batch: number,
  batchStep: Storage,
): GpuTensor {
  const where = 'dense step';
  const parts: DensePart[] = [];
  const part = (p: DenseStepParam, what: string): DensePart => {
    const param = gpu(p.variable.handle, where, what);
    const slots = p.slots.map((s, j) => gpu(s, where, `${what} slot ${j}`));
    checkUpdates(spec.optimizer, [{ param, slots, regularization: p.regularization }]);
    const r = p.regularization;
    return { param: param.storage, slots: slots.map((s) => s.storage), l1: r.l1, l2: r.l2, clip: r.clipAtZero === true };
  };
  const xWidth = data.x.length / data.rows;
  const yWidth = data.y.length / data.rows;
  let width = xWidth;
  let input = 0; // the previous layer's a (the first layer reads the training set)
  let at = 0;
  const layers = spec.layers.map((l, i) => {
    const [inputs, units] = l.kernel.variable.shape;
    if (l.kernel.variable.shape.length !== 2 || inputs !== width) {
      throw new Error(`${where}: layer ${i}'s kernel must be [${width}, units], got [${l.kernel.variable.shape.join(', ')}]`);
    }
    if (l.bias && (l.bias.variable.shape.length !== 1 || l.bias.variable.shape[0] !== units)) {
      throw new Error(`${where}: layer ${i}'s bias must be [${units}], got [${l.bias.variable.shape.join(', ')}]`);
    }
    const firstPart = parts.length;
    parts.push(part(l.kernel, `layer ${i} kernel`));
    if (l.bias) parts.push(part(l.bias, `layer ${i} bias`));
    if (l.activation === 'softmax' && i !== spec.layers.length - 1) throw new Error(`${where}: softmax is only taken on the last layer, layer ${i} has it`);
    const activation = l.activation === 'softmax' ? SOFTMAX_CODE : ACTIVATION_CODES[l.activation];
    const layer = { inputs, units, activation, bias: l.bias !== null, input, output: at, firstPart };
    input = at + batch * units;
    at += 3 * batch * units;
    width = units;
    return layer;
  });
  if (spec.loss.kind === 'sparse_categorical_crossentropy') {
    if (yWidth !== 1) throw new Error(`${where}: sparse_categorical_crossentropy takes one class index per row, the targets have ${yWidth}`);
    const bad = data.y.findIndex((v) => !Number.isInteger(v) || v < 0 || v >= width);
    if (bad >= 0) throw new Error(`${where}: label ${data.y[bad]} in row ${bad} is not a class index in [0, ${width}) (the last layer has ${width} units)`);
  } else if (width !== yWidth) {
    throw new Error(`${where}: the last layer has ${width} units but the targets have ${yWidth} per row`);
  }

  const packed = new Float32Array(data.x.length + data.y.length + data.order.length);
  packed.set(data.x);
  packed.set(data.y, data.x.length);
  packed.set(data.order, data.x.length + data.y.length);
  const dataT = ex.alloc([packed.length]);
  ex.upload(dataT.storage, packed);
  // The host copy doubles as its snapshot after a device loss.
  dataT.storage.saved = packed;

  const gradOffset = at;
  const work = ex.alloc([gradOffset + arenaLayout(parts.map((p) => p.param.elements)).total]);
  const loss = ex.alloc([]);
  add({
    parts,
    layers,
    loss: spec.loss,
    optimizer: spec.optimizer,
    batch,
    rows: data.rows,
    xWidth,
    yWidth,
    data: dataT.storage,
    work: work.storage,
    gradOffset,
    modelStep: gpu(spec.counter.handle, where, 'counter').storage,
    batchStep,
    lossOut: loss.storage,
  });
  return loss;
}

/**
 * The dispatch of a recorded step, once its parameters and slots sit in arenas (`params`, `slots`).
 * An emulated adapter always takes the 32-thread variant: one core runs the workgroup, so more threads
 * only add barrier overhead (on SwiftShader the 256-thread variant took 2-3× longer even on the largest
 * playground network).
 */
export function denseDispatch(d: DenseEntry, params: Storage, slots: Storage, emulated: boolean): DispatchRecord {
  const { offsets, total } = arenaLayout(d.parts.map((p) => p.param.elements));
  const table = denseTable(
    d.layers.map((l) => ({
      inputs: l.inputs,
      units: l.units,
      activation: l.activation,
      kernel: offsets[l.firstPart],
      bias: l.bias ? offsets[l.firstPart + 1] : NO_BIAS,
      input: l.input,
      output: l.output,
      param: l.firstPart,
    })),
    d.parts.map((p, i) => ({ start: offsets[i], end: offsets[i] + p.param.elements, l1: f32Bits(p.l1), l2: f32Bits(p.l2), clip: p.clip ? 1 : 0 })),
  );
  const xSize = d.rows * d.xWidth;
  const regularized = d.parts.some((p) => p.l1 !== 0 || p.l2 !== 0) ? 1 : 0;
  // The live mask follows the optimizer's slots in the slot arena (every part has one, or none does).
  const own = SLOT_COUNTS[d.optimizer.kind];
  const uniform = denseStepParams.write({
    layer_count: d.layers.length,
    batch: d.batch,
    rows: d.rows,
    x_width: d.xWidth,
    y_width: d.yWidth,
    y_offset: xSize,
    order_offset: xSize + d.rows * d.yWidth,
    loss_kind: LOSS_CODES[d.loss.kind],
    from_logits: d.loss.fromLogits ? 1 : 0,
    clip_low: CLIP_LOW,
    clip_high: CLIP_HIGH,
    segment_count: d.parts.length,
    grad_offset: d.gradOffset,
    slot_stride: total,
    regularized,
    live_slot: d.parts[0].slots.length > own ? own : NO_LIVE_SLOT,
    rule: updateRuleValues(d.optimizer),
  });
  const items = Math.max(...d.layers.map((l) => Math.max(d.batch * l.units, d.batch * l.inputs, (l.inputs + 1) * l.units)));
  return {
    kernel: emulated || items <= NARROW_ITEMS ? 'dense_step' : 'dense_step_wide',
    params: uniform,
    bindings: [{ table }, d.data, params, slots, d.work, d.modelStep, d.batchStep, d.lossOut],
    groups: [1, 1, 1],
  };
}
