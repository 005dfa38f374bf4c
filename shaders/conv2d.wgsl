// 2-D convolution, NHWC input, [kh, kw, inC, outC] filter, TensorFlow padding (padTop/padLeft from the host),
// and its two gradients, each as an implicit GEMM: the matmul's register blocking, with the im2col index
// math in the operand loads (no im2col buffer is written).
//   conv2d_forward     y[pixel, o]  = Σ_(ky,kx,c) x[window(pixel) + (ky,kx), c] · w[ky,kx,c,o]   (+ bias → activation)
//   conv2d_input_grad  dx[pixel, c] = Σ_(ky,kx,o) dy[output pixel whose window has pixel at (ky,kx), o] · w[ky,kx,c,o]
//   conv2d_filter_grad dw[(ky,kx,c), o] = Σ_pixel x[window(pixel) + (ky,kx), c] · dy[pixel, o]
// Each thread computes a 4×4 block (4 rows × 4 columns), so every loaded value feeds 4 multiply-adds.
// Threads are numbered 1-D, column block fastest, so no thread idles when the channel count is small
// (a 2-D 8×8 workgroup would leave half its threads idle at 16 output channels).
// Rows outside the image (padding, or past the edge of a block) load zeros; out-of-range rows and columns
// are clamped on load and masked on store, as in matmul.wgsl.
// The filter gradient is a long sum (batch × output pixels) into a small result: it is split over the
// output lines (n, oy) into chunks of partial results, which a reduce dispatch then sums.
// Measured on SwiftShader (the CNN benchmark's layers): about matmul_blocked's rate, where the previous
// one-output-per-thread direct loops ran 10-20× slower.

// struct Params: generated from its declaration in src/engine/backend/webgpu/layouts.ts.

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> in0: array<f32>;
@group(0) @binding(2) var<storage, read> in1: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;

// The 4 row (or column) indices of a block from `first`, clamped to the last of `count`.
fn block_indices(first: u32, count: u32) -> vec4u {
  return min(vec4u(first) + vec4u(0u, 1u, 2u, 3u), vec4u(count - 1u));
}

// 0 ≤ v < size, per component.
fn within(v: vec4i, size: u32) -> vec4<bool> {
  return (v >= vec4i(0)) & (v < vec4i(i32(size)));
}

fn store_row(v: vec4f, at: u32) {
  out[at] = v.x;
  out[at + 1u] = v.y;
  out[at + 2u] = v.z;
  out[at + 3u] = v.w;
}

// Rows and columns past the result's edge are dropped; `base` is the result's first element in `out`.
// Whole blocks take the unrolled path (constant indices keep the accumulators in registers).
fn store_block(acc: array<vec4f, 4>, row0: u32, rows: u32, col0: u32, cols: u32, base: u32) {
  if (row0 + 4u <= rows && col0 + 4u <= cols) {
    let at = base + row0 * cols + col0;
    store_row(acc[0], at);
    store_row(acc[1], at + cols);
    store_row(acc[2], at + 2u * cols);
    store_row(acc[3], at + 3u * cols);
    return;
  }
  for (var r = 0u; r < 4u; r++) {
    if (row0 + r >= rows) { break; }
    for (var t = 0u; t < 4u; t++) {
      let j = col0 + t;
      if (j >= cols) { break; }
      out[base + (row0 + r) * cols + j] = acc[r][t];
    }
  }
}

// conv2d_forward_linear and _relu fix the activation at pipeline creation (ACTIVATION in common.wgsl).
fn epilogue(v: vec4f) -> vec4f {
  let a = activation_kind(p.activation);
  return vec4f(activate(a, v.x), activate(a, v.y), activate(a, v.z), activate(a, v.w));
}

// in0: x, in1: w, out: y. Rows are output pixels, columns output channels.
@compute @workgroup_size(64)
fn conv2d_forward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let col_blocks = (p.out_c + 3u) / 4u;
  let pixels = p.batch * p.out_h * p.out_w;
  let i = flat_id(gid, groups);
  let row0 = (i / col_blocks) * 4u;
  let col0 = (i % col_blocks) * 4u;
  if (row0 >= pixels) { return; }
  let cols = block_indices(col0, p.out_c);
  // Each row's window corner (negative inside the padding) and its image's first element.
  let pixel = block_indices(row0, pixels);
  let x0 = vec4i((pixel % p.out_w) * p.sw) - i32(p.pad_left);
  let y0 = vec4i((pixel / p.out_w % p.out_h) * p.sh) - i32(p.pad_top);
  let image = pixel / (p.out_w * p.out_h) * p.in_h;
  var acc: array<vec4f, 4>;
  for (var ky = 0u; ky < p.kh; ky++) {
    let iy = y0 + vec4i(i32(ky));
    for (var kx = 0u; kx < p.kw; kx++) {
      let ix = x0 + vec4i(i32(kx));
      let inside = within(iy, p.in_h) & within(ix, p.in_w);
      // Padded rows read element 0 and are zeroed by the select below.
      let xb = select(vec4u(0u), ((image + vec4u(iy)) * p.in_w + vec4u(ix)) * p.in_c, inside);
      let wb = (ky * p.kw + kx) * p.in_c * p.out_c;
      for (var c = 0u; c < p.in_c; c++) {
        let wr = wb + c * p.out_c;
        let bv = vec4f(in1[wr + cols.x], in1[wr + cols.y], in1[wr + cols.z], in1[wr + cols.w]);
        let av = select(vec4f(0.0), vec4f(in0[xb.x + c], in0[xb.y + c], in0[xb.z + c], in0[xb.w + c]), inside);
        acc[0] += av.x * bv;
        acc[1] += av.y * bv;
        acc[2] += av.z * bv;
        acc[3] += av.w * bv;
      }
    }
  }
  var b = vec4f(0.0);
  if (p.has_bias == 1u) { b = vec4f(bias[cols.x], bias[cols.y], bias[cols.z], bias[cols.w]); }
  acc[0] = epilogue(acc[0] + b);
  acc[1] = epilogue(acc[1] + b);
  acc[2] = epilogue(acc[2] + b);
  acc[3] = epilogue(acc[3] + b);
  store_block(acc, row0, pixels, col0, p.out_c, 0u);
}

// in0: dy, in1: w, out: dx. Rows are input pixels, columns input channels; the sum runs over the
// (tap, output channel) pairs whose output pixel's window covers the input pixel at that tap.
@compute @workgroup_size(64)
fn conv2d_input_grad(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let col_blocks = (p.in_c + 3u) / 4u;
  let pixels = p.batch * p.in_h * p.in_w;
  let i = flat_id(gid, groups);
  let row0 = (i / col_blocks) * 4u;
  let col0 = (i % col_blocks) * 4u;
  if (row0 >= pixels) { return; }
  let cols = block_indices(col0, p.in_c);
  let pixel = block_indices(row0, pixels);
  let tx0 = vec4i(pixel % p.in_w + p.pad_left);
  let ty0 = vec4i(pixel / p.in_w % p.in_h + p.pad_top);
  let image = pixel / (p.in_w * p.in_h) * p.out_h;
  let sh = vec4i(i32(p.sh));
  let sw = vec4i(i32(p.sw));
  var acc: array<vec4f, 4>;
  for (var ky = 0u; ky < p.kh; ky++) {
    let ty = ty0 - vec4i(i32(ky));
    for (var kx = 0u; kx < p.kw; kx++) {
      let tx = tx0 - vec4i(i32(kx));
      // ty = oy·sh for an output row oy in range (and likewise for columns).
      let inside = (ty % sh == vec4i(0)) & (tx % sw == vec4i(0)) & within(ty, p.out_h * p.sh) & within(tx, p.out_w * p.sw);
      if (!any(inside)) { continue; }
      let yb = select(vec4u(0u), ((image + vec4u(ty / sh)) * p.out_w + vec4u(tx / sw)) * p.out_c, inside);
      let wb = (ky * p.kw + kx) * p.in_c * p.out_c;
      let wc = wb + cols * p.out_c;
      for (var o = 0u; o < p.out_c; o++) {
        let bv = vec4f(in1[wc.x + o], in1[wc.y + o], in1[wc.z + o], in1[wc.w + o]);
        let av = select(vec4f(0.0), vec4f(in0[yb.x + o], in0[yb.y + o], in0[yb.z + o], in0[yb.w + o]), inside);
        acc[0] += av.x * bv;
        acc[1] += av.y * bv;
        acc[2] += av.z * bv;
        acc[3] += av.w * bv;
      }
    }
  }
  store_block(acc, row0, pixels, col0, p.in_c, 0u);
}

// in0: x, in1: dy, out: [chunks, kh·kw·inC, outC] partial filter gradients. Rows are (ky, kx, c),
// columns output channels; thread i does block i % blocks of chunk i / blocks.
@compute @workgroup_size(64)
fn conv2d_filter_grad(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let col_blocks = (p.out_c + 3u) / 4u;
  let rows = p.kh * p.kw * p.in_c;
  let blocks = ((rows + 3u) / 4u) * col_blocks;
  let lines = p.batch * p.out_h;
  let i = flat_id(gid, groups);
  let block = i % blocks;
  let chunk = i / blocks;
  let line0 = chunk * p.lines_per_chunk;
  if (line0 >= max(lines, 1u)) { return; }
  let row0 = (block / col_blocks) * 4u;
  let col0 = (block % col_blocks) * 4u;
  let cols = block_indices(col0, p.out_c);
  let row = block_indices(row0, rows);
  let c = row % p.in_c;
  let kx = vec4i(row / p.in_c % p.kw);
  let ky = vec4i(row / (p.in_c * p.kw));
  var acc: array<vec4f, 4>;
  for (var line = line0; line < min(lines, line0 + p.lines_per_chunk); line++) {
    let n = line / p.out_h;
    let oy = line % p.out_h;
    let iy = vec4i(i32(oy * p.sh) - i32(p.pad_top)) + ky;
    let y_inside = within(iy, p.in_h);
    let row_base = (vec4u(n * p.in_h) + vec4u(iy)) * p.in_w;
    for (var ox = 0u; ox < p.out_w; ox++) {
      let ix = vec4i(i32(ox * p.sw) - i32(p.pad_left)) + kx;
      let inside = y_inside & within(ix, p.in_w);
      let xb = select(vec4u(0u), (row_base + vec4u(ix)) * p.in_c + c, inside);
      let db = (line * p.out_w + ox) * p.out_c;
      let bv = vec4f(in1[db + cols.x], in1[db + cols.y], in1[db + cols.z], in1[db + cols.w]);
      let av = select(vec4f(0.0), vec4f(in0[xb.x], in0[xb.y], in0[xb.z], in0[xb.w]), inside);
      acc[0] += av.x * bv;
      acc[1] += av.y * bv;
      acc[2] += av.z * bv;
      acc[3] += av.w * bv;
    }
  }
  store_block(acc, row0, rows, col0, p.out_c, chunk * rows * p.out_c);
}
