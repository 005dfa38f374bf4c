// 2-D convolution, NHWC input, [kh, kw, inC, outC] filter, TensorFlow padding (padTop/padLeft from the host),
// computed directly: one thread per output element of each kernel. Direct loops need no im2col buffer
// (an extra batch × outH × outW × kh·kw·inC tensor written and read back for every step).

struct Params {
  batch: u32,
  in_h: u32,
  in_w: u32,
  in_c: u32,
  out_h: u32,
  out_w: u32,
  out_c: u32,
  kh: u32,
  kw: u32,
  sh: u32,
  sw: u32,
  pad_top: u32,
  pad_left: u32,
  size: u32,
  // conv2d_filter_grad: the batch is split into `chunks` partial sums, reduced afterwards.
  chunks: u32,
  _pad: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> in0: array<f32>;
@group(0) @binding(2) var<storage, read> in1: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

fn x_index(n: u32, iy: u32, ix: u32, c: u32) -> u32 {
  return ((n * p.in_h + iy) * p.in_w + ix) * p.in_c + c;
}
fn y_index(n: u32, oy: u32, ox: u32, o: u32) -> u32 {
  return ((n * p.out_h + oy) * p.out_w + ox) * p.out_c + o;
}
fn w_index(ky: u32, kx: u32, c: u32, o: u32) -> u32 {
  return ((ky * p.kw + kx) * p.in_c + c) * p.out_c + o;
}

// in0: x, in1: w, out: y.
@compute @workgroup_size(64)
fn conv2d_forward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = flat_id(gid, groups);
  if (i >= p.size) { return; }
  let o = i % p.out_c;
  let ox = (i / p.out_c) % p.out_w;
  let oy = (i / (p.out_c * p.out_w)) % p.out_h;
  let n = i / (p.out_c * p.out_w * p.out_h);
  var acc = 0.0;
  for (var ky = 0u; ky < p.kh; ky++) {
    let iy = i32(oy * p.sh + ky) - i32(p.pad_top);
    if (iy < 0 || iy >= i32(p.in_h)) { continue; }
    for (var kx = 0u; kx < p.kw; kx++) {
      let ix = i32(ox * p.sw + kx) - i32(p.pad_left);
      if (ix < 0 || ix >= i32(p.in_w)) { continue; }
      let xb = x_index(n, u32(iy), u32(ix), 0u);
      let wb = w_index(ky, kx, 0u, o);
      for (var c = 0u; c < p.in_c; c++) {
        acc += in0[xb + c] * in1[wb + c * p.out_c];
      }
    }
  }
  out[i] = acc;
}

// in0: dy, in1: w, out: dx. Each input pixel gathers from the output pixels whose window covers it.
@compute @workgroup_size(64)
fn conv2d_input_grad(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = flat_id(gid, groups);
  if (i >= p.size) { return; }
  let c = i % p.in_c;
  let ix = (i / p.in_c) % p.in_w;
  let iy = (i / (p.in_c * p.in_w)) % p.in_h;
  let n = i / (p.in_c * p.in_w * p.in_h);
  var acc = 0.0;
  for (var ky = 0u; ky < p.kh; ky++) {
    let ty = i32(iy + p.pad_top) - i32(ky);
    if (ty < 0 || u32(ty) % p.sh != 0u) { continue; }
    let oy = u32(ty) / p.sh;
    if (oy >= p.out_h) { continue; }
    for (var kx = 0u; kx < p.kw; kx++) {
      let tx = i32(ix + p.pad_left) - i32(kx);
      if (tx < 0 || u32(tx) % p.sw != 0u) { continue; }
      let ox = u32(tx) / p.sw;
      if (ox >= p.out_w) { continue; }
      let yb = y_index(n, oy, ox, 0u);
      let wb = w_index(ky, kx, c, 0u);
      for (var o = 0u; o < p.out_c; o++) {
        acc += in0[yb + o] * in1[wb + o];
      }
    }
  }
  out[i] = acc;
}

// in0: x, in1: dy, out: [chunks, kh, kw, inC, outC] partial filter gradients. A filter has few elements
// and a long sum (batch × output pixels), so the batch is split across `chunks` threads per element.
@compute @workgroup_size(64)
fn conv2d_filter_grad(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = flat_id(gid, groups);
  let filter_size = p.kh * p.kw * p.in_c * p.out_c;
  if (i >= filter_size * p.chunks) { return; }
  let chunk = i / filter_size;
  let f = i % filter_size;
  let o = f % p.out_c;
  let c = (f / p.out_c) % p.in_c;
  let kx = (f / (p.out_c * p.in_c)) % p.kw;
  let ky = f / (p.out_c * p.in_c * p.kw);
  let per_chunk = (p.batch + p.chunks - 1u) / p.chunks;
  let n_end = min(p.batch, (chunk + 1u) * per_chunk);
  var acc = 0.0;
  for (var n = chunk * per_chunk; n < n_end; n++) {
    for (var oy = 0u; oy < p.out_h; oy++) {
      let iy = i32(oy * p.sh + ky) - i32(p.pad_top);
      if (iy < 0 || iy >= i32(p.in_h)) { continue; }
      for (var ox = 0u; ox < p.out_w; ox++) {
        let ix = i32(ox * p.sw + kx) - i32(p.pad_left);
        if (ix < 0 || ix >= i32(p.in_w)) { continue; }
        acc += in0[x_index(n, u32(iy), u32(ix), c)] * in1[y_index(n, oy, ox, o)];
      }
    }
  }
  out[i] = acc;
}
