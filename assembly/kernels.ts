// WebAssembly SIMD kernels of the 'wasm' backend (src/engine/backend/wasm). AssemblyScript, compiled at
// build time by `npm run build:wasm` into two modules from this one source: plain SIMD (mul then add) and
// relaxed SIMD (fused multiply-add), chosen at load time by feature detection.
//
// Memory: no allocator here. The host owns linear memory above `heapBase()`, places operands and scratch
// there and passes byte addresses; every kernel reads and writes only what its arguments name.

/**
 * Rows of op(A) and columns of op(B) one micro-kernel call computes: 8 f32x4 accumulators. Measured against
 * the alternatives (relaxed FMA, Node 20 / V8 11.3 on the 2-core EPYC, 480³, packed panels, best of 6
 * interleaved rounds, machine shared): 4×8 29–31 GFLOP/s, 2×16 30–33 (within the noise), 6×8, 4×12 and 8×8
 * 10–14, and 4×8 unrolled 2 or 4 deep in k 15–18. V8 leaves 15 xmm registers to wasm (xmm15 is its
 * scratch) and TurboFan hoists every broadcast of an iteration before its multiply-adds, so 12 or more
 * accumulators spill to the stack inside the loop (seen in --print-wasm-code), as do unrolled bodies.
 */
const MR = 4;
const NR = 8;
/**
 * Cache blocking: a packed B block of KC × NC floats (256 KiB) stays in the 1-2 MiB L2 of a core while
 * every 4-row A panel (KC × 4 floats, 4 KiB) streams through L1 against it.
 */
const KC = 256;
const NC = 256;

export function heapBase(): usize {
  return __heap_base;
}

// a·b + c: one instruction with relaxed SIMD (x86 FMA, ARM fmla), two without.
// @ts-ignore: decorator
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/**
 * Pack rows i0 … i0+rows−1 (rows ≤ MR), depths p0 … p0+kc−1 of op(A) into `dst` as kc groups of MR floats
 * (row-interleaved, zero-padded), the order the micro-kernel broadcasts them in.
 */
function packA(a: usize, aRow: i32, aCol: i32, i0: i32, rows: i32, p0: i32, kc: i32, dst: usize): void {
  for (let r = 0; r < MR; r++) {
    let out = dst + (<usize>r << 2);
    if (r >= rows) {
      for (let p = 0; p < kc; p++, out += MR << 2) store<f32>(out, 0);
      continue;
    }
    let src = a + (<usize>((i0 + r) * aRow + p0 * aCol) << 2);
    const step = <usize>aCol << 2;
    for (let p = 0; p < kc; p++, out += MR << 2, src += step) store<f32>(out, load<f32>(src));
  }
}

/**
 * Pack depths p0 … p0+kc−1, columns j0 … j0+nc−1 of op(B) into `dst` as panels of NR columns: panel by panel,
 * each kc rows of NR contiguous floats (zero-padded past the last column).
 */
function packB(b: usize, bRow: i32, bCol: i32, p0: i32, kc: i32, j0: i32, nc: i32, dst: usize): void {
  let out = dst;
  for (let jp = 0; jp < nc; jp += NR) {
    const cols = min(NR, nc - jp);
    for (let p = 0; p < kc; p++) {
      const row = b + (<usize>((p0 + p) * bRow + (j0 + jp) * bCol) << 2);
      if (bCol == 1 && cols == NR) {
        v128.store(out, v128.load(row));
        v128.store(out, v128.load(row, 16), 16);
      } else {
        for (let j = 0; j < NR; j++) store<f32>(out + (<usize>j << 2), j < cols ? load<f32>(row + (<usize>(j * bCol) << 2)) : 0);
      }
      out += NR << 2;
    }
  }
}

/**
 * The register-blocked micro-kernel: a 4×8 tile of C from a packed A panel and a packed B panel, kc deep,
 * in 8 f32x4 accumulators (+ 2 B vectors and 1 broadcast A: 11 of the 16 SIMD registers x64 engines have).
 * The tile goes to `tile` (row stride NR floats) when the edges of C cut it, else straight into C; `add`
 * accumulates onto what C holds (every depth block after the first).
 */
function micro(ap: usize, bp: usize, kc: i32, c: usize, ldc: usize, rows: i32, cols: i32, add: bool, tile: usize): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let a = v128.load32_splat(ap);
    c00 = madd(a, b0, c00);
    c01 = madd(a, b1, c01);
    a = v128.load32_splat(ap, 4);
    c10 = madd(a, b0, c10);
    c11 = madd(a, b1, c11);
    a = v128.load32_splat(ap, 8);
    c20 = madd(a, b0, c20);
    c21 = madd(a, b1, c21);
    a = v128.load32_splat(ap, 12);
    c30 = madd(a, b0, c30);
    c31 = madd(a, b1, c31);
    ap += MR << 2;
    bp += NR << 2;
  }
  const full = rows == MR && cols == NR;
  const dst = full ? c : tile;
  const ld = full ? ldc : <usize>(NR << 2);
  if (add && full) {
    c00 = f32x4.add(c00, v128.load(dst));
    c01 = f32x4.add(c01, v128.load(dst, 16));
    c10 = f32x4.add(c10, v128.load(dst + ld));
    c11 = f32x4.add(c11, v128.load(dst + ld, 16));
    c20 = f32x4.add(c20, v128.load(dst + 2 * ld));
    c21 = f32x4.add(c21, v128.load(dst + 2 * ld, 16));
    c30 = f32x4.add(c30, v128.load(dst + 3 * ld));
    c31 = f32x4.add(c31, v128.load(dst + 3 * ld, 16));
  }
  v128.store(dst, c00);
  v128.store(dst, c01, 16);
  v128.store(dst + ld, c10);
  v128.store(dst + ld, c11, 16);
  v128.store(dst + 2 * ld, c20);
  v128.store(dst + 2 * ld, c21, 16);
  v128.store(dst + 3 * ld, c30);
  v128.store(dst + 3 * ld, c31, 16);
  if (full) return;
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < cols; j++) {
      const at = c + <usize>r * ldc + (<usize>j << 2);
      const v = load<f32>(tile + (<usize>(r * NR + j) << 2));
      store<f32>(at, add ? load<f32>(at) + v : v);
    }
  }
}

/** Floats of scratch `matmul` needs for packing (A panel, B block, edge tile), in bytes. */
export function matmulScratchBytes(): usize {
  return <usize>(MR * KC + KC * NC + MR * NR) << 2;
}

/**
 * C = op(A)·op(B), C [m, n] at `c` with rows `ldcFloats` floats apart. Element (i, p) of op(A) is the float at
 * a + 4·(i·aRow + p·aCol), element (p, j) of op(B) at b + 4·(p·bRow + j·bCol): the strides express every
 * transpose variant, and packing turns each into the same contiguous panels. `scratch` holds
 * matmulScratchBytes(). A worker thread computes a block of rows or columns of a larger C by offsetting
 * a and c (rows) or b and c (columns) and passing the full C's row stride as `ldcFloats`.
 */
export function matmul(a: usize, aRow: i32, aCol: i32, b: usize, bRow: i32, bCol: i32, c: usize, ldcFloats: i32, m: i32, n: i32, k: i32, scratch: usize): void {
  const packedA = scratch;
  const packedB = packedA + (<usize>(MR * KC) << 2);
  const tile = packedB + (<usize>(KC * NC) << 2);
  const ldc = <usize>ldcFloats << 2;
  if (k == 0) {
    for (let i = 0; i < m; i++) memory.fill(c + <usize>i * ldc, 0, <usize>n << 2);
    return;
  }
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      packB(b, bRow, bCol, pc, kc, jc, nc, packedB);
      for (let ic = 0; ic < m; ic += MR) {
        const rows = min(MR, m - ic);
        packA(a, aRow, aCol, ic, rows, pc, kc, packedA);
        const cRow = c + <usize>ic * ldc;
        for (let jr = 0; jr < nc; jr += NR) {
          const bp = packedB + (<usize>(jr * kc) << 2);
          micro(packedA, bp, kc, cRow + (<usize>(jc + jr) << 2), ldc, rows, min(NR, nc - jr), pc > 0, tile);
        }
      }
    }
  }
}

/** C[i, j] += bias[j] for every row of C [m, n]. */
export function addBias(c: usize, bias: usize, m: i32, n: i32): void {
  const ldc = <usize>n << 2;
  const vec = n & ~3;
  for (let i = 0; i < m; i++) {
    const row = c + <usize>i * ldc;
    let j = 0;
    for (; j < vec; j += 4) {
      const at = row + (<usize>j << 2);
      v128.store(at, f32x4.add(v128.load(at), v128.load(bias + (<usize>j << 2))));
    }
    for (; j < n; j++) {
      const at = row + (<usize>j << 2);
      store<f32>(at, load<f32>(at) + load<f32>(bias + (<usize>j << 2)));
    }
  }
}

/** x > 0 ? x : 0 over `count` floats in place (cpu/elementwise.ts activate's ReLU: NaN and -0 give 0). */
export function relu(c: usize, count: i32): void {
  const zero = f32x4.splat(0);
  const vec = count & ~3;
  let i = 0;
  for (; i < vec; i += 4) {
    const at = c + (<usize>i << 2);
    const x = v128.load(at);
    v128.store(at, v128.bitselect(x, zero, f32x4.gt(x, zero)));
  }
  for (; i < count; i++) {
    const at = c + (<usize>i << 2);
    const x = load<f32>(at);
    store<f32>(at, x > 0 ? x : 0);
  }
}

// The decision-boundary grid kernel (its own file).
export { evaluateGrid, gridScratchBytes } from './grid';
/**
 * Adam's update in place over n parameters: weights w, first and second moments m and v (float32, as the
 * tensors store them) from the gradient g. The arithmetic is cpu/optimizer.ts updateParameter's, in float64
 * and in the same order, two lanes at a time, so it gives the reference's float32 results bit for bit (the
 * JavaScript loop ran at ~12 ns a parameter in V8; this is the same work without it).
 */
export function adam(w: usize, g: usize, m: usize, v: usize, n: i32, lr: f64, beta1: f64, beta2: f64, epsilon: f64, correction1: f64, correction2: f64, l1: f64, twoL2: f64): void {
  const one = f64x2.splat(1), minusOne = f64x2.splat(-1), zero = f64x2.splat(0);
  const vl1 = f64x2.splat(l1), vTwoL2 = f64x2.splat(twoL2);
  const vBeta1 = f64x2.splat(beta1), vBeta2 = f64x2.splat(beta2);
  const vOneMinusBeta1 = f64x2.splat(1 - beta1), vOneMinusBeta2 = f64x2.splat(1 - beta2);
  const vLr = f64x2.splat(lr), vEpsilon = f64x2.splat(epsilon);
  const vCorrection1 = f64x2.splat(correction1), vCorrection2 = f64x2.splat(correction2);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const at = <usize>i << 2;
    const wi = f64x2.promote_low_f32x4(v128.load64_zero(w + at));
    // Math.sign: ±1, and ±0 or NaN as they are.
    const sign = v128.bitselect(one, v128.bitselect(minusOne, wi, f64x2.lt(wi, zero)), f64x2.gt(wi, zero));
    const gi = f64x2.add(f64x2.add(f64x2.promote_low_f32x4(v128.load64_zero(g + at)), f64x2.mul(vl1, sign)), f64x2.mul(vTwoL2, wi));
    const mi = f64x2.add(f64x2.mul(vBeta1, f64x2.promote_low_f32x4(v128.load64_zero(m + at))), f64x2.mul(vOneMinusBeta1, gi));
    const vi = f64x2.add(f64x2.mul(vBeta2, f64x2.promote_low_f32x4(v128.load64_zero(v + at))), f64x2.mul(f64x2.mul(vOneMinusBeta2, gi), gi));
    v128.store64_lane(m + at, f32x4.demote_f64x2_zero(mi), 0);
    v128.store64_lane(v + at, f32x4.demote_f64x2_zero(vi), 0);
    const step = f64x2.div(f64x2.mul(vLr, f64x2.div(mi, vCorrection1)), f64x2.add(f64x2.sqrt(f64x2.div(vi, vCorrection2)), vEpsilon));
    v128.store64_lane(w + at, f32x4.demote_f64x2_zero(f64x2.sub(wi, step)), 0);
  }
  for (; i < n; i++) {
    const at = <usize>i << 2;
    const wi = <f64>load<f32>(w + at);
    const sign = wi > 0 ? 1.0 : wi < 0 ? -1.0 : wi;
    const gi = <f64>load<f32>(g + at) + l1 * sign + twoL2 * wi;
    const mi = beta1 * <f64>load<f32>(m + at) + (1 - beta1) * gi;
    const vi = beta2 * <f64>load<f32>(v + at) + (1 - beta2) * gi * gi;
    store<f32>(m + at, <f32>mi);
    store<f32>(v + at, <f32>vi);
    store<f32>(w + at, <f32>(wi - (lr * (mi / correction1)) / (Math.sqrt(vi / correction2) + epsilon)));
  }
}
