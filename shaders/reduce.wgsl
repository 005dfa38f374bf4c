// Sum, mean and max over a set of axes. The host splits the input's axes into kept ones (which index the
// output) and reduced ones (which are summed over), each with its input strides, merging neighbours where
// it can. Two schedules (reduceSchedule in kernels.ts):
//   reduce_thread     one thread per output: many outputs, short sums (a bias gradient over a small batch);
//   reduce_workgroup  one 64-thread workgroup per output and a tree in workgroup memory: long sums (a loss
//                     mean, a bias gradient over a big batch), which one thread would walk serially.

struct Params {
  out_size: u32,
  reduce_size: u32,
  op: u32, // 0 sum, 1 mean, 2 max
  kept_rank: u32,
  red_rank: u32,
  _pad0: u32,
  _pad1: u32,
  _pad2: u32,
  kept_shape: array<vec4u, 2>,
  kept_strides: array<vec4u, 2>,
  red_shape: array<vec4u, 2>,
  red_strides: array<vec4u, 2>,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

fn offset_of(index: u32, rank: u32, shape: array<vec4u, 2>, strides: array<vec4u, 2>) -> u32 {
  var rest = index;
  var off = 0u;
  for (var d = i32(rank) - 1; d >= 0; d--) {
    let q = u32(d) / 4u;
    let r = u32(d) % 4u;
    let c = rest % shape[q][r];
    rest = rest / shape[q][r];
    off += c * strides[q][r];
  }
  return off;
}

fn combine(acc: f32, v: f32) -> f32 {
  if (p.op == 2u) { return max(acc, v); }
  return acc + v;
}

fn identity() -> f32 {
  return select(0.0, -3.4028234663852886e38, p.op == 2u);
}

fn finish(acc: f32) -> f32 {
  return select(acc, acc / f32(p.reduce_size), p.op == 1u);
}

@compute @workgroup_size(64)
fn reduce_thread(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = flat_id(gid, groups);
  if (i >= p.out_size) { return; }
  let base = offset_of(i, p.kept_rank, p.kept_shape, p.kept_strides);
  var acc = identity();
  for (var r = 0u; r < p.reduce_size; r++) {
    acc = combine(acc, x[base + offset_of(r, p.red_rank, p.red_shape, p.red_strides)]);
  }
  out[i] = finish(acc);
}

var<workgroup> partial: array<f32, 64>;

@compute @workgroup_size(64)
fn reduce_workgroup(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = wid.x + wid.y * groups.x;
  // `i` is uniform across the workgroup, so every thread reaches the barriers.
  let in_range = i < p.out_size;
  var acc = identity();
  if (in_range) {
    let base = offset_of(i, p.kept_rank, p.kept_shape, p.kept_strides);
    for (var r = lid; r < p.reduce_size; r += 64u) {
      acc = combine(acc, x[base + offset_of(r, p.red_rank, p.red_shape, p.red_strides)]);
    }
  }
  partial[lid] = acc;
  workgroupBarrier();
  for (var s = 32u; s > 0u; s >>= 1u) {
    if (lid < s) { partial[lid] = combine(partial[lid], partial[lid + s]); }
    workgroupBarrier();
  }
  if (in_range && lid == 0u) { out[i] = finish(partial[0]); }
}
