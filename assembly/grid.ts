// Decision-boundary grids in WebAssembly SIMD: every neuron of a dense network at every point of an n×n
// grid of the input plane, in one call (the wasm backend's evaluateGrid, src/engine/backend/wasm/grid.ts;
// the reference is evaluateGridCpu in src/engine/grid.ts). Re-exported by kernels.ts, so it is part of the
// same two modules (plain and relaxed SIMD) and shares their linear memory.
//
// Points go through the network a block at a time: the block's activations of one layer, [width, BLOCK]
// floats, stay in L1 while the next layer's are computed from them, four points per f32x4 lane group.

/** Points carried through the network together. */
const BLOCK = 128;
/** Widest layer (or feature count) the scratch holds: GRID_MAX_WIDTH of src/engine/grid.ts. */
const MAX_WIDTH = 64;

// Activation codes: GRID_ACTIVATION_CODES of src/engine/backend/wasm/grid.ts.
const LINEAR = 0;
const RELU = 1;
const LEAKY_RELU = 2;
const ELU = 3;
const SIGMOID = 4;
const TANH = 5;
const SOFTPLUS = 6;
const SWISH = 7;
const STEP = 8;
const SOFTMAX = 9;

/** Bytes of scratch evaluateGrid needs: two [MAX_WIDTH, BLOCK] activation blocks. */
export function gridScratchBytes(): usize {
  return <usize>(2 * MAX_WIDTH * BLOCK) << 2;
}

// a·b + c: one instruction with relaxed SIMD, two without (as in kernels.ts).
// @ts-ignore: decorator
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

// The activations, four lanes at a time. pmin/pmax (one instruction each, unlike min/max) with x first
// keep a NaN x, so that where the reference gives NaN (a diverged network) these do too.

// e^x within 2 ulp (Cephes' expf: x = k·ln 2 + r, |r| ≤ ln 2 / 2, a degree-7 polynomial in r, times 2^k),
// the input clamped where 2^k stays a normal float.
// @ts-ignore: decorator
@inline function expv(x: v128): v128 {
  const c = f32x4.pmax(f32x4.pmin(x, f32x4.splat(88.3)), f32x4.splat(-87.3));
  const k = f32x4.nearest(f32x4.mul(c, f32x4.splat(1.44269504089)));
  let r = madd(k, f32x4.splat(-0.693359375), c);
  r = madd(k, f32x4.splat(2.12194440e-4), r);
  let p = madd(f32x4.splat(1.9875691500e-4), r, f32x4.splat(1.3981999507e-3));
  p = madd(p, r, f32x4.splat(8.3334519073e-3));
  p = madd(p, r, f32x4.splat(4.1665795894e-2));
  p = madd(p, r, f32x4.splat(1.6666665459e-1));
  p = madd(p, r, f32x4.splat(5.0000001201e-1));
  p = madd(p, f32x4.mul(r, r), f32x4.add(r, f32x4.splat(1)));
  const scale = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(k), i32x4.splat(127)), 23);
  return f32x4.mul(p, scale);
}

// e^x − 1 keeping its relative precision near 0 (a Taylor series there, where e^x − 1 cancels).
// @ts-ignore: decorator
@inline function expm1v(x: v128): v128 {
  let s = madd(x, f32x4.splat(1.0 / 720), f32x4.splat(1.0 / 120));
  s = madd(s, x, f32x4.splat(1.0 / 24));
  s = madd(s, x, f32x4.splat(1.0 / 6));
  s = madd(s, x, f32x4.splat(0.5));
  s = madd(s, x, f32x4.splat(1));
  s = f32x4.mul(s, x);
  const near = f32x4.lt(f32x4.abs(x), f32x4.splat(0.25));
  return v128.bitselect(s, f32x4.sub(expv(x), f32x4.splat(1)), near);
}

// log(1 + y) for y in [0, 1] as 2·atanh(y / (2 + y)): an odd series in s = y / (2 + y) ≤ 1/3, exact near 0.
// @ts-ignore: decorator
@inline function log1pUnit(y: v128): v128 {
  const s = f32x4.div(y, f32x4.add(y, f32x4.splat(2)));
  const z = f32x4.mul(s, s);
  let p = madd(z, f32x4.splat(1.0 / 15), f32x4.splat(1.0 / 13));
  p = madd(p, z, f32x4.splat(1.0 / 11));
  p = madd(p, z, f32x4.splat(1.0 / 9));
  p = madd(p, z, f32x4.splat(1.0 / 7));
  p = madd(p, z, f32x4.splat(1.0 / 5));
  p = madd(p, z, f32x4.splat(1.0 / 3));
  p = madd(p, z, f32x4.splat(1));
  return f32x4.mul(f32x4.add(s, s), p);
}

// exp of −|x| only, so nothing overflows.
// @ts-ignore: decorator
@inline function sigmoidv(x: v128): v128 {
  const e = expv(f32x4.neg(f32x4.abs(x)));
  const top = v128.bitselect(f32x4.splat(1), e, f32x4.ge(x, f32x4.splat(0)));
  return f32x4.div(top, f32x4.add(e, f32x4.splat(1)));
}

// The rational of tanh_ in shaders/common.wgsl (within 4e-7 of tanh, relative; ±1 from ±9.5 on).
// @ts-ignore: decorator
@inline function tanhv(x: v128): v128 {
  const c = f32x4.pmax(f32x4.pmin(x, f32x4.splat(9.5)), f32x4.splat(-9.5));
  const t = f32x4.mul(c, c);
  let p = madd(t, f32x4.splat(1.2429024032201141e-8), f32x4.splat(1.9902086933143437e-5));
  p = madd(p, t, f32x4.splat(0.003450858173891902));
  p = madd(p, t, f32x4.splat(0.1334277242422104));
  p = madd(p, t, f32x4.splat(1));
  let q = madd(t, f32x4.splat(7.38634128083504e-7), f32x4.splat(3.2137383823283017e-4));
  q = madd(q, t, f32x4.splat(0.025704961270093918));
  q = madd(q, t, f32x4.splat(0.46676069498062134));
  q = madd(q, t, f32x4.splat(1));
  const y = f32x4.div(f32x4.mul(c, p), q);
  // f32 rounding may land a hair past ±1; tanh never does.
  return f32x4.pmax(f32x4.pmin(y, f32x4.splat(1)), f32x4.splat(-1));
}

/** Mask of the lanes where x > 0 (false for NaN). */
// @ts-ignore: decorator
@inline function positive(x: v128): v128 {
  return f32x4.gt(x, f32x4.splat(0));
}

/** The element-wise activation `act` over `count` floats at `at` (a multiple of 4), in place. */
function activate(at: usize, count: i32, act: i32): void {
  const end = at + (<usize>count << 2);
  switch (act) {
    case RELU:
      for (let p = at; p < end; p += 16) {
        const x = v128.load(p);
        v128.store(p, v128.and(x, positive(x)));
      }
      break;
    case LEAKY_RELU:
      for (let p = at; p < end; p += 16) {
        const x = v128.load(p);
        v128.store(p, v128.bitselect(x, f32x4.mul(x, f32x4.splat(0.2)), positive(x)));
      }
      break;
    case ELU:
      for (let p = at; p < end; p += 16) {
        const x = v128.load(p);
        v128.store(p, v128.bitselect(x, expm1v(x), positive(x)));
      }
      break;
    case SIGMOID:
      for (let p = at; p < end; p += 16) v128.store(p, sigmoidv(v128.load(p)));
      break;
    case TANH:
      for (let p = at; p < end; p += 16) v128.store(p, tanhv(v128.load(p)));
      break;
    case SOFTPLUS:
      // max(x, 0) + log(1 + e^−|x|); a NaN x stays NaN through the second term.
      for (let p = at; p < end; p += 16) {
        const x = v128.load(p);
        v128.store(p, f32x4.add(v128.and(x, positive(x)), log1pUnit(expv(f32x4.neg(f32x4.abs(x))))));
      }
      break;
    case SWISH:
      for (let p = at; p < end; p += 16) {
        const x = v128.load(p);
        v128.store(p, f32x4.mul(x, sigmoidv(x)));
      }
      break;
    case STEP:
      for (let p = at; p < end; p += 16) v128.store(p, v128.and(f32x4.splat(1), positive(v128.load(p))));
      break;
  }
}

/** Softmax over the `units` rows of a block [units, BLOCK], each column (point) on its own, the maximum first. */
function softmaxColumns(block: usize, units: i32): void {
  const row = <usize>BLOCK << 2;
  const end = block + <usize>units * row;
  for (let col = block; col < block + row; col += 16) {
    let m = v128.load(col);
    for (let p = col + row; p < end; p += row) m = f32x4.max(m, v128.load(p));
    let s = f32x4.splat(0);
    for (let p = col; p < end; p += row) {
      const e = expv(f32x4.sub(v128.load(p), m));
      v128.store(p, e);
      s = f32x4.add(s, e);
    }
    for (let p = col; p < end; p += row) v128.store(p, f32x4.div(v128.load(p), s));
  }
}

/**
 * next[j] = bias[j] + Σᵢ a[i]·kernel[i, j] for every unit j, over a block: a [inputs, BLOCK], next
 * [units, BLOCK], kernel [inputs, units] row-major, the bias [units] right after it. 32 points (8 f32x4
 * accumulators, enough to hide the latency of the multiply-adds) per pass over the inputs.
 */
function dense(a: usize, inputs: i32, units: i32, kernel: usize, next: usize): void {
  const bias = kernel + (<usize>(inputs * units) << 2);
  const row = <usize>BLOCK << 2;
  const wStep = <usize>units << 2;
  for (let j = 0; j < units; j++) {
    const b = v128.load32_splat(bias + (<usize>j << 2));
    const dst = next + <usize>j * row;
    for (let g: usize = 0; g < row; g += 128) {
      let c0 = b, c1 = b, c2 = b, c3 = b, c4 = b, c5 = b, c6 = b, c7 = b;
      let src = a + g;
      let w = kernel + (<usize>j << 2);
      for (let i = 0; i < inputs; i++) {
        const wi = v128.load32_splat(w);
        c0 = madd(v128.load(src), wi, c0);
        c1 = madd(v128.load(src, 16), wi, c1);
        c2 = madd(v128.load(src, 32), wi, c2);
        c3 = madd(v128.load(src, 48), wi, c3);
        c4 = madd(v128.load(src, 64), wi, c4);
        c5 = madd(v128.load(src, 80), wi, c5);
        c6 = madd(v128.load(src, 96), wi, c6);
        c7 = madd(v128.load(src, 112), wi, c7);
        src += row;
        w += wStep;
      }
      const at = dst + g;
      v128.store(at, c0);
      v128.store(at, c1, 16);
      v128.store(at, c2, 32);
      v128.store(at, c3, 48);
      v128.store(at, c4, 64);
      v128.store(at, c5, 80);
      v128.store(at, c6, 96);
      v128.store(at, c7, 112);
    }
  }
}

/**
 * Every neuron of the network at the n² points, into `out` [Σ units − firstKept, n²] (the neurons before
 * `firstKept` are computed, not written), neuron-major, points row-major.
 *
 * - `layers`: i32 [layerCount, 4]: inputs, units, activation code, byte address of the layer's kernel
 *   [inputs, units] with its bias [units] right after.
 * - `axes`: f32 [featureCount, 2, n]: input column k at the point of grid column c and row r is
 *   axes[k, 0, c] · axes[k, 1, r] (the host writes x as (x₁, 1), x·y as (x₁, x₂), sin y as (1, sin x₂), …).
 * - `scratch`: gridScratchBytes().
 */
export function evaluateGrid(layers: usize, layerCount: i32, axes: usize, featureCount: i32, n: i32, out: usize, firstKept: i32, scratch: usize): void {
  const points = n * n;
  const row = <usize>BLOCK << 2;
  for (let start = 0; start < points; start += BLOCK) {
    const count = min(BLOCK, points - start);
    let a = scratch;
    let next = scratch + <usize>MAX_WIDTH * row;
    // The input columns; points past the last are zeros (computed, never written out).
    for (let k = 0; k < featureCount; k++) {
      const byColumn = axes + (<usize>(2 * k * n) << 2);
      const byRow = byColumn + (<usize>n << 2);
      const dst = a + <usize>k * row;
      let c = start % n;
      let r = start / n;
      for (let p = 0; p < BLOCK; p++) {
        const v = p < count ? load<f32>(byColumn + (<usize>c << 2)) * load<f32>(byRow + (<usize>r << 2)) : 0;
        store<f32>(dst + (<usize>p << 2), v);
        if (++c == n) {
          c = 0;
          r++;
        }
      }
    }
    let neuron = 0;
    for (let l = 0; l < layerCount; l++) {
      const entry = layers + (<usize>(4 * l) << 2);
      const inputs = load<i32>(entry);
      const units = load<i32>(entry, 4);
      const act = load<i32>(entry, 8);
      dense(a, inputs, units, <usize>load<i32>(entry, 12), next);
      if (act == SOFTMAX) softmaxColumns(next, units);
      else if (act != LINEAR) activate(next, units * BLOCK, act);
      for (let j = 0; j < units; j++, neuron++) {
        if (neuron < firstKept) continue;
        memory.copy(out + (<usize>((neuron - firstKept) * points + start) << 2), next + <usize>j * row, <usize>count << 2);
      }
      const t = a;
      a = next;
      next = t;
    }
  }
}
