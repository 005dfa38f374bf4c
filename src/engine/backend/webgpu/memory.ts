// Device memory: tensor storage, a buffer pool by size, constant buffers cached by content (uniform
// parameter blocks and small tables), and pooled staging buffers for readback. After warm-up a training
// step finds everything it needs in these pools and caches, so it creates no buffer.
import type { Shape, TensorHandle } from '../backend';
import { shapeSize } from '../../shape';
import { stats } from '../../stats';

/** Where a tensor's values live: a buffer range. Ranges of one arena buffer can be many storages. */
export class Storage {
  refs = 1;
  /** Owned by a plan being recorded or replayed: freed with the plan, not when its last tensor is. */
  pinned = false;
  /** Last snapshot of the values (device-loss recovery re-uploads it). */
  saved?: Float32Array;
  /** A whole-arena range used only for binding (its members own the buffer). */
  isView = false;

  constructor(
    public buffer: GPUBuffer,
    public offset: number,
    readonly elements: number,
    /** True while `buffer` came from the pool and belongs to this storage alone. */
    public pooled: boolean,
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
    /** Free buffers beyond this many bytes are destroyed instead of kept. */
    private maxFreeBytes: number,
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
      buffer.destroy();
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
 * A step's parameters depend only on shapes and hyperparameters, so repeated steps hit the cache; the
 * number of entries is bounded by the distinct shapes a session uses.
 */
export class ConstantCache {
  private buffers = new Map<string, GPUBuffer>();

  constructor(private device: GPUDevice) {}

  get(data: Uint32Array, usage: number): GPUBuffer {
    const key = `${usage}:${data.join(',')}`;
    let buffer = this.buffers.get(key);
    if (!buffer) {
      buffer = this.device.createBuffer({ size: Math.max(16, data.byteLength), usage, mappedAtCreation: true });
      new Uint32Array(buffer.getMappedRange()).set(data);
      buffer.unmap();
      stats.buffersCreated++;
      this.buffers.set(key, buffer);
    }
    return buffer;
  }

  destroy(): void {
    for (const b of this.buffers.values()) b.destroy();
    this.buffers.clear();
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
