// Every loss fused with its gradient: one workgroup walks the prediction, writes dLoss/dpred for each
// element and sums the loss in a workgroup tree, so a training step spends one dispatch on its loss.
// Batches here are at most a few thousand elements; a single workgroup keeps the mean exact without a
// second pass. Clipping and the fromLogits paths follow the CPU backend (src/engine/backend/cpu/loss.ts);
// the element-wise losses are in loss_terms.wgsl.

// struct Params: generated from its declaration in src/engine/backend/webgpu/layouts.ts.

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> pred: array<f32>;
@group(0) @binding(2) var<storage, read> labels: array<f32>;
@group(0) @binding(3) var<storage, read_write> loss: array<f32>;
@group(0) @binding(4) var<storage, read_write> grad: array<f32>;

const THREADS: u32 = 256u;
var<workgroup> partial: array<f32, THREADS>;

// Row r of categorical crossentropy (one-hot targets; kind 4) or its sparse form (integer labels; kind 5).
// Writes the row's gradient (already divided by rows) and returns its loss.
fn row_loss(r: u32) -> f32 {
  let base = r * p.classes;
  let n = f32(p.rows);
  let sparse = p.kind == 5u;
  let label = labels[r];
  if (sparse && (label < 0.0 || label >= f32(p.classes) || label != floor(label))) {
    // The CPU backend throws here; a kernel cannot, so the loss turns NaN where the caller will see it.
    // (`| p.zero`, which is 0, keeps the NaN a runtime value: WGSL rejects NaN constants.)
    for (var j = 0u; j < p.classes; j++) { grad[base + j] = 0.0; }
    return bitcast<f32>(0x7fc00000u | p.zero);
  }
  let lbl = u32(label);
  if (p.from_logits == 1u) {
    var m = -3.4028234663852886e38;
    for (var j = 0u; j < p.classes; j++) { m = max_(m, pred[base + j]); }
    var s = 0.0;
    for (var j = 0u; j < p.classes; j++) { s += exp(pred[base + j] - m); }
    let log_s = log(s);
    var total = 0.0;
    var y_sum = 1.0;
    if (!sparse) {
      y_sum = 0.0;
      for (var j = 0u; j < p.classes; j++) { y_sum += labels[base + j]; }
    }
    for (var j = 0u; j < p.classes; j++) {
      let yj = select(labels[base + j], select(0.0, 1.0, j == lbl), sparse);
      let term = logits_ce_term(pred[base + j], yj, m, s, log_s, y_sum);
      total += term.x;
      grad[base + j] = term.y / n;
    }
    return total;
  }
  var total = 0.0;
  for (var j = 0u; j < p.classes; j++) {
    let yj = select(labels[base + j], select(0.0, 1.0, j == lbl), sparse);
    let term = probs_ce_term(pred[base + j], yj, p.clip_low);
    // As the CPU: every class of a one-hot row counts (0 · log c is NaN when c is), the label alone of a sparse one.
    if (!sparse || yj != 0.0) { total += term.x; }
    // A sparse row's other classes get 0, as the CPU leaves them (−0 / c would be NaN for a NaN c).
    grad[base + j] = select(term.y / n, 0.0, sparse && j != lbl);
  }
  return total;
}

@compute @workgroup_size(256)
fn loss_with_grad(@builtin(local_invocation_index) lid: u32) {
  var acc = 0.0;
  var count = f32(p.size);
  if (p.kind >= 4u) {
    count = f32(p.rows);
    for (var r = lid; r < p.rows; r += THREADS) { acc += row_loss(r); }
  } else {
    let n = f32(p.size);
    for (var i = lid; i < p.size; i += THREADS) {
      let lg = element_loss(p.kind, p.from_logits == 1u, p.clip_low, p.clip_high, pred[i], labels[i]);
      acc += lg.x;
      grad[i] = lg.y / n;
    }
  }
  partial[lid] = acc;
  workgroupBarrier();
  for (var s = THREADS / 2u; s > 0u; s >>= 1u) {
    if (lid < s) { partial[lid] += partial[lid + s]; }
    workgroupBarrier();
  }
  if (lid == 0u) { loss[0] = partial[0] / count; }
}
