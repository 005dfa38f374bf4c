// Dropout mask from a counter-based hash of (seed, step, index): the same recipe as hashUniform in
// src/engine/random.ts, all u32 arithmetic wrapping mod 2^32, so CPU and GPU draw identical masks.
// The step is read on the device from the counter, so a replayed step draws a fresh mask.

// struct Params: generated from its declaration in src/engine/backend/webgpu/layouts.ts.

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> step: array<u32>; // the step counter (src/engine/counter.ts)
@group(0) @binding(2) var<storage, read_write> mask: array<f32>;

// PCG hash (Jarzynski & Olano 2020).
fn pcg_hash(x: u32) -> u32 {
  let state = x * 747796405u + 2891336453u;
  let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
  return (word >> 22u) ^ word;
}

fn hash_uniform(seed: u32, step: u32, index: u32) -> f32 {
  let h = pcg_hash(pcg_hash(pcg_hash(seed) + step) + index);
  return f32(h >> 8u) * (1.0 / 16777216.0);
}

@compute @workgroup_size(64)
fn dropout_mask(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = flat_id(gid, groups);
  if (i >= p.size) { return; }
  mask[i] = select(0.0, p.keep, hash_uniform(p.seed, step[0], i) >= p.threshold);
}
