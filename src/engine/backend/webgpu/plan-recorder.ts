// A traced step: the dispatches one call of a function made, with every buffer it allocated kept alive,
// replayed any number of times per submit. Resolved bind groups are reused until storages move (arena
// packing, a new device after loss), so after warm-up a replay creates no buffer, bind group or pipeline.
//
// Optimizer updates are recorded as one entry and packed when the plan is finished: parameters, slots
// and gradients move into arenas (one buffer each, ranges at 256-byte aligned offsets) so the whole
// update is ONE dispatch. The gradients are the plan's own buffers, so their producing kernels simply
// write into the arena; parameters and slots are copied in once and then live there for good.
// A fused dense training step (dense-step.ts) is recorded as one entry too, and packed the same way.
import type { OptimizerConfig } from '../backend';
import { denseDispatch, type DenseEntry } from './dense-step';
import { Executor, labelOf, type DispatchRecord, type RecordingSink, type ResolvedDispatch } from './executor';
import type { DispatchLabel } from './pending-work';
import { copy } from './array-kernels';
import { Storage } from './memory';
import { updateDispatch, type UnboundSlots, type UpdatePart } from './nn-kernels';

interface UpdateEntry {
  config: OptimizerConfig;
  parts: UpdatePart[];
  step: Storage;
}

type Entry = DispatchRecord | { update: UpdateEntry } | { dense: DenseEntry };

export class Recording implements RecordingSink {
  readonly owned: Storage[] = [];
  readonly entries: Entry[] = [];
  /** Storages a step reads and writes that outlive it: parameters, slots, counters (snapshotted for recovery). */
  readonly state = new Set<Storage>();

  add(entry: DispatchRecord): void {
    this.entries.push(entry);
  }

  addUpdate(update: UpdateEntry): void {
    this.entries.push({ update });
    for (const p of update.parts) {
      this.state.add(p.param);
      for (const s of p.slots) this.state.add(s);
    }
    this.state.add(update.step);
  }

  addDense(dense: DenseEntry): void {
    this.entries.push({ dense });
    for (const s of [...dense.parts.flatMap((p) => [p.param, ...p.slots]), dense.modelStep, dense.batchStep]) this.state.add(s);
  }
}

/** 256-byte alignment of storage binding offsets, in f32 elements. */
const ALIGN = 64;

/** Where storages of these sizes go in an arena: aligned offsets (elements) and the arena's length. */
export function arenaLayout(sizes: readonly number[]): { offsets: number[]; total: number } {
  const offsets: number[] = [];
  let total = 0;
  for (const n of sizes) {
    offsets.push(total);
    total += Math.ceil(Math.max(n, 1) / ALIGN) * ALIGN;
  }
  return { offsets, total };
}

export class GpuPlan {
  readonly dispatches: DispatchRecord[] = [];
  private resolved: ResolvedDispatch[] = [];
  /** Constant buffers the resolved bind groups use, held in the executor's cache until re-resolved. */
  private held: GPUBuffer[] = [];
  private labels: DispatchLabel[] = [];
  private epoch = -1;
  private views: Storage[] = [];
  /** The storages this plan moved into its arenas, each with the view of its arena. */
  private packed: { member: Storage; view: Storage }[] = [];
  private disposed = false;
  readonly state: Storage[];

  constructor(
    private ex: Executor,
    recording: Recording,
    private unbound: UnboundSlots,
  ) {
    this.state = [...recording.state];
    const owned = new Set(recording.owned);
    for (const e of recording.entries) {
      if ('update' in e) this.dispatches.push(...this.expandUpdate(e.update, owned));
      else if ('dense' in e) this.dispatches.push(this.expandDense(e.dense));
      else this.dispatches.push(e);
    }
    this.owned = recording.owned;
    this.labels = this.dispatches.map(labelOf);
  }

  private owned: Storage[];

  /**
   * False once a storage this plan packed has moved out of its arena (another plan that updates the same
   * parameters packed them since): its update would write stale copies, so record it again.
   */
  get current(): boolean {
    return this.packed.every((p) => p.member.buffer === p.view.buffer);
  }

  /** Dispatches one replayed step encodes. */
  get dispatchesPerStep(): number {
    return this.dispatches.length;
  }

  replay(steps: number): void {
    if (this.disposed) throw new Error('plan.replay: the plan was disposed');
    if (!Number.isInteger(steps) || steps < 0) throw new Error(`plan.replay: steps must be a non-negative integer, got ${steps}`);
    if (this.ex.recovering) throw new Error('plan.replay: the device is being recovered; wait for the restored event');
    if (steps === 0) return;
    if (this.epoch !== this.ex.epoch) {
      this.releaseHeld();
      this.resolved = this.ex.resolvePlan(this.dispatches, this.held);
      this.epoch = this.ex.epoch;
    }
    this.ex.submitRepeated(this.resolved, steps, this.labels);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.ex.storages.releasePlan([...this.owned, ...this.views]);
    this.releaseHeld();
    this.resolved = [];
  }

  private releaseHeld(): void {
    for (const b of this.held) this.ex.constants.release(b);
    this.held = [];
  }

  private expandUpdate(u: UpdateEntry, owned: Set<Storage>): DispatchRecord[] {
    const all = u.parts.flatMap((p) => [p.param, p.grad, ...p.slots]);
    const { offsets, total } = arenaLayout(u.parts.map((p) => p.param.elements));
    // Packing needs every gradient to be this plan's own buffer, no storage to play two roles, and each
    // arena within one storage binding.
    const packable =
      u.parts.length > 1 && u.parts.every((p) => owned.has(p.grad)) && new Set(all).size === all.length && total * 4 <= this.ex.maxBindingBytes;
    if (!packable) return u.parts.map((p) => this.singleUpdate(u, p));

    const slotCount = u.parts[0].slots.length;
    const params = this.pack([u.parts.map((p) => p.param)], true);
    const slots = Array.from({ length: slotCount }, (_, j) => this.pack([u.parts.map((p) => p.slots[j])], true));
    const grads = this.pack([u.parts.map((p) => p.grad)], false);
    const segments = u.parts.map((p, i) => ({ start: offsets[i], end: offsets[i] + p.param.elements, l1: p.l1, l2: p.l2, clip: p.clip }));
    return [updateDispatch(u.config, segments, total, u.step, grads, params, slots, this.unbound)];
  }

  private expandDense(d: DenseEntry): DispatchRecord {
    const slotCount = d.parts[0].slots.length;
    const params = this.pack([d.parts.map((p) => p.param)], true);
    const slots = slotCount ? this.pack(Array.from({ length: slotCount }, (_, j) => d.parts.map((p) => p.slots[j])), true) : this.unbound.slot;
    return denseDispatch(d, params, slots, this.ex.emulated);
  }

  /**
   * Move groups of same-sized storages into one new arena, member i of group g at g·total + offsets[i]
   * (arenaLayout of the first group's sizes), copying their values when asked; returns a view of it all.
   */
  private pack(groups: Storage[][], copyValues: boolean): Storage {
    const { offsets, total } = arenaLayout(groups[0].map((s) => s.elements));
    const size = total * groups.length;
    const arena = this.ex.storages.createArena(size);
    const view = this.ex.storages.arenaView(arena, size);
    this.views.push(view);
    const at = (g: number, i: number): number => g * total + offsets[i];
    if (copyValues) {
      groups.forEach((group, g) => group.forEach((s, i) => copy(this.ex, s, view, s.elements, at(g, i))));
      this.ex.flush();
    }
    groups.forEach((group, g) => group.forEach((s, i) => this.ex.storages.moveInto(s, arena, at(g, i) * 4)));
    for (const member of groups.flat()) this.packed.push({ member, view });
    this.ex.epoch++;
    return view;
  }

  private singleUpdate(u: UpdateEntry, p: UpdatePart): DispatchRecord {
    const n = p.param.elements;
    return updateDispatch(u.config, [{ start: 0, end: n, l1: p.l1, l2: p.l2, clip: p.clip }], n, u.step, p.grad, p.param, p.slots, this.unbound);
  }
}
