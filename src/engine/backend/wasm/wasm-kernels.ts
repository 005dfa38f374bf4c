// Loads the WebAssembly kernels (assembly/kernels.ts, see scripts/build-wasm.ts) and lends their linear
// memory to the host as one growing scratch area: operands are copied in, a kernel runs, the result is
// copied out. No DOM use: it runs in a page, a Web Worker and Node alike.
import { relaxedSimd, simd } from 'wasm-feature-detect';
import { RELAXED_SIMD_WASM, SIMD_WASM } from './kernels.generated';

interface KernelExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  matmulScratchBytes(): number;
  matmul(a: number, aRow: number, aCol: number, b: number, bRow: number, bCol: number, c: number, m: number, n: number, k: number, scratch: number): void;
  addBias(c: number, bias: number, m: number, n: number): void;
  gridScratchBytes(): number;
  evaluateGrid(layers: number, layerCount: number, axes: number, featureCount: number, n: number, out: number, firstKept: number, scratch: number): void;
}

const PAGE = 65536;
const align16 = (bytes: number): number => (bytes + 15) & ~15;

export class WasmKernels {
  private f32View: Float32Array;
  private readonly base: number;

  constructor(
    readonly exports: KernelExports,
    /** True when the module uses relaxed-SIMD fused multiply-add. */
    readonly relaxed: boolean,
  ) {
    this.base = align16(exports.heapBase());
    this.f32View = new Float32Array(exports.memory.buffer);
  }

  /**
   * Byte addresses of consecutive 16-byte-aligned regions of the given sizes (in floats), growing memory
   * as needed. Every call reuses the same area: addresses are valid until the next `regions` call.
   */
  regions(...floats: number[]): number[] {
    const out: number[] = [];
    let at = this.base;
    for (const n of floats) {
      out.push(at);
      at += align16(n * 4);
    }
    const memory = this.exports.memory;
    if (at > memory.buffer.byteLength) memory.grow(Math.ceil((at - memory.buffer.byteLength) / PAGE));
    return out;
  }

  /** A Float32Array over all of linear memory (recreated after the memory grew). */
  get heap(): Float32Array {
    if (this.f32View.buffer !== this.exports.memory.buffer) this.f32View = new Float32Array(this.exports.memory.buffer);
    return this.f32View;
  }

  /** Copy `values` to byte address `at`. */
  write(at: number, values: Float32Array): void {
    this.heap.set(values, at >> 2);
  }

  /** A new array with `length` floats from byte address `at`. */
  read(at: number, length: number): Float32Array {
    return this.heap.slice(at >> 2, (at >> 2) + length);
  }
}

function decode(base64: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

/** Instantiate the fastest module this engine runs; throws when WebAssembly SIMD is missing. */
export async function loadWasmKernels(options: { allowRelaxed?: boolean } = {}): Promise<WasmKernels> {
  if (typeof WebAssembly !== 'object') throw new Error('wasm backend: this JavaScript engine has no WebAssembly');
  if (!(await simd())) throw new Error('wasm backend: this engine lacks WebAssembly SIMD (needs Chrome 91+, Firefox 89+, Safari 16.4+, Node 16.4+)');
  const relaxed = (options.allowRelaxed ?? true) && (await relaxedSimd());
  const module = await WebAssembly.compile(decode(relaxed ? RELAXED_SIMD_WASM : SIMD_WASM));
  const instance = await WebAssembly.instantiate(module);
  return new WasmKernels(instance.exports as unknown as KernelExports, relaxed);
}
