// The metrics' counts and sums (Backend.metricCounts), so a metrics update reads back a few numbers instead
// of the predictions. One workgroup walks every row (a metrics update runs a few times a second, on at most
// 100,000 rows): counts go into workgroup atomics, exact; sums into a workgroup tree, as loss.wgsl's mean.
// Comparisons test NaN by its bits (common.wgsl), so a NaN prediction lands where the CPU reference puts it
// (src/engine/backend/cpu/metrics.ts): never an argmax, class 0 against a cut, above no threshold.

// struct Params: generated from its declaration in src/engine/backend/webgpu/layouts.ts.

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> pred: array<f32>;
@group(0) @binding(2) var<storage, read> labels: array<f32>;
@group(0) @binding(3) var<storage, read> thresholds: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;

const THREADS: u32 = 256u;
// Confusion counts, then rows per threshold bucket (negatives, then positives): 12 KB of workgroup memory,
// under WebGPU's guaranteed 16 KB. metric-kernels.ts refuses larger counts.
const CAPACITY: u32 = 3072u;
var<workgroup> counts: array<atomic<u32>, CAPACITY>;
var<workgroup> sums: array<vec4<f32>, THREADS>;

fn greater_(a: f32, b: f32) -> bool {
  return !is_nan_(a) && !is_nan_(b) && a > b;
}

fn predicted_class(r: u32) -> u32 {
  if (p.has_cut == 1u) {
    let v = pred[r];
    return select(0u, 1u, !is_nan_(v) && v >= p.cut);
  }
  let base = r * p.columns;
  var best = 0u;
  for (var j = 1u; j < p.classes; j++) {
    if (greater_(pred[base + j], pred[base + best])) { best = j; }
  }
  return best;
}

// Thresholds below s (they ascend): binary search for the first one s does not exceed.
fn bucket(s: f32) -> u32 {
  if (is_nan_(s)) { return 0u; }
  var lo = 0u;
  var hi = p.thresholds;
  while (lo < hi) {
    let mid = (lo + hi) / 2u;
    if (thresholds[mid] < s) { lo = mid + 1u; } else { hi = mid; }
  }
  return lo;
}

@compute @workgroup_size(256)
fn metric_classes(@builtin(local_invocation_index) lid: u32) {
  let k = p.classes;
  let cells = k * k;
  let buckets = p.thresholds + 1u;
  let used = cells + 2u * buckets * p.has_score;
  for (var i = lid; i < used; i += THREADS) { atomicStore(&counts[i], 0u); }
  workgroupBarrier();
  for (var r = lid; r < p.rows; r += THREADS) {
    let label = labels[r];
    // Not a class index: not counted (the CPU reference throws).
    if (is_nan_(label) || label < 0.0 || label >= f32(k) || label != floor(label)) { continue; }
    let t = u32(label);
    atomicAdd(&counts[t * k + predicted_class(r)], 1u);
    if (p.has_score == 1u) {
      var s = pred[r * p.columns + p.score_column];
      if (p.signed == 1u) { s = (s + 1.0) * 0.5; }
      atomicAdd(&counts[cells + t * buckets + bucket(s)], 1u);
    }
  }
  workgroupBarrier();
  for (var i = lid; i < cells; i += THREADS) { out[i] = f32(atomicLoad(&counts[i])); }
  if (p.has_score == 1u) {
    // tp[i], fp[i]: rows in the buckets above i, whose score exceeds thresholds[i].
    for (var i = lid; i < p.thresholds; i += THREADS) {
      var tp = 0u;
      var fp = 0u;
      for (var b = i + 1u; b < buckets; b++) {
        fp += atomicLoad(&counts[cells + b]);
        tp += atomicLoad(&counts[cells + buckets + b]);
      }
      out[cells + i] = f32(tp);
      out[cells + p.thresholds + i] = f32(fp);
    }
  }
}

// One workgroup per output column: Σe², Σ|e|, Σd, Σd², n with d = label − the column's first label.
@compute @workgroup_size(256)
fn metric_regression(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>) {
  let c = wid.x;
  let w = p.columns;
  let y0 = labels[c];
  var acc = vec4<f32>(0.0);
  for (var r = lid; r < p.rows; r += THREADS) {
    let y = labels[r * w + c];
    let e = pred[r * w + c] - y;
    let d = y - y0;
    acc += vec4<f32>(e * e, select(abs(e), e, is_nan_(e)), d, d * d);
  }
  sums[lid] = acc;
  workgroupBarrier();
  for (var stride = THREADS / 2u; stride > 0u; stride /= 2u) {
    if (lid < stride) { sums[lid] += sums[lid + stride]; }
    workgroupBarrier();
  }
  if (lid == 0u) {
    let total = sums[0];
    out[c * 5u] = total.x;
    out[c * 5u + 1u] = total.y;
    out[c * 5u + 2u] = total.z;
    out[c * 5u + 3u] = total.w;
    out[c * 5u + 4u] = f32(p.rows);
  }
}
