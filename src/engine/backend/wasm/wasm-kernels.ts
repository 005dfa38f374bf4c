// Loads the WebAssembly kernels (assembly/kernels.ts, see scripts/build-wasm.ts) and lends their linear
// memory to the host as one growing scratch area: operands are copied in, a kernel runs, the result is
// copied out. No DOM use: it runs in a page, a Web Worker and Node alike. Where threads are allowed, the
// memory is shared and matmul is split across worker threads (kernel-threads.ts).
import { relaxedSimd, simd, threads as wasmThreads } from 'wasm-feature-detect';
import { KernelThreads, type MatmulArgs } from './kernel-threads';
import { RELAXED_SIMD_SHARED_WASM, RELAXED_SIMD_WASM, SHARED_MAX_PAGES, SIMD_SHARED_WASM, SIMD_WASM } from './kernels.generated';

interface KernelExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  matmulScratchBytes(): number;
  matmul(...args: MatmulArgs): void;
  addBias(c: number, bias: number, m: number, n: number): void;
  relu(c: number, count: number): void;
  gridScratchBytes(): number;
  evaluateGrid(layers: number, layerCount: number, axes: number, featureCount: number, n: number, out: number, firstKept: number, scratch: number): void;
  adam(w: number, g: number, m: number, v: number, n: number, lr: number, beta1: number, beta2: number, epsilon: number, correction1: number, correction2: number, l1: number, twoL2: number): void;
}

const PAGE = 65536;
const align16 = (bytes: number): number => (bytes + 15) & ~15;
/** Rows and columns of C per micro-kernel tile (MR, NR in assembly/kernels.ts): blocks split on these. */
const TILE_ROWS = 4;
const TILE_COLS = 8;
/**
 * Multiply-adds below which a product stays on one thread: waking the workers and waiting for them costs
 * tens of microseconds, which a product this small (~50 µs on one thread at 20-40 GFLOP/s) does not repay.
 */
export const THREADED_MIN_MACS = 1 << 20;
/** More threads than this gain little on the operand sizes the playground trains. */
const MAX_THREADS = 8;

export class WasmKernels {
  private f32View: Float32Array;
  private readonly base: number;

  constructor(
    readonly exports: KernelExports,
    /** True when the module uses relaxed-SIMD fused multiply-add. */
    readonly relaxed: boolean,
    /** The worker threads sharing this memory, or null for one thread. */
    readonly threads: KernelThreads | null = null,
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

  /** Threads a large product runs on (1 without workers). */
  get threadCount(): number {
    return this.threads?.count ?? 1;
  }

  /** Bytes of matmul scratch: one region per thread. */
  matmulScratchBytes(): number {
    return this.exports.matmulScratchBytes() * this.threadCount;
  }

  /**
   * The matmul export over the whole of C (arguments as in assembly/kernels.ts, C's row stride n), split
   * into blocks of whole tiles across the threads when it is large enough: rows of C when C is at least
   * as tall as wide, else columns. Each block is the same kernel over the same depth order, so the
   * result is bit for bit the one-thread result.
   */
  matmul(a: number, aRow: number, aCol: number, b: number, bRow: number, bCol: number, c: number, m: number, n: number, k: number, scratch: number): void {
    const threads = this.threads;
    if (!threads || m * n * k < THREADED_MIN_MACS) return this.exports.matmul(a, aRow, aCol, b, bRow, bCol, c, n, m, n, k, scratch);
    const byRows = m >= n;
    const extent = byRows ? m : n;
    const tile = byRows ? TILE_ROWS : TILE_COLS;
    const per = Math.ceil(extent / threads.maxBlocks / tile) * tile;
    const blocks: MatmulArgs[] = [];
    for (let start = 0; start < extent; start += per) {
      const size = Math.min(per, extent - start);
      blocks.push(
        byRows
          ? [a + 4 * start * aRow, aRow, aCol, b, bRow, bCol, c + 4 * start * n, n, size, n, k, scratch]
          : [a, aRow, aCol, b + 4 * start * bCol, bRow, bCol, c + 4 * start, n, m, size, k, scratch],
      );
    }
    threads.runAll(blocks, this.exports.matmul);
  }

  /** Stop the worker threads (the kernels then run on one thread). */
  dispose(): void {
    this.threads?.terminate();
  }

  /** A Float32Array over all of linear memory (recreated after the memory grew). */
  get heap(): Float32Array {
    const buffer = this.exports.memory.buffer;
    if (this.f32View.buffer !== buffer) this.f32View = new Float32Array(buffer);
    return this.f32View;
  }

  /** Copy `values` to byte address `at`. */
  write(at: number, values: Float32Array): void {
    this.heap.set(values, at >> 2);
  }

  /** Copies `into.length` floats from byte address `at` into `into`, and returns it. */
  readInto(at: number, into: Float32Array): Float32Array {
    into.set(this.heap.subarray(at >> 2, (at >> 2) + into.length));
    return into;
  }

  /** A new array with `length` floats from byte address `at`. */
  read(at: number, length: number): Float32Array {
    return this.heap.slice(at >> 2, (at >> 2) + length);
  }
}

function decode(base64: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

/**
 * Threads by default: the page's cores when it is cross-origin isolated (SharedArrayBuffer), else one;
 * in Node one (tests and the CLI bench ask for more explicitly).
 */
function defaultThreads(): number {
  const g = globalThis as { crossOriginIsolated?: boolean; navigator?: { hardwareConcurrency?: number } };
  if (g.crossOriginIsolated !== true) return 1;
  return Math.min(MAX_THREADS, Math.max(1, g.navigator?.hardwareConcurrency ?? 1));
}

export interface WasmKernelOptions {
  /** Use relaxed-SIMD fused multiply-add where the engine has it (default true). */
  allowRelaxed?: boolean;
  /** Threads for large products, the caller included (default: see defaultThreads). */
  threads?: number;
}

/** Instantiate the fastest module this engine runs; throws when WebAssembly SIMD is missing. */
export async function loadWasmKernels(options: WasmKernelOptions = {}): Promise<WasmKernels> {
  if (typeof WebAssembly !== 'object') throw new Error('wasm backend: this JavaScript engine has no WebAssembly');
  if (!(await simd())) throw new Error('wasm backend: this engine lacks WebAssembly SIMD (needs Chrome 91+, Firefox 89+, Safari 16.4+, Node 16.4+)');
  const relaxed = (options.allowRelaxed ?? true) && (await relaxedSimd());
  const threads = options.threads ?? defaultThreads();
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`wasm backend: threads must be a whole number ≥ 1, got ${threads}`);
  if (threads > 1 && typeof SharedArrayBuffer === 'function' && (await wasmThreads())) {
    const module = await WebAssembly.compile(decode(relaxed ? RELAXED_SIMD_SHARED_WASM : SIMD_SHARED_WASM));
    const memory = new WebAssembly.Memory({ initial: 1, maximum: SHARED_MAX_PAGES, shared: true });
    const instance = await WebAssembly.instantiate(module, { env: { memory } });
    try {
      const pool = await KernelThreads.start(module, memory, threads - 1, (instance.exports as unknown as KernelExports).matmulScratchBytes());
      return new WasmKernels(instance.exports as unknown as KernelExports, relaxed, pool);
    } catch (e) {
      // A page whose policy forbids blob: workers still trains, on one thread.
      console.warn(`wasm backend: worker threads did not start (${e instanceof Error ? e.message : String(e)}); using one thread`);
    }
  }
  const module = await WebAssembly.compile(decode(relaxed ? RELAXED_SIMD_WASM : SIMD_WASM));
  const instance = await WebAssembly.instantiate(module);
  return new WasmKernels(instance.exports as unknown as KernelExports, relaxed);
}
