// Device memory: tensor storage (whose lifecycle storages.ts owns), a buffer pool by size (also used for
// readback staging), and constant buffers cached by content (uniform parameter blocks and small tables).
// After warm-up a training step finds everything it needs in these pools and caches, so it creates no buffer.
import type { Shape, TensorHandle } from '../backend';
import { shapeSize } from '../../shape';
import { stats } from '../../stats';

export type StorageKind = 'pooled' | 'arena' | 'view';

/**
 * Where a tensor's values live: a buffer range. Ranges of one arena buffer can be many storages. The
 * lifecycle fields are read-only here: only the StorageTable (storages.ts) changes them.
 */
export class Storage {
  /** Tensor handles sharing this range; the last one's dispose frees it (unless a plan owns it). */
  readonly refs: number = 1;
  /** Allocated while a plan was recorded: freed with the plan, whatever its tensors do. */
  readonly planOwned: boolean = false;
  /** Last snapshot of the values (device-loss recovery re-uploads it). */
  saved?: Float32Array;

  constructor(
    readonly buffer: GPUBuffer,
    readonly offset: number,
    readonly elements: number,
    /** pooled: the buffer came from the pool and is this storage's alone; arena: a range of a shared
     * buffer; view: a whole arena, bound by a plan (its members own the buffer). */
    readonly kind: StorageKind,
  ) {}

  /** Bound size: bindings need a non-zero multiple of 4 bytes. */
  get bytes(): number {
    return Math.max(4, this.elements * 4);
  }
}

export class GpuTensor implements TensorHandle {
  readonly size: number;
  disposed = false;

  constructor(
    readonly shape: Shape,
    readonly storage: Storage,
  ) {
    this.size = shapeSize(shape);
  }
}

/** The handle as a live GpuTensor, or an Error naming the kernel and the argument. */
export function gpu(h: TensorHandle, kernel: string, arg: string): GpuTensor {
  if (!(h instanceof GpuTensor)) throw new Error(`${kernel}: ${arg} is not a WebGPU tensor (was it created on another backend?)`);
  if (h.disposed) throw new Error(`${kernel}: ${arg} [${h.shape.join(', ')}] was used after dispose`);
  return h;
}

export const STORAGE_USAGE = 0x80 /* STORAGE */ | 0x4 /* COPY_SRC */ | 0x8; /* COPY_DST */

/**
 * Power-of-two size classes (at least 256 bytes), so freed buffers fit many later requests; capped at the
 * largest buffer the pool may create (a device limit need not be a power of two).
 */
export function sizeClass(bytes: number, largest = Infinity): number {
  return Math.min(Math.max(256, 2 ** Math.ceil(Math.log2(Math.max(bytes, 1)))), Math.max(bytes, largest));
}

export class BufferPool {
  private free = new Map<number, GPUBuffer[]>();
  private freeBytes = 0;

  constructor(
    private device: GPUDevice,
    private usage: number,
    /** Free buffers beyond this many bytes are given to `retire` instead of kept. */
    public maxFreeBytes: number,
    /** Destroys a buffer the pool does not keep, once no pending work uses it (PendingWork.retire). */
    private retire: (buffer: GPUBuffer) => void,
    /** The largest buffer to create (a device limit): size classes stop there. */
    private largest = Infinity,
  ) {}

  acquire(bytes: number): GPUBuffer {
    const size = sizeClass(bytes, this.largest);
    const list = this.free.get(size);
    const reused = list?.pop();
    if (reused) {
      this.freeBytes -= size;
      return reused;
    }
    stats.buffersCreated++;
    return this.device.createBuffer({ size, usage: this.usage });
  }

  release(buffer: GPUBuffer): void {
    if (this.freeBytes + buffer.size > this.maxFreeBytes) {
      this.retire(buffer);
      return;
    }
    const list = this.free.get(buffer.size) ?? [];
    list.push(buffer);
    this.free.set(buffer.size, list);
    this.freeBytes += buffer.size;
  }

  destroy(): void {
    for (const list of this.free.values()) for (const b of list) b.destroy();
    this.free.clear();
    this.freeBytes = 0;
  }
}

/**
 * Immutable small buffers (uniform parameter blocks, segment and layer tables) keyed by usage and content.
 * A step's parameters depend only on shapes and hyperparameters, so repeated steps hit the cache. At most
 * `limit` entries are kept, least recently used forgotten first; entries a plan holds (its bind groups
 * use them at every replay) are never forgotten while held.
 */
export class ConstantCache {
  private entries = new Map<string, { buffer: GPUBuffer; holders: number }>();
  /** Key of each cached buffer, for `release`. */
  private keys = new Map<GPUBuffer, string>();

  constructor(
    private device: GPUDevice,
    private retire: (buffer: GPUBuffer) => void,
    public limit = 1024,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** The buffer for this content; `hold` keeps it until `release` (a plan's bind groups). */
  get(data: Uint32Array, usage: number, hold = false): GPUBuffer {
    const key = `${usage}:${data.join(',')}`;
    let entry = this.entries.get(key);
    if (entry) {
      // Most recently used last: forgetting starts at the front.
      this.entries.delete(key);
    } else {
      const buffer = this.device.createBuffer({ size: Math.max(16, data.byteLength), usage, mappedAtCreation: true });
      new Uint32Array(buffer.getMappedRange()).set(data);
      buffer.unmap();
      stats.buffersCreated++;
      entry = { buffer, holders: 0 };
      this.keys.set(buffer, key);
    }
    if (hold) entry.holders++;
    this.entries.set(key, entry);
    this.evict(key);
    return entry.buffer;
  }

  release(buffer: GPUBuffer): void {
    const entry = this.entries.get(this.keys.get(buffer) ?? '');
    if (entry) entry.holders--;
    this.evict();
  }

  /**
   * Forget least recently used entries past the limit, never a held one nor `keep`: the buffer `get` is
   * returning is not encoded yet, so with every other entry held it would be destroyed before its submit.
   */
  private evict(keep?: string): void {
    if (this.entries.size <= this.limit) return;
    for (const [key, entry] of this.entries) {
      if (this.entries.size <= this.limit) break;
      if (entry.holders > 0 || key === keep) continue;
      this.entries.delete(key);
      this.keys.delete(entry.buffer);
      this.retire(entry.buffer);
    }
  }

  destroy(): void {
    for (const e of this.entries.values()) e.buffer.destroy();
    this.entries.clear();
    this.keys.clear();
  }
}

/** Writes a uniform block field by field; fields are 4 bytes, arrays of vec4u take 8 slots (rank ≤ 8). */
export class ParamWriter {
  private words: number[] = [];
  private f32 = new Float32Array(1);
  private u32view = new Uint32Array(this.f32.buffer);

  u(...values: number[]): this {
    for (const v of values) this.words.push(v >>> 0);
    return this;
  }

  f(...values: number[]): this {
    for (const v of values) {
      this.f32[0] = v;
      this.words.push(this.u32view[0]);
    }
    return this;
  }

  /** An array<vec4u, 2>: up to 8 values, zero-padded. */
  vec8(values: readonly number[]): this {
    if (values.length > 8) throw new Error(`WebGPU: ${values.length} axes exceed the kernels' limit of 8`);
    for (let i = 0; i < 8; i++) this.words.push((values[i] ?? 0) >>> 0);
    return this;
  }

  /** Padded to a multiple of 16 bytes, as uniform blocks require. */
  done(): Uint32Array {
    while (this.words.length % 4 !== 0) this.words.push(0);
    return Uint32Array.from(this.words);
  }
}

export function f32Bits(v: number): number {
  return new Uint32Array(Float32Array.of(v).buffer)[0];
}
