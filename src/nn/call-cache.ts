// What fit, evaluate and predict keep on a model between calls: the data they uploaded and the passes
// over it. On WebGPU a pass's traced plans bind the data's buffers, so keeping both means that calling
// fit (or evaluate, predict) again with data of the same shapes and the same batch size traces nothing
// and creates no buffer or bind group: the kept data is rewritten in place, and only when its values
// differ from the host copy kept beside it (which also restores it after a device loss).
//
// Bounded: one kept call per kind, the latest; a call with other shapes or batch size replaces it. The
// model clears it when what the plans bake in changes (compile, layers added or removed) and on dispose.
import type { WebGPUBackend } from '../engine/backend/webgpu/webgpu-backend';
import { isWebGPU } from '../engine/batch-runner';
import { tensor, write } from '../engine/ops';
import { activeBackend } from '../engine/registry';
import type { Backend } from '../engine/backend/backend';
import type { Tensor } from '../engine/tensor';
import type { DeviceData } from './evaluate';
import { formatShape, type HostArray } from './host-array';

/** A device copy of a host array, rewritten in place when later calls bring other values of its shape. */
export class KeptData {
  readonly tensor: Tensor;
  private host: Float32Array;

  constructor(a: HostArray) {
    this.tensor = tensor(a.values, a.shape);
    this.host = a.values;
    keepSnapshot(this.tensor, a.values);
  }

  /** Make the device copy hold `a` (of the same shape): one write when the values changed, none otherwise. */
  update(a: HostArray): void {
    if (formatShape(a.shape) !== formatShape(this.tensor.shape)) throw new Error(`KeptData: shape ${formatShape(a.shape)} for data kept as ${formatShape(this.tensor.shape)}`);
    if (sameValues(a.values, this.host)) return;
    write(this.tensor, a.values);
    this.host = a.values;
    keepSnapshot(this.tensor, a.values);
  }

  dispose(): void {
    this.tensor.dispose();
  }
}

function keepSnapshot(t: Tensor, values: Float32Array): void {
  if (isWebGPU(t.backend)) (t.backend as WebGPUBackend).keepSnapshot(t.handle, values);
}

/** Bit for bit (so -0 and 0 differ, as they may downstream). */
function sameValues(a: Float32Array, b: Float32Array): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/** Inputs and targets kept together, as the passes read them (the targets' host copy feeds the metrics). */
export class KeptSet {
  readonly device: DeviceData;
  private readonly x: KeptData;
  private readonly y: KeptData;

  constructor(data: { x: HostArray; y: HostArray }) {
    this.x = new KeptData(data.x);
    try {
      this.y = new KeptData(data.y);
    } catch (e) {
      this.x.dispose();
      throw e;
    }
    this.device = { x: this.x.tensor, y: this.y.tensor, yHost: data.y };
  }

  update(data: { x: HostArray; y: HostArray }): void {
    this.x.update(data.x);
    this.y.update(data.y);
    this.device.yHost = data.y;
  }

  dispose(): void {
    this.x.dispose();
    this.y.dispose();
  }
}

/** One kept call: what it holds is freed by `dispose`. */
export interface KeptCall {
  dispose(): void;
}

export type CallKind = 'fit' | 'evaluate' | 'predict';

interface Entry {
  key: string;
  backend: Backend;
  call: KeptCall;
}

export class CallCache {
  private readonly entries = new Map<CallKind, Entry>();

  /** The kept call of this kind if it was made with `key` on the active backend; otherwise null, and the old call of this kind (other shapes, say) is freed. */
  take<C extends KeptCall>(kind: CallKind, key: string): C | null {
    const entry = this.entries.get(kind);
    if (entry && entry.key === key && entry.backend === activeBackend()) return entry.call as C;
    this.drop(kind);
    return null;
  }

  /** Keep `call` as this kind's, made with `key` on the active backend. */
  put<C extends KeptCall>(kind: CallKind, key: string, call: C): C {
    this.drop(kind);
    this.entries.set(kind, { key, backend: activeBackend(), call });
    return call;
  }

  /** Free the kept call of this kind (after a call that failed half-way, say). */
  drop(kind: CallKind): void {
    const entry = this.entries.get(kind);
    if (!entry) return;
    this.entries.delete(kind);
    entry.call.dispose();
  }

  clear(): void {
    for (const kind of [...this.entries.keys()]) this.drop(kind);
  }
}
