// The one owner of storage lifecycles: allocation from the pool, references from tensor handles, plan
// ownership, arena membership, and giving buffers back. A buffer leaves only through `PendingWork.retire`
// (via the pool or the last arena member), so it is never destroyed under encoded work. Every live storage
// is listed for device-loss recovery, which `rebind` serves.
import { stats } from '../../stats';
import { BufferPool, Storage, STORAGE_USAGE } from './memory';
import type { PendingWork } from './pending-work';

/** The lifecycle fields, writable here only. */
type Lifecycle = { -readonly [K in 'refs' | 'planOwned' | 'buffer' | 'offset' | 'kind']: Storage[K] };
const mutable = (s: Storage): Lifecycle => s as unknown as Lifecycle;

/** Free pooled bytes kept for reuse; past it freed buffers are destroyed. */
export const POOL_FREE_BYTES = 256 << 20;

export class StorageTable {
  /** Every storage that holds a buffer range, for device-loss recovery. */
  readonly live = new Set<Storage>();
  /** Arena buffers and how many storages live in each; the last one out destroys it. */
  private arenaMembers = new Map<GPUBuffer, number>();
  private pool!: BufferPool;
  private device!: GPUDevice;
  private work!: PendingWork;

  /** Use this device (at start, and after a loss before `rebind`). */
  attach(device: GPUDevice, work: PendingWork, largest: number): void {
    const freeLimit = this.pool?.maxFreeBytes ?? POOL_FREE_BYTES;
    this.device = device;
    this.work = work;
    this.pool = new BufferPool(device, STORAGE_USAGE, freeLimit, (b) => work.retire(b), largest);
  }

  /** Free pooled bytes kept (tests set 0: every freed buffer is then destroyed). */
  get poolFreeLimit(): number {
    return this.pool.maxFreeBytes;
  }

  set poolFreeLimit(bytes: number) {
    this.pool.maxFreeBytes = bytes;
  }

  alloc(bytes: number, elements: number, planOwned: boolean): Storage {
    const storage = new Storage(this.pool.acquire(bytes), 0, elements, 'pooled');
    mutable(storage).planOwned = planOwned;
    this.live.add(storage);
    return storage;
  }

  /** One more tensor handle shares the storage (a reshape). */
  retain(storage: Storage): void {
    mutable(storage).refs++;
  }

  /** Drop one handle's reference; the last one gives the buffer back unless a plan owns the storage. */
  release(storage: Storage): void {
    const s = mutable(storage);
    s.refs--;
    if (s.refs <= 0 && !s.planOwned) this.free(storage);
  }

  /** A plan is done with what it owned: each goes now, or with its last tensor handle. */
  releasePlan(storages: readonly Storage[]): void {
    for (const storage of storages) {
      if (storage.kind === 'view') {
        this.free(storage);
        continue;
      }
      mutable(storage).planOwned = false;
      if (storage.refs <= 0) this.free(storage);
    }
  }

  private free(storage: Storage): void {
    if (!this.live.delete(storage)) return;
    if (storage.kind === 'pooled') this.pool.release(storage.buffer);
    else if (storage.kind === 'arena') this.leaveArena(storage.buffer);
  }

  createArena(elements: number): GPUBuffer {
    stats.buffersCreated++;
    const buffer = this.device.createBuffer({ size: Math.max(16, elements * 4), usage: STORAGE_USAGE });
    this.arenaMembers.set(buffer, 0);
    return buffer;
  }

  /** Move `storage` to `arena` at `offset` bytes (its values must already be there, or be rewritten). */
  moveInto(storage: Storage, arena: GPUBuffer, offset: number): void {
    const s = mutable(storage);
    const old = storage.buffer;
    const oldKind = storage.kind;
    s.buffer = arena;
    s.offset = offset;
    s.kind = 'arena';
    this.arenaMembers.set(arena, (this.arenaMembers.get(arena) ?? 0) + 1);
    this.live.add(storage);
    if (oldKind === 'pooled') this.pool.release(old);
    else if (oldKind === 'arena') this.leaveArena(old);
  }

  /** A view of a whole arena for binding; not a member. */
  arenaView(arena: GPUBuffer, elements: number): Storage {
    const view = new Storage(arena, 0, elements, 'view');
    mutable(view).planOwned = true;
    this.live.add(view);
    return view;
  }

  private leaveArena(buffer: GPUBuffer): void {
    const n = (this.arenaMembers.get(buffer) ?? 1) - 1;
    if (n > 0) this.arenaMembers.set(buffer, n);
    else {
      this.arenaMembers.delete(buffer);
      this.work.retire(buffer);
    }
  }

  /**
   * After a device loss (and `attach` to the new device): every live storage gets a new buffer (ranges of
   * one old buffer share one new buffer, so arenas survive), filled from its last snapshot when it has one.
   */
  rebind(): { restored: number; missing: number } {
    const byBuffer = new Map<GPUBuffer, Storage[]>();
    for (const s of this.live) byBuffer.set(s.buffer, [...(byBuffer.get(s.buffer) ?? []), s]);
    this.arenaMembers.clear();
    let restored = 0;
    let missing = 0;
    for (const [old, members] of byBuffer) {
      const pooled = members.length === 1 && members[0].kind === 'pooled';
      const buffer = pooled ? this.pool.acquire(old.size) : this.device.createBuffer({ size: old.size, usage: STORAGE_USAGE });
      if (!pooled) this.arenaMembers.set(buffer, members.filter((m) => m.kind === 'arena').length);
      for (const s of members) {
        mutable(s).buffer = buffer;
        if (s.saved && s.saved.length === s.elements) {
          this.device.queue.writeBuffer(buffer, s.offset, s.saved.buffer, s.saved.byteOffset, s.saved.byteLength);
          restored++;
        } else if (s.kind !== 'view') missing++;
      }
    }
    return { restored, missing };
  }

  destroy(): void {
    this.pool.destroy();
  }
}
