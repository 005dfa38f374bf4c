// Kernels that move values: one strided copy serves transpose, slice, pad (after a zero fill) and each
// part of a concat; plus row gathering and the trainer's per-step batch indices.

// structs CopyParams, GatherParams, BatchParams: generated from their declarations in src/engine/backend/webgpu/layouts.ts.

@group(0) @binding(0) var<uniform> cp: CopyParams;
@group(0) @binding(0) var<uniform> gp: GatherParams;
@group(0) @binding(0) var<uniform> bp: BatchParams;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read> indices: array<f32>;
@group(0) @binding(3) var<storage, read_write> dst: array<f32>;
@group(0) @binding(4) var<storage, read_write> counter: array<u32>; // a step counter (src/engine/counter.ts)

@compute @workgroup_size(64)
fn strided_copy(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = flat_id(gid, groups);
  if (i >= cp.size) { return; }
  var rest = i;
  var s = cp.src_start;
  var d = cp.dst_start;
  for (var k = i32(cp.rank) - 1; k >= 0; k--) {
    let q = u32(k) / 4u;
    let r = u32(k) % 4u;
    let c = rest % cp.shape[q][r];
    rest = rest / cp.shape[q][r];
    s += c * cp.src_strides[q][r];
    d += c * cp.dst_strides[q][r];
  }
  dst[d] = src[s];
}

// Row indices outside [0, source_rows) give zero rows (the CPU backend throws; a kernel cannot).
@compute @workgroup_size(64)
fn gather_rows(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = flat_id(gid, groups);
  if (i >= gp.size) { return; }
  let r = i / gp.row_size;
  let k = i % gp.row_size;
  let row = indices[r];
  if (row < 0.0 || row >= f32(gp.source_rows)) {
    dst[i] = 0.0;
    return;
  }
  dst[i] = src[u32(row) * gp.row_size + k];
}

// The trainer's batch for this step: dst[r] = order[(step·batch + r) mod order_size], then step += 1,
// kept mod order_size (all the batch position depends on). One workgroup, so every thread has read the
// counter before thread 0 advances it.
@compute @workgroup_size(64)
fn batch_indices(@builtin(local_invocation_index) lid: u32) {
  let step = counter[0];
  // Reduced before multiplying so the product stays in u32 for training sets up to 65,535 rows.
  let first = ((step % bp.order_size) * (bp.batch % bp.order_size)) % bp.order_size;
  for (var r = lid; r < bp.batch; r += 64u) {
    dst[r] = src[(first + r) % bp.order_size];
  }
  storageBarrier();
  workgroupBarrier();
  if (lid == 0u) { counter[0] = (step + 1u) % bp.order_size; }
}
