// Element-wise kernels: unary math, broadcasting binary ops, activations and their gradients, fill, copy.
// Shapes are collapsed on the host (adjacent axes that broadcast alike are merged), so rank is usually 1–3.

// structs MapParams, BinaryParams: generated from their declarations in src/engine/backend/webgpu/layouts.ts.

@group(0) @binding(0) var<uniform> mp: MapParams;
@group(0) @binding(0) var<uniform> bp: BinaryParams;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> y: array<f32>;
@group(0) @binding(3) var<storage, read> z: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;

// Unary codes (UNARY_CODES in kernels.ts): 0 neg, 1 exp, 2 log, 3 sqrt, 4 abs, 5 sign, 6 square, 7 reciprocal.
fn unary_op(op: u32, v: f32) -> f32 {
  switch op {
    case 0u: { return -v; }
    case 1u: { return exp_(v); }
    case 2u: { return log_(v); }
    case 3u: { return sqrt(v); }
    case 4u: { return abs(v); }
    case 5u: { return sign_(v); }
    case 6u: { return v * v; }
    default: { return 1.0 / v; }
  }
}

// Binary codes (BINARY_CODES): 0 add, 1 sub, 2 mul, 3 div, 4 pow, 5 maximum, 6 minimum, 7 equal, 8 greater.
fn binary_op(op: u32, a: f32, b: f32) -> f32 {
  switch op {
    case 0u: { return a + b; }
    case 1u: { return a - b; }
    case 2u: { return a * b; }
    case 3u: { return a / b; }
    case 4u: {
      // WGSL pow is undefined for a < 0; integer exponents of negative bases are still well defined.
      if (a < 0.0 && b == round(b)) {
        let m = pow(-a, b);
        return select(m, -m, (i32(b) & 1) == 1);
      }
      if (a == 0.0 && b == 0.0) {
        return 1.0;
      }
      return pow(a, b);
    }
    case 5u: { return max_(a, b); }
    case 6u: { return min_(a, b); }
    case 7u: { return select(0.0, 1.0, a == b); }
    default: { return select(0.0, 1.0, a > b); }
  }
}

@compute @workgroup_size(64)
fn unary(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = flat_id(gid, groups);
  if (i >= mp.size) { return; }
  out[i] = unary_op(mp.op, x[i]);
}

@compute @workgroup_size(64)
fn binary(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = flat_id(gid, groups);
  if (i >= bp.size) { return; }
  var rest = i;
  var ia = 0u;
  var ib = 0u;
  for (var d = i32(bp.rank) - 1; d >= 0; d--) {
    let q = u32(d) / 4u;
    let r = u32(d) % 4u;
    let extent = bp.shape[q][r];
    let c = rest % extent;
    rest = rest / extent;
    ia += c * bp.a_strides[q][r];
    ib += c * bp.b_strides[q][r];
  }
  out[i] = binary_op(bp.op, x[ia], y[ib]);
}

@compute @workgroup_size(64)
fn activation(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = flat_id(gid, groups);
  if (i >= mp.size) { return; }
  out[i] = activate(mp.op, x[i]);
}

// x: y (the activation's output), y: dy, z: the pre-activation (read by swish only).
@compute @workgroup_size(64)
fn activation_grad(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = flat_id(gid, groups);
  if (i >= mp.size) { return; }
  let kind = activation_kind(mp.op);
  if (kind == 7u) {
    let s = sigmoid_(z[i]);
    out[i] = y[i] * s * (1.0 + z[i] * (1.0 - s));
  } else {
    out[i] = y[i] * activation_slope(kind, x[i]);
  }
}

@compute @workgroup_size(64)
fn fill(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = flat_id(gid, groups);
  if (i >= mp.size) { return; }
  out[i] = mp.value;
}

// The step counter += 1: a u32 (src/engine/counter.ts), exact to 2^32 steps where an f32 stops at 2^24.
@group(0) @binding(5) var<storage, read_write> counter: array<u32>;
@compute @workgroup_size(1)
fn increment() {
  counter[0] = counter[0] + 1u;
}
