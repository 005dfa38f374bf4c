// Shared helpers, prepended to the kernels that need them (see KERNELS in src/engine/backend/webgpu/kernels.ts).

// 1-D kernels run 64 threads per workgroup; a grid wider than 65535 workgroups wraps into y.
const WG: u32 = 64u;
fn flat_id(gid: vec3u, groups: vec3u) -> u32 {
  return gid.x + gid.y * groups.x * WG;
}

// WGSL has no expm1/log1p; these keep relative precision near zero, where exp(x) - 1 and log(1 + x) lose it.
fn expm1_(x: f32) -> f32 {
  if (abs(x) < 1e-2) {
    return x * (1.0 + x * (0.5 + x * (1.0 / 6.0 + x * (1.0 / 24.0))));
  }
  return exp(x) - 1.0;
}
fn log1p_(x: f32) -> f32 {
  if (abs(x) < 1e-4) {
    return x * (1.0 - x * 0.5);
  }
  return log(1.0 + x);
}

fn sigmoid_(x: f32) -> f32 {
  if (x >= 0.0) {
    return 1.0 / (1.0 + exp(-x));
  }
  let e = exp(x);
  return e / (1.0 + e);
}

// Built-in tanh may overflow for large |x| or lose precision near 0 on some drivers: a series near 0,
// (1 - e^-2|x|) / (1 + e^-2|x|) elsewhere.
fn tanh_(x: f32) -> f32 {
  let a = abs(x);
  if (a < 0.125) {
    let x2 = x * x;
    return x * (1.0 + x2 * (-1.0 / 3.0 + x2 * (2.0 / 15.0 + x2 * (-17.0 / 315.0))));
  }
  let e = exp(-2.0 * a);
  return sign(x) * (1.0 - e) / (1.0 + e);
}

// Activation codes (ACTIVATION_CODES in kernels.ts): 0 linear, 1 relu, 2 leaky_relu, 3 elu, 4 sigmoid,
// 5 tanh, 6 softplus, 7 swish, 8 step.
fn activate(kind: u32, x: f32) -> f32 {
  switch kind {
    case 1u: { return select(0.0, x, x > 0.0); }
    case 2u: { return select(0.2 * x, x, x > 0.0); }
    case 3u: { return select(expm1_(x), x, x > 0.0); }
    case 4u: { return sigmoid_(x); }
    case 5u: { return tanh_(x); }
    case 6u: { return max(x, 0.0) + log1p_(exp(-abs(x))); }
    case 7u: { return x * sigmoid_(x); }
    case 8u: { return select(0.0, 1.0, x > 0.0); }
    default: { return x; }
  }
}

// dy/dx from the output y (swish is handled by the caller: it needs x).
fn activation_slope(kind: u32, y: f32) -> f32 {
  switch kind {
    case 1u: { return select(0.0, 1.0, y > 0.0); }
    case 2u: { return select(0.2, 1.0, y > 0.0); }
    case 3u: { return select(y + 1.0, 1.0, y > 0.0); }
    case 4u: { return y * (1.0 - y); }
    case 5u: { return 1.0 - y * y; }
    case 6u: { return -expm1_(-y); }
    case 8u: { return 0.0; }
    default: { return 1.0; }
  }
}

// Kernels with an activation in their hot path also come specialized on it (`specialize` in kernels.ts):
// SwiftShader runs every case of a switch on a run-time value under a lane mask, even a uniform value,
// so a relu paid for every activation's exp and divide (a relu pass measured 3-5× slower than
// max(x, 0)), while a switch on an override constant folds away. The default reads the kind from the
// kernel's parameter block.
const RUNTIME_ACTIVATION: u32 = 0xffffffffu;
override ACTIVATION: u32 = RUNTIME_ACTIVATION;
fn activation_kind(from_params: u32) -> u32 {
  return select(ACTIVATION, from_params, ACTIVATION == RUNTIME_ACTIVATION);
}
