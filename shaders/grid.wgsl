// Decision-boundary and neuron heatmaps: every neuron of a dense MLP over an N×N grid of the input plane.
// The kernel itself is generated per architecture (src/engine/backend/webgpu/grid-shader.ts) and appended
// to this file, or for any architecture the loop kernel of grid_loop.wgsl: their parameters, the point
// coordinates and the features' sine live here. Points are pixel
// centers, row-major, the first row at the top (x2 = high), like src/app/grid.ts.

// struct GridParams: generated from its declaration in src/engine/backend/webgpu/layouts.ts.

@group(0) @binding(0) var<uniform> p: GridParams;

// (x1, x2) of grid point `point`.
fn grid_point(point: u32) -> vec2f {
  let cell = (p.high - p.low) / f32(p.n);
  return vec2f(p.low + (f32(point % p.n) + 0.5) * cell, p.high - (f32(point / p.n) + 0.5) * cell);
}

// WGSL only promises sin to 2^-11 absolute (SwiftShader's is off by 2e-4), so the heatmaps would not match
// the CPU: reduce to [-π/2, π/2] (2π split in two parts so k·2π stays exact) and sum the series to r^11.
fn sin_(x: f32) -> f32 {
  let k = round(x * 0.15915494309189535);
  var r = x - k * 6.28125 - k * 1.9353071795864769e-3;
  r = select(r, 3.141592653589793 - r, r > 1.5707963267948966);
  r = select(r, -3.141592653589793 - r, r < -1.5707963267948966);
  let r2 = r * r;
  return r * (1.0 + r2 * (-1.0 / 6.0 + r2 * (1.0 / 120.0 + r2 * (-1.0 / 5040.0 + r2 * (1.0 / 362880.0 + r2 * (-1.0 / 39916800.0))))));
}
