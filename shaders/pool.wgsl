// Max and average pooling, NHWC. Padded positions are skipped (TensorFlow): max over the valid window
// elements, average divided by the number of valid elements.

// struct Params: generated from its declaration in src/engine/backend/webgpu/layouts.ts.

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

fn x_index(n: u32, iy: u32, ix: u32, c: u32) -> u32 {
  return ((n * p.in_h + iy) * p.in_w + ix) * p.channels + c;
}

// (image, row, column, channel) of output element i (NHWC).
fn output_pixel(i: u32) -> vec4u {
  return vec4u(i / (p.channels * p.out_w * p.out_h), (i / (p.channels * p.out_w)) % p.out_h, (i / p.channels) % p.out_w, i % p.channels);
}

// The window of output pixel (oy, ox), clipped to the image: [y0, y1) × [x0, x1).
fn window(oy: u32, ox: u32) -> vec4i {
  let y0 = i32(oy * p.sh) - i32(p.pad_top);
  let x0 = i32(ox * p.sw) - i32(p.pad_left);
  return vec4i(max(y0, 0), max(x0, 0), min(y0 + i32(p.ph), i32(p.in_h)), min(x0 + i32(p.pw), i32(p.in_w)));
}

// (row, column) of window w's first maximum in row-major order, where max pooling sends its gradient
// (as the CPU backend does).
fn window_argmax(n: u32, c: u32, w: vec4i) -> vec2i {
  var at = w.xy;
  var best = x[x_index(n, u32(w.x), u32(w.y), c)];
  for (var yy = w.x; yy < w.z; yy++) {
    for (var xx = w.y; xx < w.w; xx++) {
      let v = x[x_index(n, u32(yy), u32(xx), c)];
      if (v > best) {
        best = v;
        at = vec2i(yy, xx);
      }
    }
  }
  return at;
}

@compute @workgroup_size(64)
fn pool_forward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = flat_id(gid, groups);
  if (i >= p.size) { return; }
  let o = output_pixel(i);
  let n = o.x;
  let oy = o.y;
  let ox = o.z;
  let c = o.w;
  let w = window(oy, ox);
  var best = -3.4028234663852886e38;
  var total = 0.0;
  for (var iy = w.x; iy < w.z; iy++) {
    for (var ix = w.y; ix < w.w; ix++) {
      let v = x[x_index(n, u32(iy), u32(ix), c)];
      best = max_(best, v);
      total += v;
    }
  }
  let count = f32((w.z - w.x) * (w.w - w.y));
  out[i] = select(total / count, best, p.is_max == 1u);
}

// Backward, two schedules (pool2dBackward in nn-kernels.ts). For max pooling a window sends its gradient to
// its first maximum in row-major window order (as the CPU backend does).
//   pool_backward        one thread per input element: it sums what every window covering it sends back
//                        (windows may overlap), finding each covering window's maximum again;
//   pool_backward_cells  windows that do not overlap (stride ≥ pool size, the usual 2×2 stride 2): one thread
//                        per window, which finds its maximum once and writes its whole cell; a quarter of
//                        the threads and of the maximum searches at 2×2.
@compute @workgroup_size(64)
fn pool_backward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = flat_id(gid, groups);
  let in_size = p.batch * p.in_h * p.in_w * p.channels;
  if (i >= in_size) { return; }
  let c = i % p.channels;
  let ix = i32((i / p.channels) % p.in_w);
  let iy = i32((i / (p.channels * p.in_w)) % p.in_h);
  let n = i / (p.channels * p.in_w * p.in_h);
  // Output rows whose window [oy·sh − padTop, … + ph) contains iy.
  let ty = iy + i32(p.pad_top);
  let tx = ix + i32(p.pad_left);
  let oy0 = max(0, (ty - i32(p.ph) + i32(p.sh)) / i32(p.sh));
  let oy1 = min(i32(p.out_h) - 1, ty / i32(p.sh));
  let ox0 = max(0, (tx - i32(p.pw) + i32(p.sw)) / i32(p.sw));
  let ox1 = min(i32(p.out_w) - 1, tx / i32(p.sw));
  var acc = 0.0;
  for (var oy = oy0; oy <= oy1; oy++) {
    for (var ox = ox0; ox <= ox1; ox++) {
      let w = window(u32(oy), u32(ox));
      if (iy < w.x || iy >= w.z || ix < w.y || ix >= w.w) { continue; }
      let d = dy[((n * p.out_h + u32(oy)) * p.out_w + u32(ox)) * p.channels + c];
      if (p.is_max == 1u) {
        if (all(window_argmax(n, c, w) == vec2i(iy, ix))) { acc += d; }
      } else {
        acc += d / f32((w.z - w.x) * (w.w - w.y));
      }
    }
  }
  out[i] = acc;
}

// Output (oy, ox) owns the input cell [oy·sh − padTop, (oy + 1)·sh − padTop) × (likewise for columns),
// clipped to the image, the last row and column of outputs extended to its edge: the cells tile the image
// and each holds its window. The thread writes the whole cell: the window's gradient, zeros elsewhere.
@compute @workgroup_size(64)
fn pool_backward_cells(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = flat_id(gid, groups);
  if (i >= p.size) { return; }
  let o = output_pixel(i);
  let n = o.x;
  let oy = o.y;
  let ox = o.z;
  let c = o.w;
  let w = window(oy, ox);
  let cell_y0 = max(i32(oy * p.sh) - i32(p.pad_top), 0);
  let cell_x0 = max(i32(ox * p.sw) - i32(p.pad_left), 0);
  let cell_y1 = select(min(i32((oy + 1u) * p.sh) - i32(p.pad_top), i32(p.in_h)), i32(p.in_h), oy + 1u == p.out_h);
  let cell_x1 = select(min(i32((ox + 1u) * p.sw) - i32(p.pad_left), i32(p.in_w)), i32(p.in_w), ox + 1u == p.out_w);
  let d = dy[i];
  var best = w.xy;
  if (p.is_max == 1u) { best = window_argmax(n, c, w); }
  let share = d / f32((w.z - w.x) * (w.w - w.y));
  for (var yy = cell_y0; yy < cell_y1; yy++) {
    for (var xx = cell_x0; xx < cell_x1; xx++) {
      var g = 0.0;
      if (p.is_max == 1u) {
        g = select(0.0, d, yy == best.x && xx == best.y);
      } else if (yy >= w.x && yy < w.z && xx >= w.y && xx < w.w) {
        g = share;
      }
      out[x_index(n, u32(yy), u32(xx), c)] = g;
    }
  }
}
