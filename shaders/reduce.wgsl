// Sum, mean and max over a set of axes. The host splits the input's axes into kept ones (which index the
// output) and reduced ones (which are summed over), each with its input strides, merging neighbours where
// it can. Two schedules (reduceInto in array-kernels.ts):
//   reduce_thread     one thread per output: many outputs (a dense layer's bias gradient), or short sums;
//   reduce_workgroup  one 64-thread workgroup per output and a tree in workgroup memory: a few long sums (a
//                     loss mean, a conv layer's bias gradient), which too few threads would walk serially.

// struct Params: generated from its declaration in src/engine/backend/webgpu/layouts.ts.

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

// Input offset of the index-th element over the kept axes, or over the outer reduced axes. The tables are
// read from the uniform in place (passed as array arguments they were copied on every call), and only once
// per output or per row of the innermost reduced axis: dynamically indexed, they cost more than the sum.
fn offset_of(index: u32, reduced: bool) -> u32 {
  let rank = select(p.kept_rank, p.red_rank, reduced);
  var rest = index;
  var off = 0u;
  for (var d = i32(rank) - 1; d >= 0; d--) {
    let q = u32(d) / 4u;
    let r = u32(d) % 4u;
    let extent = select(p.kept_shape[q][r], p.red_shape[q][r], reduced);
    off += (rest % extent) * select(p.kept_strides[q][r], p.red_strides[q][r], reduced);
    rest = rest / extent;
  }
  return off;
}

fn combine(acc: f32, v: f32) -> f32 {
  if (p.op == 2u) { return max_(acc, v); }
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
  let base = offset_of(i, false);
  var acc = identity();
  for (var outer = 0u; outer < p.reduce_size / p.inner_size; outer++) {
    let row = base + offset_of(outer, true);
    for (var j = 0u; j < p.inner_size; j++) {
      acc = combine(acc, x[row + j * p.inner_stride]);
    }
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
    let base = offset_of(i, false);
    for (var outer = 0u; outer < p.reduce_size / p.inner_size; outer++) {
      let row = base + offset_of(outer, true);
      // The threads share each row of the innermost axis (after merging axes, usually the whole sum).
      for (var j = lid; j < p.inner_size; j += 64u) {
        acc = combine(acc, x[row + j * p.inner_stride]);
      }
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
