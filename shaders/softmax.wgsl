// Softmax over the last axis, one thread per row, subtracting the row maximum first (stable for any logits).

// struct Params: generated from its declaration in src/engine/backend/webgpu/layouts.ts.

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(64)
fn softmax(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let row = flat_id(gid, groups);
  if (row >= p.rows) { return; }
  let base = row * p.cols;
  var m = -3.4028234663852886e38;
  for (var j = 0u; j < p.cols; j++) { m = max_(m, x[base + j]); }
  var total = 0.0;
  for (var j = 0u; j < p.cols; j++) {
    let e = exp(x[base + j] - m);
    out[base + j] = e;
    total += e;
  }
  for (var j = 0u; j < p.cols; j++) { out[base + j] = out[base + j] / total; }
}
