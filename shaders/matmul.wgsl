// C = op(A)·op(B) (+ bias[n]) → activation, for any M×K·K×N including 1×N and N×1.
// Transposes are override constants, so index arithmetic folds at pipeline creation (4 variants).
// Two schedules, picked by output size on the host (matmulSchedule in kernels.ts):
//   matmul_small   one output per thread: the playground's tiny layers, where parallelism beats reuse;
//   matmul_blocked a 4×4 register block per thread (8×8 threads = 32×32 outputs per workgroup): each
//                  loaded A and B value feeds 4 multiply-adds. Out-of-range rows/columns are clamped on
//                  load and masked on store, so tiles need not divide the shape.
// No workgroup-memory staging: on SwiftShader it measured slower than register blocking (memory traffic
// through emulated shared memory), and the blocked loads already hit cache on real GPUs.

override TRANS_A: bool = false;
override TRANS_B: bool = false;

// struct Params: generated from its declaration in src/engine/backend/webgpu/layouts.ts.

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> c: array<f32>;

// Element (i, kk) of op(A) and (kk, j) of op(B).
fn load_a(i: u32, kk: u32) -> f32 {
  if (TRANS_A) { return a[kk * p.m + i]; }
  return a[i * p.k + kk];
}
fn load_b(kk: u32, j: u32) -> f32 {
  if (TRANS_B) { return b[j * p.k + kk]; }
  return b[kk * p.n + j];
}

fn epilogue(v: f32, j: u32) -> f32 {
  var s = v;
  if (p.has_bias == 1u) { s += bias[j]; }
  return activate(p.activation, s);
}

@compute @workgroup_size(8, 8)
fn matmul_small(@builtin(global_invocation_id) gid: vec3u) {
  let j = gid.x;
  let i = gid.y;
  if (i >= p.m || j >= p.n) { return; }
  var acc = 0.0;
  for (var kk = 0u; kk < p.k; kk++) {
    acc += load_a(i, kk) * load_b(kk, j);
  }
  c[i * p.n + j] = epilogue(acc, j);
}

@compute @workgroup_size(8, 8)
fn matmul_blocked(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  // Past 65,535 workgroups of rows (over 2 million rows) the host wraps them into z.
  let i0 = (gid.y + gid.z * groups.y * 8u) * 4u;
  let j0 = gid.x * 4u;
  if (i0 >= p.m || j0 >= p.n) { return; }
  // Clamped indices: edge threads recompute the last row/column instead of branching in the inner loop.
  var rows: array<u32, 4>;
  var cols: array<u32, 4>;
  for (var t = 0u; t < 4u; t++) {
    rows[t] = min(i0 + t, p.m - 1u);
    cols[t] = min(j0 + t, p.n - 1u);
  }
  var acc: array<vec4f, 4>;
  for (var kk = 0u; kk < p.k; kk++) {
    let bv = vec4f(load_b(kk, cols[0]), load_b(kk, cols[1]), load_b(kk, cols[2]), load_b(kk, cols[3]));
    acc[0] += load_a(rows[0], kk) * bv;
    acc[1] += load_a(rows[1], kk) * bv;
    acc[2] += load_a(rows[2], kk) * bv;
    acc[3] += load_a(rows[3], kk) * bv;
  }
  for (var r = 0u; r < 4u; r++) {
    let i = i0 + r;
    if (i >= p.m) { break; }
    for (var t = 0u; t < 4u; t++) {
      let j = j0 + t;
      if (j >= p.n) { break; }
      c[i * p.n + j] = epilogue(acc[r][t], j);
    }
  }
}
