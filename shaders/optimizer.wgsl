// One optimizer update over every parameter of a step. The host packs all parameters, gradients and slots
// of a step into arenas (one buffer each, parameters at 256-byte aligned offsets) once, when a plan is
// built or the update is first seen, so this runs as ONE dispatch whatever the number of layers; the
// `segments` table maps a thread's element to its parameter's L1/L2 coefficients.
// The update rule itself is in update_rules.wgsl.

// struct Params: generated from its declaration in src/engine/backend/webgpu/layouts.ts.

// Per parameter two rows: [start element, end element, l1, l2] (l1 and l2 as f32 bits), [clip, 0, 0, 0]
// (clip: TensorFlow Playground's zero-crossing rule, Regularization.clipAtZero).
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> segments: array<vec4u>;
@group(0) @binding(2) var<storage, read> step: array<u32>; // the step counter (src/engine/counter.ts)
@group(0) @binding(3) var<storage, read> grads: array<f32>;
@group(0) @binding(4) var<storage, read_write> params: array<f32>;
@group(0) @binding(5) var<storage, read_write> slot0: array<f32>;
@group(0) @binding(6) var<storage, read_write> slot1: array<f32>;
// 1 while a weight is live, 0 once it died (bound when p.masked == 1).
@group(0) @binding(7) var<storage, read_write> live: array<f32>;

// The segment holding element i (binary search: segments are sorted and disjoint); none for padding.
fn segment_of(i: u32) -> i32 {
  var lo = 0u;
  var hi = p.segment_count;
  while (lo < hi) {
    let mid = (lo + hi) / 2u;
    let s = segments[2u * mid];
    if (i < s.x) { hi = mid; } else if (i >= s.y) { lo = mid + 1u; } else { return i32(mid); }
  }
  return -1;
}

@compute @workgroup_size(64)
fn apply_updates(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = flat_id(gid, groups);
  if (i >= p.size) { return; }
  let seg = segment_of(i);
  if (seg < 0) { return; }
  let s = segments[2u * u32(seg)];
  let clip = segments[2u * u32(seg) + 1u].x == 1u;
  if (p.masked == 1u && live[i] == 0.0) { return; }
  let adam = p.rule.kind == 2u;
  // Only Adam has a second slot; the others bind a one-element placeholder there.
  var s1 = 0.0;
  if (adam) { s1 = slot1[i]; }
  // Bias corrections with t = step + 1, from the device-side counter so replayed steps advance it.
  let w = params[i];
  let l1 = bitcast<f32>(s.z);
  let l2 = bitcast<f32>(s.w);
  let u = apply_rule(p.rule, f32(step[0] + 1u), w, grads[i], l1, l2, slot0[i], s1);
  params[i] = u.x;
  slot0[i] = u.y;
  if (adam) { slot1[i] = u.z; }
  if (clip && crosses_zero(p.rule, w, u.x, l1, l2)) {
    params[i] = 0.0;
    live[i] = 0.0;
  }
}
