// The grid kernel from run-time loops, for every architecture: the one a network too big to generate
// (grid-shader.ts: an unrolled kernel's compile time grows steeply with its weights) always uses, and any
// network uses while its generated kernel compiles, so a new architecture never stalls the heatmaps.
// One thread per point. A layer's inputs are read back from `out`, where every neuron's values are written
// anyway, instead of living in a private array indexed at run time (which SwiftShader spills to memory).

// [inputs, units, weight offset, activation] per layer; kernel [inputs, units] then bias [units] at the offset.
// The activation is an ACTIVATION_CODES kind, or SOFTMAX (kernels.ts) over the layer's units.
override SOFTMAX: u32;
@group(0) @binding(1) var<storage, read> layers: array<vec4u>;
@group(0) @binding(2) var<storage, read> weights: array<f32>;
// The enabled features' ids (GRID_FEATURES order), p.feature_count of them.
@group(0) @binding(3) var<storage, read> features: array<u32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;

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

// A layer's activation of z: softmax layers keep z, normalized over the layer by softmax_layer.
fn activate_unit(kind: u32, z: f32) -> f32 {
  return select(activate(kind, z), z, kind == SOFTMAX);
}

// Softmax over the `units` neurons from `first` (their z in `out`) at `point`, the row maximum first.
fn softmax_layer(first: u32, units: u32, point: u32, points: u32) {
  var m = -3.4028234663852886e38;
  for (var j = 0u; j < units; j++) { m = max_(m, out[(first + j) * points + point]); }
  var s = 0.0;
  for (var j = 0u; j < units; j++) {
    let e = exp_(out[(first + j) * points + point] - m);
    out[(first + j) * points + point] = e;
    s += e;
  }
  for (var j = 0u; j < units; j++) { out[(first + j) * points + point] /= s; }
}

@compute @workgroup_size(64)
fn evaluate_grid_loop(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let point = flat_id(gid, groups);
  let points = p.n * p.n;
  if (point >= points) { return; }
  let x = grid_point(point);

  // The first layer, input by input, so each feature is computed once: its sums accumulate in `out`.
  let first = layers[0];
  for (var j = 0u; j < first.y; j++) { out[j * points + point] = weights[first.z + first.x * first.y + j]; }
  for (var i = 0u; i < first.x; i++) {
    let f = feature(features[i], x.x, x.y);
    for (var j = 0u; j < first.y; j++) { out[j * points + point] += f * weights[first.z + i * first.y + j]; }
  }
  for (var j = 0u; j < first.y; j++) { out[j * points + point] = activate_unit(first.w, out[j * points + point]); }
  if (first.w == SOFTMAX) { softmax_layer(0u, first.y, point, points); }

  var below = 0u; // the first neuron of the layer below
  for (var l = 1u; l < p.layer_count; l++) {
    let layer = layers[l];
    let at = below + layers[l - 1u].y;
    for (var j = 0u; j < layer.y; j++) {
      var s = weights[layer.z + layer.x * layer.y + j];
      for (var i = 0u; i < layer.x; i++) { s += out[(below + i) * points + point] * weights[layer.z + i * layer.y + j]; }
      out[(at + j) * points + point] = activate_unit(layer.w, s);
    }
    if (layer.w == SOFTMAX) { softmax_layer(at, layer.y, point, points); }
    below = at;
  }
}
