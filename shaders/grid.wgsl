// Decision-boundary and neuron heatmaps: every neuron of a dense MLP over an N×N grid of the input plane,
// in one pass. One thread per grid point computes the input features from (x1, x2) and runs the whole
// network in registers, writing each neuron's value to out[neuron · N² + point]. Points are pixel
// centers, row-major, the first row at the top (x2 = high), like src/app/grid.ts.

const MAX_WIDTH: u32 = 64u;

struct Params {
  n: u32,
  features: u32, // bitmask over X1, X2, X1², X2², X1X2, sin X1, sin X2 (FEATURE_IDS order)
  layer_count: u32,
  _pad: u32,
  low: f32,
  high: f32,
  _pad1: u32,
  _pad2: u32,
}

// Per layer: [inputs, units, weight offset, activation]; biases follow the [inputs, units] weights.
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> layers: array<vec4u>;
@group(0) @binding(2) var<storage, read> weights: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

// WGSL only promises sin to 2^-11 absolute (SwiftShader's is off by 2e-4), so the heatmaps would not match
// the CPU: reduce to [-π/2, π/2] (2π split in two parts so k·2π stays exact) and sum the series to r^11.
fn sin_(x: f32) -> f32 {
  let k = round(x * 0.15915494309189535);
  var r = x - k * 6.28125 - k * 1.9353071795864769e-3;
  if (r > 1.5707963267948966) {
    r = 3.141592653589793 - r;
  } else if (r < -1.5707963267948966) {
    r = -3.141592653589793 - r;
  }
  let r2 = r * r;
  return r * (1.0 + r2 * (-1.0 / 6.0 + r2 * (1.0 / 120.0 + r2 * (-1.0 / 5040.0 + r2 * (1.0 / 362880.0 + r2 * (-1.0 / 39916800.0))))));
}

fn feature(k: u32, x1: f32, x2: f32) -> f32 {
  switch k {
    case 0u: { return x1; }
    case 1u: { return x2; }
    case 2u: { return x1 * x1; }
    case 3u: { return x2 * x2; }
    case 4u: { return x1 * x2; }
    case 5u: { return sin_(x1); }
    default: { return sin_(x2); }
  }
}

@compute @workgroup_size(64)
fn evaluate_grid(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let point = flat_id(gid, groups);
  let points = p.n * p.n;
  if (point >= points) { return; }
  let cell = (p.high - p.low) / f32(p.n);
  let x1 = p.low + (f32(point % p.n) + 0.5) * cell;
  let x2 = p.high - (f32(point / p.n) + 0.5) * cell;

  var a: array<f32, MAX_WIDTH>;
  var b: array<f32, MAX_WIDTH>;
  var width = 0u;
  for (var k = 0u; k < 7u; k++) {
    if ((p.features & (1u << k)) != 0u) {
      a[width] = feature(k, x1, x2);
      width++;
    }
  }
  var neuron = 0u;
  for (var l = 0u; l < p.layer_count; l++) {
    let layer = layers[l];
    let inputs = layer.x;
    let units = layer.y;
    let w0 = layer.z;
    for (var j = 0u; j < units; j++) {
      var s = weights[w0 + inputs * units + j];
      for (var i = 0u; i < inputs; i++) {
        s += a[i] * weights[w0 + i * units + j];
      }
      let v = activate(layer.w, s);
      b[j] = v;
      out[(neuron + j) * points + point] = v;
    }
    neuron += units;
    for (var j = 0u; j < units; j++) { a[j] = b[j]; }
  }
}
