// One whole training step of a small dense network (the playground's) in ONE dispatch of ONE workgroup:
// batch gather, forward, element-wise loss, backward, optimizer update and both step counters.
//
// Why: a playground step is tiny (2→8→8→8→1, batch 10 is ~500 multiply-adds per pass), so the generic
// plan's ~28 dispatches per step cost far more in dispatch overhead than in arithmetic (SwiftShader spends
// ~25-50 µs per dispatch, a hardware GPU a few µs). Here the phases are separated by barriers instead of
// dispatches; every phase spreads its (row, neuron) or (input, neuron) pairs over the workgroup's threads.
// Larger networks take the generic plan (see denseStepObstacle in src/engine/dense-step.ts).
//
// Memory: activations, deltas and gradients live in the `work` buffer (a workgroup may only have 16 KiB of
// shared memory, too little for batch 100 × 10 layers × 32 neurons); on a GPU they stay in cache.

struct Params {
  layer_count: u32,
  batch: u32,
  rows: u32, // training-set rows (the order's length)
  x_width: u32,
  y_width: u32, // = the last layer's units
  y_offset: u32, // where the targets start in `data` (x starts at 0)
  order_offset: u32, // where the row order starts in `data`
  loss_kind: u32, // element-wise LOSS_CODES: 0 mse, 1 mae, 2 huber, 3 binary crossentropy
  from_logits: u32,
  clip_low: f32,
  clip_high: f32,
  segment_count: u32,
  grad_offset: u32, // gradients in `work`, laid out like the parameter arena
  slot_stride: u32, // slot j of parameter element i is slots[j · slot_stride + i]
  regularized: u32, // 1 when some parameter has an L1 or L2 penalty to add to the loss
  _pad: u32,
  rule: UpdateRule,
}

// table: per layer 8 words [inputs, units, activation, kernel offset, bias offset (NO_BIAS: none),
// input offset in work (the previous layer's a; the first layer reads `data`), output offset in work,
// index of its kernel's parameter (its bias is the next)]; the outputs region holds z, then a, then δ = dL/dz,
// each [batch, units]. Then per parameter 4 words [start, end, l1 bits, l2 bits] (arena elements).
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> table: array<u32>;
@group(0) @binding(2) var<storage, read> data: array<f32>;
@group(0) @binding(3) var<storage, read_write> params: array<f32>;
@group(0) @binding(4) var<storage, read_write> slots: array<f32>;
@group(0) @binding(5) var<storage, read_write> work: array<f32>;
@group(0) @binding(6) var<storage, read_write> model_step: array<f32>;
@group(0) @binding(7) var<storage, read_write> batch_step: array<f32>;
@group(0) @binding(8) var<storage, read_write> loss: array<f32>;

// Two variants (kernels.ts): 32 threads for networks whose phases have at most a few items per thread,
// 256 for bigger ones (see denseDispatch in dense-step.ts). Few threads, because on SwiftShader every 4
// threads are a coroutine that each barrier switches, so a barrier costs in proportion to the workgroup
// (measured on the playground network: 32 threads 3,650 steps/s, 64 → 3,200, 128 → 1,650); many for big
// networks, because on a GPU the threads of one workgroup are all the parallelism a step has.
override THREADS: u32;
const NO_BIAS: u32 = 0xffffffffu;
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
  let b = l * 8u;
  let units = table[b + 1u];
  let out = table[b + 6u];
  let size = p.batch * units;
  return Layer(table[b], units, table[b + 2u], table[b + 3u], table[b + 4u], table[b + 5u], out, out + size, out + 2u * size);
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
fn update_element(rule: UpdateRule, step: f32, i: u32, g: f32, l1: f32, l2: f32) -> f32 {
  let w = params[i];
  let adam = rule.kind == 2u;
  var s1 = 0.0;
  if (adam) { s1 = slots[p.slot_stride + i]; }
  let u = apply_rule(rule, step, w, g, l1, l2, slots[i], s1);
  params[i] = u.x;
  slots[i] = u.y;
  if (adam) { slots[p.slot_stride + i] = u.z; }
  return l1 * abs(w) + l2 * w * w;
}

// [first element, end, l1, l2] of parameter `segment` (see the table above).
fn segment_of(segment: u32) -> vec4u {
  let at = p.layer_count * 8u + segment * 4u;
  return vec4u(table[at], table[at + 1u], table[at + 2u], table[at + 3u]);
}

// The update of one parameter from its gradients in `work`; returns its penalty.
fn update_segment(rule: UpdateRule, step: f32, lid: u32, segment: u32) -> f32 {
  let s = segment_of(segment);
  var penalty = 0.0;
  for (var i = s.x + lid; i < s.y; i += THREADS) {
    penalty += update_element(rule, step, i, work[p.grad_offset + i], bitcast<f32>(s.z), bitcast<f32>(s.w));
  }
  return penalty;
}

// Update every parameter of layer l (its kernel, then its bias: consecutive segments).
fn update_layer(rule: UpdateRule, step: f32, lid: u32, l: u32) -> f32 {
  let L = layer(l);
  var penalty = update_segment(rule, step, lid, table[l * 8u + 7u]);
  if (L.bias != NO_BIAS) { penalty += update_segment(rule, step, lid, table[l * 8u + 7u] + 1u); }
  return penalty;
}

// The row of the training set that batch row r is at this step: order[(t·batch + r) mod rows], as
// batch_indices in layout.wgsl.
fn row_of(first: u32, r: u32) -> u32 {
  return u32(data[p.order_offset + (first + r) % p.rows]);
}

// Barriers: forward one per layer (the first layer reads the training set directly, the last computes the
// loss and its δ); backward one per layer but the first. Each layer's update runs in the phase after its
// gradients, when nothing reads its weights any more (the δ below needs them before the update); the first
// layer's gradient and update are one loop. So a step of L layers waits on 2L − 1 barriers (+1 to sum a
// regularization penalty).
@compute @workgroup_size(THREADS)
fn dense_step(@builtin(local_invocation_index) lid: u32) {
  // Counters read before any barrier: thread 0 advances them after the last one.
  let t = u32(batch_step[0]);
  let step = model_step[0] + 1.0;
  let first = ((t % p.rows) * (p.batch % p.rows)) % p.rows;
  let last_index = p.layer_count - 1u;
  let count = p.batch * layer(last_index).units;

  // Forward: z = a_prev · W + b, a = act(z); at the last layer, the loss (mean over batch × outputs) and δ.
  var loss_sum = 0.0;
  for (var l = 0u; l < p.layer_count; l++) {
    let L = layer(l);
    for (var k = lid; k < p.batch * L.units; k += THREADS) {
      let r = k / L.units;
      let j = k % L.units;
      var z = 0.0;
      if (L.bias != NO_BIAS) { z = params[L.bias + j]; }
      if (l == 0u) {
        let x = row_of(first, r) * p.x_width;
        for (var i = 0u; i < L.inputs; i++) { z += data[x + i] * params[L.kernel + i * L.units + j]; }
      } else {
        for (var i = 0u; i < L.inputs; i++) { z += work[L.input + r * L.inputs + i] * params[L.kernel + i * L.units + j]; }
      }
      let a = activate(L.activation, z);
      work[L.z + k] = z;
      work[L.a + k] = a;
      if (l == last_index) {
        let y_true = data[p.y_offset + row_of(first, r) * p.y_width + j];
        let lg = element_loss(p.loss_kind, p.from_logits == 1u, p.clip_low, p.clip_high, a, y_true);
        loss_sum += lg.x;
        work[L.delta + k] = lg.y / f32(count) * slope(L.activation, a, z);
      }
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
    let kernel_seg = segment_of(table[(l - 1u) * 8u + 7u]);
    let bias_seg = segment_of(table[(l - 1u) * 8u + 7u] + 1u);
    for (var k = lid; k < grads; k += THREADS) {
      var g = 0.0;
      if (k < weights) {
        let i = k / L.units;
        let j = k % L.units;
        if (l == 1u) {
          for (var r = 0u; r < p.batch; r++) { g += data[row_of(first, r) * p.x_width + i] * work[L.delta + r * L.units + j]; }
          // The first layer's weights are read by no one in this phase: update them right away.
          penalty += update_element(rule, step, L.kernel + k, g, bitcast<f32>(kernel_seg.z), bitcast<f32>(kernel_seg.w));
        } else {
          for (var r = 0u; r < p.batch; r++) { g += work[L.input + r * L.inputs + i] * work[L.delta + r * L.units + j]; }
          work[p.grad_offset + L.kernel + k] = g;
        }
      } else {
        let j = k - weights;
        for (var r = 0u; r < p.batch; r++) { g += work[L.delta + r * L.units + j]; }
        if (l == 1u) {
          penalty += update_element(rule, step, L.bias + j, g, bitcast<f32>(bias_seg.z), bitcast<f32>(bias_seg.w));
        } else {
          work[p.grad_offset + L.bias + j] = g;
        }
      }
    }
    if (l < p.layer_count) { penalty += update_layer(rule, step, lid, l); }
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
    var total = sum_partials(&loss_partial) / f32(count);
    if (p.regularized == 1u) { total += sum_partials(&penalty_partial); }
    loss[0] = total;
    model_step[0] = step;
    // Mod rows, as batch_indices keeps it: the row position is all it encodes, and an f32 stops counting
    // at 2^24 (under 2 hours at the playground's steps per second).
    batch_step[0] = f32((t + 1u) % p.rows);
  }
}
