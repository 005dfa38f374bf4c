// Shared helpers, prepended to the kernels that need them (see KERNELS in src/engine/backend/webgpu/kernels.ts).

// 1-D kernels run 64 threads per workgroup; a grid wider than 65535 workgroups wraps into y.
const WG: u32 = 64u;
fn flat_id(gid: vec3u, groups: vec3u) -> u32 {
  return gid.x + gid.y * groups.x * WG;
}

// The helpers below are branch-free (both sides computed, then select): SIMD lanes, a GPU's or SwiftShader's,
// run both sides of a divergent branch anyway, and the masking costs more than the cheap side (tanh_ with an
// `if` made the grid kernel about 1.7× slower on SwiftShader).

// NaN by its bits: min, max, clamp, exp and log may turn a NaN into a number (SwiftShader: exp +inf, log
// 89.1, so tanh_(NaN) was -1 and elu_(NaN) +inf), and a compiler may fold x != x away. Where the CPU reference gives NaN, so do these,
// so that a diverged network shows NaN on both backends (no measurable cost in the grid kernel).
fn is_nan_(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u;
}
// sign, max, min, clamp, exp and log as JavaScript's Math has them: NaN in, NaN out.
fn sign_(x: f32) -> f32 {
  return select(sign(x), x, is_nan_(x));
}
fn max_(a: f32, b: f32) -> f32 {
  return select(select(max(a, b), b, is_nan_(b)), a, is_nan_(a));
}
fn min_(a: f32, b: f32) -> f32 {
  return select(select(min(a, b), b, is_nan_(b)), a, is_nan_(a));
}
fn clamp_(x: f32, low: f32, high: f32) -> f32 {
  return select(clamp(x, low, high), x, is_nan_(x));
}
fn exp_(x: f32) -> f32 {
  return select(exp(x), x, is_nan_(x));
}
fn log_(x: f32) -> f32 {
  return select(log(x), x, is_nan_(x));
}

// WGSL has no expm1/log1p; these keep relative precision near zero, where exp(x) - 1 and log(1 + x) lose it.
fn expm1_(x: f32) -> f32 {
  let series = x * (1.0 + x * (0.5 + x * (1.0 / 6.0 + x * (1.0 / 24.0))));
  return select(exp(x) - 1.0, series, abs(x) < 1e-2);
}
fn log1p_(x: f32) -> f32 {
  return select(log(1.0 + x), x * (1.0 - x * 0.5), abs(x) < 1e-4);
}

// One function per activation, named after its ActivationKind plus `_` (the grid kernel generator,
// src/engine/backend/webgpu/grid-shader.ts, calls them by that name).
fn linear_(x: f32) -> f32 {
  return x;
}
fn relu_(x: f32) -> f32 {
  return select(0.0, x, x > 0.0);
}
fn leaky_relu_(x: f32) -> f32 {
  return select(0.2 * x, x, x > 0.0);
}
fn elu_(x: f32) -> f32 {
  return select(expm1_(x), x, x > 0.0 || is_nan_(x));
}
// exp of -|x| only, so nothing overflows.
fn sigmoid_(x: f32) -> f32 {
  let e = exp(-abs(x));
  return select(e, 1.0, x >= 0.0) / (1.0 + e);
}
// Built-in tanh may overflow for large |x| or lose precision near 0 on some drivers, and exp costs the most
// here: the grid kernel spends over half its time in tanh on SwiftShader. A rational x·P(x²)/Q(x²), degree 4
// over 4 in x², fitted for least maximum relative error on [0, 9] (linear-programming minimax, Loeb's
// reweighting): within 4e-7 of tanh, relative, over 4 million f32 from 1e-30 to 12 (the test sweeps 250,000;
// exactly x near 0). The input stops at ±9.5, where it gives exactly ±1, as tanh rounds to from about ±9.01.
// About a third fewer operations than 1 - 2 / (e^2x + 1) with a series near 0 (grid: 11 → 10 ms a 200² grid).
fn tanh_(x: f32) -> f32 {
  let c = clamp(x, -9.5, 9.5);
  let t = c * c;
  let p = 1.0 + t * (0.1334277242422104 + t * (0.003450858173891902 + t * (1.9902086933143437e-5 + t * 1.2429024032201141e-8)));
  let q = 1.0 + t * (0.46676069498062134 + t * (0.025704961270093918 + t * (3.2137383823283017e-4 + t * 7.38634128083504e-7)));
  // f32 rounding may land a hair past ±1; tanh never does.
  return select(clamp(c * p / q, -1.0, 1.0), x, is_nan_(x));
}
fn softplus_(x: f32) -> f32 {
  return select(max(x, 0.0) + log1p_(exp(-abs(x))), x, is_nan_(x));
}
fn swish_(x: f32) -> f32 {
  return x * sigmoid_(x);
}
fn step_(x: f32) -> f32 {
  return select(0.0, 1.0, x > 0.0);
}

// Activation codes (ACTIVATION_CODES in kernels.ts): 0 linear, 1 relu, 2 leaky_relu, 3 elu, 4 sigmoid,
// 5 tanh, 6 softplus, 7 swish, 8 step.
fn activate(kind: u32, x: f32) -> f32 {
  switch kind {
    case 1u: { return relu_(x); }
    case 2u: { return leaky_relu_(x); }
    case 3u: { return elu_(x); }
    case 4u: { return sigmoid_(x); }
    case 5u: { return tanh_(x); }
    case 6u: { return softplus_(x); }
    case 7u: { return swish_(x); }
    case 8u: { return step_(x); }
    default: { return linear_(x); }
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
