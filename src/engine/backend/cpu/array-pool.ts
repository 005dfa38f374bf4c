// The CPU backends' free list of Float32Arrays, keyed by length (the analogue of the WebGPU backend's buffer
// pool, webgpu/memory.ts): dispose gives a tensor's array back and the next op of that size takes it, so a
// training step of fixed shapes allocates no typed array after its first run. Bounded by the bytes kept free.

/** Free arrays kept by default: enough for every temporary of an mlp-mnist or small-CNN step. */
export const DEFAULT_POOL_BYTES = 64 * 1024 * 1024;

export class ArrayPool {
  private readonly free = new Map<number, Float32Array[]>();
  private freeBytes = 0;
  private scratch = new Float64Array(0);

  constructor(readonly maxFreeBytes = DEFAULT_POOL_BYTES) {
    if (!(maxFreeBytes >= 0)) throw new Error(`ArrayPool: maxFreeBytes must be a number ≥ 0, got ${maxFreeBytes}`);
  }

  /** An array of `length` floats holding whatever its last owner left: for ops that write every element. */
  take(length: number): Float32Array {
    const a = this.free.get(length)?.pop();
    if (!a) return new Float32Array(length);
    this.freeBytes -= a.byteLength;
    if (this.free.get(length)!.length === 0) this.free.delete(length);
    return a;
  }

  /** An array of `length` zeros: for ops that accumulate or write only some elements. */
  zeros(length: number): Float32Array {
    return this.take(length).fill(0);
  }

  /**
   * Keeps `a` for a later take. Past the bound it drops free arrays of other lengths, those first kept
   * first (a previous model's sizes, say), so that the current step's sizes stay; `a` itself is dropped
   * (left to the GC) when it alone passes the bound.
   */
  give(a: Float32Array): void {
    if (a.byteLength > this.maxFreeBytes) return;
    for (const [length, list] of this.free) {
      if (this.freeBytes + a.byteLength <= this.maxFreeBytes) break;
      if (length === a.length) continue;
      this.freeBytes -= length * 4 * list.length;
      this.free.delete(length);
    }
    if (this.freeBytes + a.byteLength > this.maxFreeBytes) return;
    let list = this.free.get(a.length);
    if (!list) this.free.set(a.length, (list = []));
    list.push(a);
    this.freeBytes += a.byteLength;
  }

  /** Bytes held in free arrays. */
  get bytesFree(): number {
    return this.freeBytes;
  }

  /**
   * A float64 accumulator of at least `length` elements, zeroed over [0, length); shared, so valid only until
   * the next call (kernels use it within one op).
   */
  accumulator(length: number): Float64Array {
    if (this.scratch.length < length) this.scratch = new Float64Array(Math.max(length, 2 * this.scratch.length));
    this.scratch.fill(0, 0, length);
    return this.scratch;
  }

  /** The first `length` accumulated values rounded to float32, in an array from the pool. */
  rounded(acc: Float64Array, length: number): Float32Array {
    const out = this.take(length);
    for (let i = 0; i < length; i++) out[i] = acc[i];
    return out;
  }
}
