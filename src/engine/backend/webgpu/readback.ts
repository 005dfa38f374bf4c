// Reading values back: copies into pooled staging buffers, encoded after the pending eager work so the
// work and its readback take one submit, then mapped without blocking the thread. A read whose work (or
// any work since the previous read) failed rejects instead of returning stale or zero values.
import { stats } from '../../stats';
import type { DeviceErrors } from './device-errors';
import { BufferPool, type Storage } from './memory';
import type { PendingWork } from './pending-work';

const MAP_READ = 0x1;
const COPY_DST = 0x8;
/** Free staging buffers kept for the next reads. */
const STAGING_FREE_BYTES = 64 << 20;

export class Readback {
  private staging: BufferPool;

  constructor(
    private work: PendingWork,
    private errors: DeviceErrors,
    device: GPUDevice,
  ) {
    // Staging buffers are only used by the readback's own submit, which is done when they are released.
    this.staging = new BufferPool(device, MAP_READ | COPY_DST, STAGING_FREE_BYTES, (b) => b.destroy(), device.limits.maxBufferSize);
  }

  /** `into[i]`, when given, receives storage i's values instead of a new array (its length is the caller's to check). */
  async read(storages: readonly Storage[], into?: readonly (Float32Array | undefined)[]): Promise<Float32Array[]> {
    const work = this.work.take();
    const stagings = storages.map((s) => {
      const bytes = s.elements * 4;
      const staging = this.staging.acquire(Math.max(4, bytes));
      if (bytes > 0) work.encoder.copyBufferToBuffer(s.buffer, s.offset, staging, 0, bytes);
      return staging;
    });
    this.work.submit(work, `reading back ${storages.map((s) => s.elements).join(', ')} values`);
    const mapped = await Promise.allSettled(stagings.map((staging, i) => staging.mapAsync(MAP_READ, 0, Math.max(4, storages[i].elements * 4))));
    try {
      await this.errors.settled();
      const failed = mapped.find((m) => m.status === 'rejected');
      if (failed) throw new Error(`WebGPU: reading values back failed: ${String((failed as PromiseRejectedResult).reason)}`);
      return stagings.map((staging, i) => {
        const bytes = storages[i].elements * 4;
        const range = staging.getMappedRange(0, bytes);
        const target = into?.[i];
        // slice: one copy into memory that is not zeroed first (4 MB grids: about 20% faster than set).
        // Into an array read before, set is ~30× faster still: no page to fault in (4 MB: 0.1 ms, not 3).
        const out = target ? (target.set(new Float32Array(range)), target) : new Float32Array(range.slice(0));
        stats.bytesReadBack += bytes;
        return out;
      });
    } finally {
      stagings.forEach((staging, i) => {
        if (mapped[i].status === 'fulfilled') staging.unmap();
        this.staging.release(staging);
      });
    }
  }

  destroy(): void {
    this.staging.destroy();
  }
}
