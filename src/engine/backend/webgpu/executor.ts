// Runs kernels on one device: resolves a dispatch (pipeline, cached parameter buffer, bind group) and
// encodes it into the pending work, or records it into a plan while one is traced; compiles generated
// kernels on first use. The lifecycles it delegates each have one owner: storages (storages.ts), work
// encoded but not yet submitted (pending-work.ts), readback (readback.ts), device errors
// (device-errors.ts) and device-loss recovery (recovery.ts).
import type { Shape } from '../backend';
import { shapeSize } from '../../shape';
import { stats } from '../../stats';
import { acquireDevice } from './device';
import { DeviceErrors } from './device-errors';
import { compileGenerated, firstKernels, KERNELS, type GeneratedKernel, type KernelName, type KernelSpec } from './kernels';
import { ConstantCache, GpuTensor, Storage } from './memory';
import { PendingWork, type DispatchLabel } from './pending-work';
import { PipelineCache } from './pipeline-cache';
import { Readback } from './readback';
import { DeviceRecovery, type DeviceEvent } from './recovery';
import { loadShaders } from './shaders';
import { StorageTable } from './storages';

export type { DeviceEvent } from './recovery';

/** A storage range, or a small constant table uploaded once (cached by content). */
export type Binding = Storage | { table: Uint32Array };

export interface DispatchRecord {
  kernel: KernelName | GeneratedKernel;
  params: Uint32Array | null;
  bindings: Binding[];
  groups: [number, number, number];
}

/** A generated kernel's pipeline: `pipeline` is set once `ready` resolved, for the synchronous dispatch. */
interface CompiledKernel {
  ready: Promise<GPUComputePipeline>;
  pipeline?: GPUComputePipeline;
}

export interface ResolvedDispatch {
  pipeline: GPUComputePipeline;
  bindGroup: GPUBindGroup;
  groups: [number, number, number];
}

/** What a plan under construction collects (see plan-recorder.ts). */
export interface RecordingSink {
  /** Storages allocated while recording; the plan frees them. */
  owned: Storage[];
  add(entry: DispatchRecord): void;
}

const MAX_GROUPS_PER_DIM = 65535;
/**
 * Generated pipelines kept (least recently used forgotten first): a lesson that tries many architectures
 * (two grid kernels each) does not pile up compiled code; a forgotten one is compiled again on next use.
 */
export const MAX_GENERATED_PIPELINES = 64;
/** Allocations from this size on are checked for out-of-memory errors (an error scope each). */
const LARGE_ALLOCATION_BYTES = 16 << 20;
const UNIFORM = 0x40;
const STORAGE = 0x80;

export class Executor {
  device!: GPUDevice;
  adapterInfo = '';
  /** See AcquiredDevice.emulated: kernels with a choice of workgroup size take the small one. */
  emulated = false;
  /**
   * The most bytes one tensor (one storage binding) may take on this device: larger tensors are refused
   * with a message, and a plan's packed optimizer update splits into one dispatch per parameter past it.
   * From the device's limits; a test may lower it.
   */
  maxBindingBytes = 0;
  /** The built-in kernels' pipelines on the current device (compiling in the background). */
  pipelines!: PipelineCache;
  /** Generated kernels' pipelines on the current device, by WGSL text (`pipeline` once compiled). */
  private generated = new Map<string, CompiledKernel>();
  readonly storages = new StorageTable();
  private work!: PendingWork;
  private errors!: DeviceErrors;
  private readback!: Readback;
  constants!: ConstantCache;
  recording: RecordingSink | null = null;
  /** Bumped whenever storages move (arenas, a new device): plans re-resolve their bind groups. */
  epoch = 0;
  private listeners = new Set<(e: DeviceEvent) => void>();
  private closing = false;
  private recovery = new DeviceRecovery(async () => {
    await this.start();
    const counts = this.storages.rebind();
    this.epoch++;
    return counts;
  }, (e) => this.emit(e));

  static async create(): Promise<Executor> {
    const ex = new Executor();
    await ex.start();
    return ex;
  }

  private async start(): Promise<void> {
    const { device, adapterInfo, emulated } = await acquireDevice();
    this.device = device;
    this.adapterInfo = adapterInfo;
    this.emulated = emulated;
    this.maxBindingBytes = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
    this.errors = new DeviceErrors(device, (error) => this.emit({ type: 'error', message: error.message }));
    this.work = new PendingWork(device, this.errors);
    this.storages.attach(device, this.work, this.maxBindingBytes);
    this.readback = new Readback(this.work, this.errors, device);
    const limit = this.constants?.limit;
    this.constants = new ConstantCache(device, (b) => this.work.retire(b), limit);
    // Ready once the first network's kernels are; the rest keep compiling (see pipeline-cache.ts).
    const first = firstKernels(emulated);
    this.pipelines = new PipelineCache(device, await loadShaders(), first);
    await this.pipelines.prepare(first);
    // A new device (recovery) compiles the generated kernels again, each on its next use.
    this.generated = new Map();
    device.lost.then((info) => {
      if (this.closing || this.device !== device) return;
      this.work.abandon();
      this.recovery.onLost(info.message || info.reason || 'unknown reason');
    });
  }

  /** A recovery in progress; kernels called meanwhile throw. */
  get recovering(): Promise<void> | null {
    return this.recovery.recovering;
  }

  /** Every storage that holds a buffer range (tests count them to find leaks). */
  get live(): ReadonlySet<Storage> {
    return this.storages.live;
  }

  onEvent(listener: (e: DeviceEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(e: DeviceEvent): void {
    for (const l of this.listeners) l(e);
  }

  // ---- memory ----

  alloc(shape: Shape): GpuTensor {
    const elements = shapeSize(shape);
    const bytes = Math.max(4, elements * 4);
    if (bytes > this.maxBindingBytes) {
      throw new Error(
        `WebGPU: a tensor of shape [${shape.join(', ')}] takes ${bytesText(bytes)}, more than this device binds at once (${bytesText(this.maxBindingBytes)}, its maxStorageBufferBindingSize); use smaller batches, or the CPU backend`,
      );
    }
    const allocate = (): Storage => this.storages.alloc(bytes, elements, this.recording !== null);
    const storage =
      bytes >= LARGE_ALLOCATION_BYTES ? this.errors.scope(() => `allocating a tensor of shape [${shape.join(', ')}] (${bytesText(bytes)})`, allocate) : allocate();
    this.recording?.owned.push(storage);
    return new GpuTensor(shape, storage);
  }

  /** Drop one reference; the last one returns the buffer to the pool (plan-owned storages wait for their plan). */
  release(storage: Storage): void {
    this.storages.release(storage);
  }

  upload(storage: Storage, values: Float32Array): void {
    // queue.writeBuffer runs before commands still waiting in our encoder: submit those first, since the
    // pooled buffer may still be read by them under its previous owner.
    this.work.flush();
    this.device.queue.writeBuffer(storage.buffer, storage.offset, values.buffer, values.byteOffset, values.byteLength);
    stats.bytesUploaded += values.byteLength;
  }

  // ---- dispatch ----

  /** Workgroup counts for `columns` × `rows` workgroups, rows past the per-dimension limit wrapped into z. */
  static wrapRows(columns: number, rows: number): [number, number, number] {
    const y = Math.min(rows, MAX_GROUPS_PER_DIM);
    return [columns, y, Math.ceil(rows / y)];
  }

  /** Workgroup counts for `threads` threads of a 64-wide 1-D kernel (wrapping into y past 65535). */
  static groups1d(threads: number): [number, number, number] {
    const groups = Math.max(1, Math.ceil(threads / 64));
    const x = Math.min(groups, MAX_GROUPS_PER_DIM);
    return [x, Math.ceil(groups / x), 1];
  }

  /**
   * Start compiling a generated kernel for the current device unless that was done; resolves when it can
   * be dispatched (`isCompiled`), rejects with the compile error.
   */
  async prepare(kernel: GeneratedKernel): Promise<void> {
    if (this.recovering) await this.recovering;
    let entry = this.generated.get(kernel.code);
    if (entry) {
      // Most recently used last: the cache forgets from the front.
      this.generated.delete(kernel.code);
    } else {
      const compiling: CompiledKernel = { ready: compileGenerated(this.device, kernel) };
      // Set as soon as it is compiled, for callers that do not wait (failures reach those that do).
      compiling.ready.then((pipeline) => (compiling.pipeline = pipeline), () => {});
      entry = compiling;
      if (this.generated.size >= MAX_GENERATED_PIPELINES) this.generated.delete(this.generated.keys().next().value as string);
    }
    this.generated.set(kernel.code, entry);
    await entry.ready;
  }

  /** Whether a generated kernel can be dispatched now (its pipeline is compiled on this device). */
  isCompiled(kernel: GeneratedKernel): boolean {
    return this.generated.get(kernel.code)?.pipeline !== undefined;
  }

  dispatch(kernel: KernelName | GeneratedKernel, params: Uint32Array | null, bindings: Binding[], groups: [number, number, number]): void {
    const name = kernelName(kernel);
    if (this.recovering) throw new Error(`WebGPU: ${name} called while the device is being recovered`);
    if (groups.some((g) => g > MAX_GROUPS_PER_DIM)) throw new Error(`WebGPU: ${name} needs [${groups}] workgroups, over the limit of ${MAX_GROUPS_PER_DIM} per dimension`);
    const entry: DispatchRecord = { kernel, params, bindings, groups };
    if (this.recording) {
      this.recording.add(entry);
      return;
    }
    const r = this.resolve(entry);
    const pass = this.work.openPass();
    pass.setPipeline(r.pipeline);
    pass.setBindGroup(0, r.bindGroup);
    pass.dispatchWorkgroups(...r.groups);
    stats.dispatches++;
    this.work.added(labelOf(entry));
  }

  /**
   * Pipeline, parameter buffer and bind group of a dispatch, from the current device. A plan passes `held`:
   * the constant buffers its bind group uses are then kept for it (see ConstantCache) and listed there.
   */
  resolve(entry: DispatchRecord, held?: GPUBuffer[]): ResolvedDispatch {
    const { kernel } = entry;
    const name = kernelName(kernel);
    const spec: Pick<KernelSpec, 'uniform' | 'storage'> = typeof kernel === 'string' ? KERNELS[kernel] : kernel;
    const pipeline = typeof kernel === 'string' ? this.pipelines.get(kernel) : this.generated.get(kernel.code)?.pipeline;
    if (!pipeline) throw new Error(`WebGPU: kernel ${name} was not compiled${typeof kernel === 'string' ? '' : ' for this device (await prepare first)'}`);
    if (spec.storage.length !== entry.bindings.length) {
      throw new Error(`WebGPU: ${name} takes ${spec.storage.length} buffers, got ${entry.bindings.length}`);
    }
    const constant = (data: Uint32Array, usage: number): GPUBuffer => {
      const buffer = this.constants.get(data, usage, held !== undefined);
      held?.push(buffer);
      return buffer;
    };
    const entries: GPUBindGroupEntry[] = [];
    if (spec.uniform) {
      if (!entry.params) throw new Error(`WebGPU: ${name} needs a parameter block`);
      entries.push({ binding: 0, resource: { buffer: constant(entry.params, UNIFORM) } });
    }
    entry.bindings.forEach((b, i) => {
      const resource: GPUBufferBinding = b instanceof Storage ? { buffer: b.buffer, offset: b.offset, size: b.bytes } : { buffer: constant(b.table, STORAGE) };
      entries.push({ binding: spec.storage[i], resource });
    });
    stats.bindGroupsCreated++;
    const bindGroup = this.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
    return { pipeline, bindGroup, groups: entry.groups };
  }

  /** Resolve a plan's dispatches inside error scopes (a bind group the device rejects is reported, naming it). */
  resolvePlan(entries: readonly DispatchRecord[], held: GPUBuffer[]): ResolvedDispatch[] {
    return this.errors.scope(
      () => `preparing a plan's ${entries.length} dispatches (${[...new Set(entries.map((e) => kernelName(e.kernel)))].join(', ')})`,
      () => entries.map((d) => this.resolve(d, held)),
    );
  }

  /** Submit whatever eager work is pending. */
  flush(): void {
    this.work.flush();
  }

  /** Encode `steps` repetitions of `dispatches` into one command buffer and submit it. */
  submitRepeated(dispatches: readonly ResolvedDispatch[], steps: number, labels: DispatchLabel[]): void {
    this.work.flush();
    const encoder = this.device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    let current: GPUComputePipeline | null = null;
    for (let s = 0; s < steps; s++) {
      for (const d of dispatches) {
        if (d.pipeline !== current) {
          pass.setPipeline(d.pipeline);
          current = d.pipeline;
        }
        pass.setBindGroup(0, d.bindGroup);
        pass.dispatchWorkgroups(d.groups[0], d.groups[1], d.groups[2]);
      }
    }
    pass.end();
    this.work.submit({ encoder, labels }, `replaying ${steps} step(s) of a plan`);
    stats.dispatches += steps * dispatches.length;
  }

  // ---- readback ----

  /**
   * Copy each storage to the host, after the pending work; never blocks the thread. Rejects when that work
   * (or any since the last read) failed. `into[i]`, when given, receives storage i's values.
   */
  async read(storages: readonly Storage[], into?: readonly (Float32Array | undefined)[]): Promise<Float32Array[]> {
    if (this.recording) throw new Error('read: a traced step may not read values back to the host');
    if (this.recovering) await this.recovering;
    return this.readback.read(storages, into);
  }

  // ---- device loss ----

  /** Lose the device on purpose (tests); recovery follows as for a real loss. */
  simulateLoss(): void {
    this.device.destroy();
  }

  destroy(): void {
    this.closing = true;
    this.work.flush();
    this.storages.destroy();
    this.readback.destroy();
    this.constants.destroy();
    this.device.destroy();
  }
}

function kernelName(kernel: KernelName | GeneratedKernel): string {
  return typeof kernel === 'string' ? kernel : kernel.label;
}

/** The dispatch as an error message names it: its kernel and the sizes of its bindings. */
export function labelOf(entry: DispatchRecord): DispatchLabel {
  return { kernel: kernelName(entry.kernel), elements: entry.bindings.map((b) => (b instanceof Storage ? b.elements : b.table.length)) };
}

/** 1.5 MiB, or 1,028 bytes under a MiB. */
function bytesText(bytes: number): string {
  return bytes >= 2 ** 20 ? `${(bytes / 2 ** 20).toFixed(1)} MiB` : `${bytes.toLocaleString('en')} bytes`;
}
