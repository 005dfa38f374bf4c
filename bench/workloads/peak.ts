// The CPU's float32 peak as WebAssembly can reach it: a loop of independent 128-bit SIMD multiply-adds
// (relaxed fused multiply-add where the browser has relaxed SIMD, else a multiply and an add), timed on
// one thread, times the threads the page may run (navigator.hardwareConcurrency). The module is
// assembled here byte by byte: twelve accumulators hide the multiply-add latency.
import type { CpuPeak } from './types';

const ACCUMULATORS = 12;
const LANES = 4;

// Opcodes (WebAssembly core + SIMD + relaxed SIMD).
const OP = {
  block: 0x02,
  loop: 0x03,
  br: 0x0c,
  brIf: 0x0d,
  end: 0x0b,
  localGet: 0x20,
  localSet: 0x21,
  i32Const: 0x41,
  f32Const: 0x43,
  i32Eqz: 0x45,
  i32Sub: 0x6b,
  simd: 0xfd,
} as const;
const SIMD = {
  f32x4Splat: [0x13],
  f32x4ExtractLane: [0x1f],
  f32x4Add: [0xe4, 0x01],
  f32x4Mul: [0xe6, 0x01],
  f32x4RelaxedMadd: [0x85, 0x02],
} as const;
const V128 = 0x7b;
const I32 = 0x7f;
const F32 = 0x7d;

function f32Bytes(v: number): number[] {
  return [...new Uint8Array(new Float32Array([v]).buffer)];
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return out;
}

/** `run(iterations) → f32`: each iteration does ACCUMULATORS multiply-adds of LANES lanes. */
function fmaModule(relaxed: boolean): Uint8Array<ArrayBuffer> {
  // Locals: 0 = iterations (param), 1 = multiplier, 2 = addend, 3.. = accumulators.
  const [mul, add, acc0] = [1, 2, 3];
  const splat = (v: number, local: number) => [OP.f32Const, ...f32Bytes(v), OP.simd, ...SIMD.f32x4Splat, OP.localSet, local];
  const madd = (acc: number) =>
    relaxed
      ? [OP.localGet, acc, OP.localGet, mul, OP.localGet, add, OP.simd, ...SIMD.f32x4RelaxedMadd, OP.localSet, acc]
      : [OP.localGet, acc, OP.localGet, mul, OP.simd, ...SIMD.f32x4Mul, OP.localGet, add, OP.simd, ...SIMD.f32x4Add, OP.localSet, acc];
  const accs = Array.from({ length: ACCUMULATORS }, (_, i) => acc0 + i);
  const code = [
    // acc ← acc·0.999999 + 1e-7 converges to 0.1: no overflow, no subnormals.
    ...splat(0.999999, mul),
    ...splat(1e-7, add),
    ...accs.flatMap((a, i) => splat(i * 0.01, a)),
    OP.block, 0x40, OP.loop, 0x40,
    OP.localGet, 0, OP.i32Eqz, OP.brIf, 1,
    ...accs.flatMap(madd),
    OP.localGet, 0, OP.i32Const, 1, OP.i32Sub, OP.localSet, 0,
    OP.br, 0,
    OP.end, OP.end,
    // Return the sum of the accumulators' first lanes, so no multiply-add is dead code.
    OP.localGet, acc0,
    ...accs.slice(1).flatMap((a) => [OP.localGet, a, OP.simd, ...SIMD.f32x4Add]),
    OP.simd, ...SIMD.f32x4ExtractLane, 0,
    OP.end,
  ];
  const body = [1, ...uleb(2 + ACCUMULATORS), V128, ...code];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 1, I32, 1, F32]),
    ...section(3, [1, 0]),
    ...section(7, [1, 3, ...[...'run'].map((c) => c.charCodeAt(0)), 0x00, 0]),
    ...section(10, [1, ...uleb(body.length), ...body]),
  ]);
}

/** Best of several runs of about `ms / 5` each on this thread, times hardwareConcurrency. */
export async function measureCpuPeak(ms: number): Promise<CpuPeak> {
  const relaxed = WebAssembly.validate(fmaModule(true));
  const instance = await WebAssembly.instantiate(new WebAssembly.Module(fmaModule(relaxed)));
  const run = instance.exports.run as (iterations: number) => number;
  const flopsPerIteration = ACCUMULATORS * LANES * 2;
  let iterations = 1 << 16;
  let best = 0;
  for (let t0 = performance.now(), runs = 0; best === 0 || runs < 5 || performance.now() - t0 < ms; runs++) {
    const start = performance.now();
    if (!Number.isFinite(run(iterations))) throw new Error('cpuPeak: the multiply-add loop overflowed');
    const dt = performance.now() - start;
    if (dt < ms / 10) iterations *= 2;
    else best = Math.max(best, (iterations * flopsPerIteration) / dt / 1e6);
  }
  const threads = globalThis.navigator?.hardwareConcurrency || 1;
  return {
    perThreadGflops: best,
    instruction: relaxed ? 'f32x4.relaxed_madd (fused multiply-add)' : 'f32x4.mul + f32x4.add',
    threads,
    gflops: best * threads,
  };
}
