// One optimizer update over every parameter of a step. The host packs all parameters, gradients and slots
// of a step into arenas (one buffer each, parameters at 256-byte aligned offsets) once, when a plan is
// built or the update is first seen, so this runs as ONE dispatch whatever the number of layers; the
// `segments` table maps a thread's element to its parameter's L1/L2 coefficients.
// Regularization is folded into the gradient first: g += l1·sign(w) + 2·l2·w (Keras semantics, as the
// CPU backend in src/engine/backend/cpu/optimizer.ts).

struct Params {
  size: u32, // elements in the arenas (padding included)
  kind: u32, // 0 sgd, 1 rmsprop, 2 adam, 3 adagrad
  nesterov: u32,
  segment_count: u32,
  lr: f32,
  momentum: f32,
  rho: f32,
  beta1: f32,
  beta2: f32,
  epsilon: f32,
  _pad0: u32,
  _pad1: u32,
}

// Per parameter: [start element, end element, l1, l2] (l1 and l2 as f32 bits).
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> segments: array<vec4u>;
@group(0) @binding(2) var<storage, read> step: array<f32>;
@group(0) @binding(3) var<storage, read> grads: array<f32>;
@group(0) @binding(4) var<storage, read_write> params: array<f32>;
@group(0) @binding(5) var<storage, read_write> slot0: array<f32>;
@group(0) @binding(6) var<storage, read_write> slot1: array<f32>;

// The segment holding element i (binary search: segments are sorted and disjoint); none for padding.
fn segment_of(i: u32) -> i32 {
  var lo = 0u;
  var hi = p.segment_count;
  while (lo < hi) {
    let mid = (lo + hi) / 2u;
    let s = segments[mid];
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
  let s = segments[u32(seg)];
  let l1 = bitcast<f32>(s.z);
  let l2 = bitcast<f32>(s.w);
  let w = params[i];
  let g = grads[i] + l1 * sign(w) + 2.0 * l2 * w;
  switch p.kind {
    case 0u: {
      let v = p.momentum * slot0[i] - p.lr * g;
      slot0[i] = v;
      params[i] = select(w + v, w + p.momentum * v - p.lr * g, p.nesterov == 1u);
    }
    case 1u: {
      let ms = p.rho * slot0[i] + (1.0 - p.rho) * g * g;
      slot0[i] = ms;
      params[i] = w - p.lr * g / sqrt(ms + p.epsilon);
    }
    case 2u: {
      // Bias corrections with t = step + 1, from the device-side counter so replayed steps advance it.
      let t = step[0] + 1.0;
      let c1 = 1.0 - pow(p.beta1, t);
      let c2 = 1.0 - pow(p.beta2, t);
      let m = p.beta1 * slot0[i] + (1.0 - p.beta1) * g;
      let v = p.beta2 * slot1[i] + (1.0 - p.beta2) * g * g;
      slot0[i] = m;
      slot1[i] = v;
      params[i] = w - p.lr * (m / c1) / (sqrt(v / c2) + p.epsilon);
    }
    default: {
      let acc = slot0[i] + g * g;
      slot0[i] = acc;
      params[i] = w - p.lr * g / sqrt(acc + p.epsilon);
    }
  }
}
