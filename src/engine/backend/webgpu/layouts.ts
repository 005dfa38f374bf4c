// Every parameter block of the WGSL kernels, declared once: kernels.ts prepends each file's structs to its
// WGSL (the .wgsl files only use them), and the launchers fill them by field name with `.write({...})`.
import type { ShaderFile } from './shaders';
import { struct, type Fields, type StructLayout } from './struct-layout';

export const updateRule = struct('UpdateRule', {
  kind: 'u32', // OPTIMIZER_CODES in kernels.ts
  nesterov: 'u32',
  lr: 'f32',
  momentum: 'f32',
  rho: 'f32',
  beta1: 'f32',
  beta2: 'f32',
  epsilon: 'f32',
});

/** unary, activation, activation_grad and fill: `op` is a UNARY or ACTIVATION code, `value` fill's. */
export const mapParams = struct('MapParams', { size: 'u32', op: 'u32', value: 'f32' });

/** Broadcasting binary op over up to 8 axes; a stride of 0 repeats an input along that axis. */
export const binaryParams = struct('BinaryParams', {
  size: 'u32',
  rank: 'u32',
  op: 'u32', // BINARY_CODES
  shape: 'vec8u',
  a_strides: 'vec8u',
  b_strides: 'vec8u',
});

export const matmulParams = struct('Params', { m: 'u32', n: 'u32', k: 'u32', activation: 'u32', has_bias: 'u32' });

export const convParams = struct('Params', {
  batch: 'u32',
  in_h: 'u32',
  in_w: 'u32',
  in_c: 'u32',
  out_h: 'u32',
  out_w: 'u32',
  out_c: 'u32',
  kh: 'u32',
  kw: 'u32',
  sh: 'u32',
  sw: 'u32',
  pad_top: 'u32',
  pad_left: 'u32',
  activation: 'u32', // conv2d_forward's epilogue
  has_bias: 'u32',
  lines_per_chunk: 'u32', // conv2d_filter_grad: output lines (n, oy) per partial sum
});

export const poolParams = struct('Params', {
  batch: 'u32',
  in_h: 'u32',
  in_w: 'u32',
  channels: 'u32',
  out_h: 'u32',
  out_w: 'u32',
  ph: 'u32',
  pw: 'u32',
  sh: 'u32',
  sw: 'u32',
  pad_top: 'u32',
  pad_left: 'u32',
  is_max: 'u32',
  size: 'u32',
});

/**
 * Kept axes index the output, reduced ones are summed over (each with its input strides); the innermost
 * reduced axis is walked with a plain stride (inner_size, inner_stride) and is not in red_shape.
 */
export const reduceParams = struct('Params', {
  out_size: 'u32',
  reduce_size: 'u32',
  op: 'u32', // 0 sum, 1 mean, 2 max
  kept_rank: 'u32',
  red_rank: 'u32',
  inner_size: 'u32',
  inner_stride: 'u32',
  kept_shape: 'vec8u',
  kept_strides: 'vec8u',
  red_shape: 'vec8u',
  red_strides: 'vec8u',
});

export const softmaxParams = struct('Params', { rows: 'u32', cols: 'u32' });

export const lossParams = struct('Params', {
  kind: 'u32', // LOSS_CODES
  from_logits: 'u32',
  size: 'u32', // elements of pred
  rows: 'u32', // rows for the categorical kinds
  classes: 'u32',
  clip_low: 'f32',
  clip_high: 'f32',
  zero: 'u32', // always 0: `bits | zero` makes a NaN that WGSL does not reject as a constant
});

/** metrics.wgsl (Backend.metricCounts). */
export const metricParams = struct('Params', {
  rows: 'u32',
  columns: 'u32', // of pred
  classes: 'u32',
  has_cut: 'u32', // one column: class 1 when pred ≥ cut
  cut: 'f32',
  has_score: 'u32', // count rows per threshold
  score_column: 'u32',
  signed: 'u32', // a score in [−1, 1], mapped to (s + 1) / 2
  thresholds: 'u32', // how many
});

export const dropoutParams = struct('Params', {
  size: 'u32',
  seed: 'u32',
  threshold: 'f32', // rate, rounded to f32 (as the CPU backend compares)
  keep: 'f32', // 1 / (1 - rate)
});

export const optimizerParams = struct('Params', {
  size: 'u32', // elements in the arenas (padding included)
  segment_count: 'u32',
  masked: 'u32', // 1 when the live mask (Regularization.clipAtZero) is bound
  rule: updateRule,
});

/** Element c of `shape` goes from src[src_start + Σ c_d·src_strides_d] to dst[dst_start + Σ c_d·dst_strides_d]. */
export const copyParams = struct('CopyParams', {
  size: 'u32',
  rank: 'u32',
  src_start: 'u32',
  dst_start: 'u32',
  shape: 'vec8u',
  src_strides: 'vec8u',
  dst_strides: 'vec8u',
});

export const gatherParams = struct('GatherParams', {
  rows: 'u32', // indices
  row_size: 'u32', // elements per row
  source_rows: 'u32',
  size: 'u32', // rows · row_size
});

export const batchParams = struct('BatchParams', { batch: 'u32', order_size: 'u32' });

/** The fused dense training step (dense_step.wgsl); its per-layer table is declared in dense-table.ts. */
export const denseStepParams = struct('Params', {
  layer_count: 'u32',
  batch: 'u32',
  rows: 'u32', // training-set rows (the order's length)
  x_width: 'u32',
  y_width: 'u32', // the last layer's units (a class index for SPARSE_CATEGORICAL: 1)
  y_offset: 'u32', // where the targets start in `data` (x starts at 0)
  order_offset: 'u32', // where the row order starts in `data`
  loss_kind: 'u32', // LOSS_CODES
  from_logits: 'u32',
  clip_low: 'f32',
  clip_high: 'f32',
  segment_count: 'u32',
  grad_offset: 'u32', // gradients in `work`, laid out like the parameter arena
  slot_stride: 'u32', // slot j of parameter element i is slots[j · slot_stride + i]
  regularized: 'u32', // 1 when some parameter has an L1 or L2 penalty to add to the loss
  live_slot: 'u32', // the live mask's slot (Regularization.clipAtZero), NO_LIVE_SLOT when the model has none
  rule: updateRule,
});

/** The grid kernels (grid.wgsl: the generated one and grid_loop.wgsl). */
export const gridParams = struct('GridParams', {
  n: 'u32', // points per side
  low: 'f32',
  high: 'f32',
  layer_count: 'u32', // read by grid_loop.wgsl; a generated kernel knows its layers
  feature_count: 'u32',
});

/** The structs each shader file uses (nested ones are added by structsWgsl). */
export const FILE_LAYOUTS: Partial<Record<ShaderFile, StructLayout<Fields>[]>> = {
  elementwise: [mapParams, binaryParams],
  matmul: [matmulParams],
  conv2d: [convParams],
  pool: [poolParams],
  reduce: [reduceParams],
  softmax: [softmaxParams],
  loss: [lossParams],
  metrics: [metricParams],
  dropout: [dropoutParams],
  optimizer: [optimizerParams],
  layout: [copyParams, gatherParams, batchParams],
  dense_step: [denseStepParams],
  // grid.wgsl heads the generated grid kernels and is included by grid_loop.wgsl.
  grid: [gridParams],
  grid_loop: [gridParams],
};
