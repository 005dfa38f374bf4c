// One whole training step of a small dense network (the playground's) in ONE dispatch of ONE workgroup:
// batch gather, forward, loss, backward, optimizer update and both step counters.
//
// Why: a playground step is tiny (2→8→8→8→1, batch 10 is ~500 multiply-adds per pass), so the generic
// plan's ~28 dispatches per step cost far more in dispatch overhead than in arithmetic (SwiftShader spends
// ~25-50 µs per dispatch, a hardware GPU a few µs). Here the phases are separated by barriers instead of
// dispatches; every phase spreads its (row, neuron) or (input, neuron) pairs over the workgroup's threads.
// Larger networks take the generic plan (see denseStepObstacle in src/engine/dense-step.ts).
//
// Memory: activations, deltas and gradients live in the `work` buffer (a workgroup may only have 16 KiB of
// shared memory, too little for batch 100 × 10 layers × 32 neurons); on a GPU they stay in cache.

// struct Params (nesting UpdateRule): generated from its declaration in src/engine/backend/webgpu/layouts.ts.

// table: per layer LAYER_WORDS words, then per parameter SEGMENT_WORDS, laid out and named in
// src/engine/backend/webgpu/dense-table.ts (these override constants come from there). A layer's output
// region in `work` holds z, then a, then δ = dL/dz, each [batch, units].
override LAYER_WORDS: u32;
override LAYER_INPUTS: u32;
override LAYER_UNITS: u32;
override LAYER_ACTIVATION: u32;
override LAYER_KERNEL: u32;
override LAYER_BIAS: u32;
override LAYER_INPUT: u32;
override LAYER_OUTPUT: u32;
override LAYER_PARAM: u32;
override SEGMENT_WORDS: u32;
override SEGMENT_START: u32;
override SEGMENT_END: u32;
override SEGMENT_L1: u32;
override SEGMENT_L2: u32;
override SEGMENT_CLIP: u32;
override NO_BIAS: u32; // a layer's bias offset when it has none
override NO_LIVE_SLOT: u32; // p.live_slot when the model keeps no live mask
// Codes from kernels.ts: the softmax activation (over a layer's units) and the losses that couple a row's
// outputs.
override SOFTMAX: u32;
override CATEGORICAL: u32;
override SPARSE_CATEGORICAL: u32;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> table: array<u32>;
@group(0) @binding(2) var<storage, read> data: array<f32>;
@group(0) @binding(3) var<storage, read_write> params: array<f32>;
@group(0) @binding(4) var<storage, read_write> slots: array<f32>;
@group(0) @binding(5) var<storage, read_write> work: array<f32>;
// The counters are u32: an f32 stops counting at 2^24 steps (Adam's t and dropout masks would freeze).
@group(0) @binding(6) var<storage, read_write> model_step: array<u32>;
@group(0) @binding(7) var<storage, read_write> batch_step: array<u32>;
@group(0) @binding(8) var<storage, read_write> loss: array<f32>;

// Two variants (kernels.ts): 32 threads for networks whose phases have at most a few items per thread,
// 256 for bigger ones (see denseDispatch in dense-step.ts). Few threads, because on SwiftShader every 4
// threads are a coroutine that each barrier switches, so a barrier costs in proportion to the workgroup
// (measured on the playground network: 32 threads 3,650 steps/s, 64 → 3,200, 128 → 1,650); many for big
// networks, because on a GPU the threads of one workgroup are all the parallelism a step has.
override THREADS: u32;
var<workgroup> loss_partial: array<f32, THREADS>;
var<workgroup> penalty_partial: array<f32, THREADS>;

struct Layer {
  inputs: u32,
  units: u32,
  activation: u32,
  kernel: u32,
  bias: u32,
  input: u32,
  z: u32,
  a: u32,
  delta: u32,
}

fn layer(l: u32) -> Layer {
  let b = l * LAYER_WORDS;
  let units = table[b + LAYER_UNITS];
  let out = table[b + LAYER_OUTPUT];
  let size = p.batch * units;
  return Layer(
    table[b + LAYER_INPUTS], units, table[b + LAYER_ACTIVATION], table[b + LAYER_KERNEL], table[b + LAYER_BIAS],
    table[b + LAYER_INPUT], out, out + size, out + 2u * size,
  );
}

// The segment index of layer l's kernel (its bias's is the next).
fn kernel_segment(l: u32) -> u32 {
  return table[l * LAYER_WORDS + LAYER_PARAM];
}

// Both barriers: phases hand values to each other through `work` (storage) and the partial sums (workgroup).
fn phase_end() {
  storageBarrier();
  workgroupBarrier();
}

// dActivation/dz from the output a (swish needs z), as activation_grad in elementwise.wgsl.
fn slope(kind: u32, a: f32, z: f32) -> f32 {
  if (kind == 7u) {
    let s = sigmoid_(z);
    return s * (1.0 + z * (1.0 - s));
  }
  return activation_slope(kind, a);
}

// Sum of a partial array by one thread: one barrier instead of a tree's log2(THREADS).
fn sum_partials(partial: ptr<workgroup, array<f32, THREADS>>) -> f32 {
  var s = 0.0;
  for (var i = 0u; i < THREADS; i++) { s += (*partial)[i]; }
  return s;
}

// The update of parameter element i from its gradient g; returns its L1/L2 penalty before the update.
// With `clip` (TensorFlow Playground's L1, Regularization.clipAtZero) a weight that the regularization
// share of the step carries across 0 becomes 0 and dead (its live mask 0): never updated again.
fn update_element(rule: UpdateRule, step: f32, i: u32, g: f32, l1: f32, l2: f32, clip: bool) -> f32 {
  let w = params[i];
  let penalty = l1 * abs(w) + l2 * w * w;
  let live_at = p.live_slot * p.slot_stride + i;
  if (p.live_slot != NO_LIVE_SLOT && slots[live_at] == 0.0) { return penalty; }
  let adam = rule.kind == 2u;
  var s1 = 0.0;
  if (adam) { s1 = slots[p.slot_stride + i]; }
  let u = apply_rule(rule, step, w, g, l1, l2, slots[i], s1);
  params[i] = u.x;
  slots[i] = u.y;
  if (adam) { slots[p.slot_stride + i] = u.z; }
  if (clip && crosses_zero(rule, w, u.x, l1, l2)) {
    params[i] = 0.0;
    slots[live_at] = 0.0;
  }
  return penalty;
}

// Whether parameter `segment` clips zero crossings (see the table above).
fn segment_clips(segment: u32) -> bool {
  return table[p.layer_count * LAYER_WORDS + segment * SEGMENT_WORDS + SEGMENT_CLIP] == 1u;
}

// [first element, end, l1, l2] of parameter `segment` (see the table above).
fn segment_of(segment: u32) -> vec4u {
  let at = p.layer_count * LAYER_WORDS + segment * SEGMENT_WORDS;
  return vec4u(table[at + SEGMENT_START], table[at + SEGMENT_END], table[at + SEGMENT_L1], table[at + SEGMENT_L2]);
}

// The update of one parameter from its gradients in `work`; returns its penalty.
fn update_segment(rule: UpdateRule, step: f32, lid: u32, segment: u32) -> f32 {
  let s = segment_of(segment);
  let clip = segment_clips(segment);
  var penalty = 0.0;
  for (var i = s.x + lid; i < s.y; i += THREADS) {
    penalty += update_element(rule, step, i, work[p.grad_offset + i], bitcast<f32>(s.z), bitcast<f32>(s.w), clip);
  }
  return penalty;
}

// Update every parameter of layer l (its kernel, then its bias: consecutive segments).
fn update_layer(rule: UpdateRule, step: f32, lid: u32, l: u32) -> f32 {
  let L = layer(l);
  var penalty = update_segment(rule, step, lid, kernel_segment(l));
  if (L.bias != NO_BIAS) { penalty += update_segment(rule, step, lid, kernel_segment(l) + 1u); }
  return penalty;
}

// The row of the training set that batch row r is at this step: order[(t·batch + r) mod rows], as
// batch_indices in layout.wgsl.
fn row_of(first: u32, r: u32) -> u32 {
  return u32(data[p.order_offset + (first + r) % p.rows]);
}

// The target of output j for training row `row`: one-hot of the row's class index for SPARSE_CATEGORICAL
// (the host checked the labels).
fn target_of(row: u32, j: u32) -> f32 {
  if (p.loss_kind == SPARSE_CATEGORICAL) { return select(0.0, 1.0, u32(data[p.y_offset + row]) == j); }
  return data[p.y_offset + row * p.y_width + j];
}

// Row maximum and Σ e^(z−m) of batch row `base` of the output layer's z: softmax_j = e^(z_j−m) / s.
fn softmax_sums(L: Layer, base: u32) -> vec2f {
  var m = -3.4028234663852886e38;
  for (var j = 0u; j < L.units; j++) { m = max_(m, work[L.z + base + j]); }
  var s = 0.0;
  for (var j = 0u; j < L.units; j++) { s += exp(work[L.z + base + j] - m); }
  return vec2f(m, s);
}

// For a loss or an output activation that couples a row's outputs (categorical cross-entropy, softmax):
// the loss of batch row r (training row `row`) summed over its outputs, and δ = dL/dz of each, the loss
// being a mean over `divisor` terms. As the CPU's loss kernel (src/engine/backend/cpu/loss.ts) and softmax
// gradient (ops.softmax: δ = a ⊙ (g − Σ g⊙a)).
fn row_loss(L: Layer, r: u32, row: u32, divisor: f32) -> f32 {
  let base = r * L.units;
  let categorical = p.loss_kind == CATEGORICAL || p.loss_kind == SPARSE_CATEGORICAL;
  var total = 0.0;
  if (categorical && p.from_logits == 1u) {
    // A softmax output folded into the loss: the layer's activation is linear, z are the logits.
    let ms = softmax_sums(L, base);
    let log_s = log(ms.y);
    var y_sum = 0.0;
    for (var j = 0u; j < L.units; j++) { y_sum += target_of(row, j); }
    for (var j = 0u; j < L.units; j++) {
      let term = logits_ce_term(work[L.z + base + j], target_of(row, j), ms.x, ms.y, log_s, y_sum);
      total += term.x;
      work[L.delta + base + j] = term.y / divisor;
    }
    return total;
  }
  let softmax = L.activation == SOFTMAX;
  if (softmax) {
    let ms = softmax_sums(L, base);
    for (var j = 0u; j < L.units; j++) { work[L.a + base + j] = exp(work[L.z + base + j] - ms.x) / ms.y; }
  }
  // g = dL/da into δ first; Σ g⊙a for the softmax's Jacobian.
  var dot = 0.0;
  for (var j = 0u; j < L.units; j++) {
    let a = work[L.a + base + j];
    let y = target_of(row, j);
    var term: vec2f;
    if (categorical) {
      term = probs_ce_term(a, y, p.clip_low);
    } else {
      term = element_loss(p.loss_kind, false, p.clip_low, p.clip_high, a, y);
    }
    // As the CPU: a sparse row's loss is its label's term alone (0 · log c is NaN where c is).
    if (p.loss_kind != SPARSE_CATEGORICAL || y != 0.0) { total += term.x; }
    let g = term.y / divisor;
    work[L.delta + base + j] = g;
    dot += g * a;
  }
  for (var j = 0u; j < L.units; j++) {
    let k = base + j;
    let a = work[L.a + k];
    let g = work[L.delta + k];
    work[L.delta + k] = select(g * slope(L.activation, a, work[L.z + k]), a * (g - dot), softmax);
  }
  return total;
}

// Unit j of layer l (index l, the first reads the training set) for batch row r (training row `row`):
// z = a_prev · W + b and a = act(z), stored in `work` and returned as (z, a). A softmax layer's a is z here
// (row_loss normalizes it).
fn forward_unit(L: Layer, l: u32, r: u32, row: u32, j: u32) -> vec2f {
  var z = 0.0;
  if (L.bias != NO_BIAS) { z = params[L.bias + j]; }
  if (l == 0u) {
    let x = row * p.x_width;
    for (var i = 0u; i < L.inputs; i++) { z += data[x + i] * params[L.kernel + i * L.units + j]; }
  } else {
    for (var i = 0u; i < L.inputs; i++) { z += work[L.input + r * L.inputs + i] * params[L.kernel + i * L.units + j]; }
  }
  let a = activate(L.activation, z);
  let k = r * L.units + j;
  work[L.z + k] = z;
  work[L.a + k] = a;
  return vec2f(z, a);
}

// Barriers: forward one per layer (the first layer reads the training set directly, the last computes the
// loss and its δ); backward one per layer but the first. Each layer's update runs in the phase after its
// gradients, when nothing reads its weights any more (the δ below needs them before the update); the first
// layer's gradient and update are one loop. So a step of L layers waits on 2L − 1 barriers (+1 to sum a
// regularization penalty).
@compute @workgroup_size(THREADS)
fn dense_step(@builtin(local_invocation_index) lid: u32) {
  // Counters read before any barrier: thread 0 advances them after the last one.
  let t = batch_step[0];
  let step = model_step[0] + 1u;
  // Adam's bias correction: past 2^24 steps f32 rounds t, where β^t is long 0 anyway.
  let t_rule = f32(step);
  let first = ((t % p.rows) * (p.batch % p.rows)) % p.rows;
  let last_index = p.layer_count - 1u;
  let output = layer(last_index);
  let count = p.batch * output.units;
  let categorical = p.loss_kind == CATEGORICAL || p.loss_kind == SPARSE_CATEGORICAL;
  // Losses and an activation that couple a row's outputs are computed a whole row at a time (row_loss).
  let by_row = categorical || output.activation == SOFTMAX;
  // The loss is the mean over rows for the categorical kinds (Keras sums over classes), over every output
  // element for the others.
  let divisor = f32(select(count, p.batch, categorical));

  // Forward: z = a_prev · W + b, a = act(z); at the last layer, the loss and δ.
  var loss_sum = 0.0;
  for (var l = 0u; l < p.layer_count; l++) {
    let L = layer(l);
    // A coupled output layer (softmax, categorical cross-entropy) takes a whole row per item: one thread
    // computes the row's units, then its loss (no extra barrier). Otherwise an item is one unit of a row.
    let coupled = l == last_index && by_row;
    let per_item = select(1u, L.units, coupled);
    for (var k = lid; k < p.batch * L.units / per_item; k += THREADS) {
      let r = k * per_item / L.units;
      let row = row_of(first, r);
      for (var u = 0u; u < per_item; u++) {
        let j = (k * per_item + u) % L.units;
        let za = forward_unit(L, l, r, row, j);
        if (l == last_index && !coupled) {
          let lg = element_loss(p.loss_kind, p.from_logits == 1u, p.clip_low, p.clip_high, za.y, data[p.y_offset + row * p.y_width + j]);
          loss_sum += lg.x;
          work[L.delta + r * L.units + j] = lg.y / divisor * slope(L.activation, za.y, za.x);
        }
      }
      if (coupled) { loss_sum += row_loss(L, r, row, divisor); }
    }
    loss_partial[lid] = loss_sum;
    phase_end();
  }

  // Backward, last layer first: the gradients of W and b, and δ of the layer below (from the weights
  // before this step's update).
  let rule = p.rule;
  var penalty = 0.0;
  for (var l = p.layer_count; l > 0u; l--) {
    let L = layer(l - 1u);
    let weights = L.inputs * L.units;
    var grads = weights;
    if (L.bias != NO_BIAS) { grads += L.units; }
    let kernel_seg = segment_of(kernel_segment(l - 1u));
    let bias_seg = segment_of(kernel_segment(l - 1u) + 1u);
    let kernel_clip = segment_clips(kernel_segment(l - 1u));
    let bias_clip = segment_clips(kernel_segment(l - 1u) + 1u);
    for (var k = lid; k < grads; k += THREADS) {
      var g = 0.0;
      if (k < weights) {
        let i = k / L.units;
        let j = k % L.units;
        if (l == 1u) {
          for (var r = 0u; r < p.batch; r++) { g += data[row_of(first, r) * p.x_width + i] * work[L.delta + r * L.units + j]; }
          // The first layer's weights are read by no one in this phase: update them right away.
          penalty += update_element(rule, t_rule, L.kernel + k, g, bitcast<f32>(kernel_seg.z), bitcast<f32>(kernel_seg.w), kernel_clip);
        } else {
          for (var r = 0u; r < p.batch; r++) { g += work[L.input + r * L.inputs + i] * work[L.delta + r * L.units + j]; }
          work[p.grad_offset + L.kernel + k] = g;
        }
      } else {
        let j = k - weights;
        for (var r = 0u; r < p.batch; r++) { g += work[L.delta + r * L.units + j]; }
        if (l == 1u) {
          penalty += update_element(rule, t_rule, L.bias + j, g, bitcast<f32>(bias_seg.z), bitcast<f32>(bias_seg.w), bias_clip);
        } else {
          work[p.grad_offset + L.bias + j] = g;
        }
      }
    }
    if (l < p.layer_count) { penalty += update_layer(rule, t_rule, lid, l); }
    if (l > 1u) {
      let below = layer(l - 2u);
      for (var k = lid; k < p.batch * L.inputs; k += THREADS) {
        let r = k / L.inputs;
        let i = k % L.inputs;
        var g = 0.0;
        for (var j = 0u; j < L.units; j++) { g += params[L.kernel + i * L.units + j] * work[L.delta + r * L.units + j]; }
        work[below.delta + k] = g * slope(below.activation, work[below.a + k], work[below.z + k]);
      }
      phase_end();
    }
  }

  penalty_partial[lid] = penalty;
  if (p.regularized == 1u) { workgroupBarrier(); }
  if (lid == 0u) {
    var total = sum_partials(&loss_partial) / divisor;
    if (p.regularized == 1u) { total += sum_partials(&penalty_partial); }
    loss[0] = total;
    model_step[0] = step;
    // Mod rows, as batch_indices keeps it: the row position is all it encodes.
    batch_step[0] = (t + 1u) % p.rows;
  }
}
