// Work encoded but not yet submitted, and the buffers waiting for it. Eager dispatches go into one open
// compute pass, submitted every DISPATCHES_PER_SUBMIT dispatches or when something needs the results. A
// buffer given up while the open encoder may reference it is destroyed only after that encoder is
// submitted (destroying it earlier makes the submit fail); once submitted, WebGPU keeps a destroyed
// buffer alive until the work using it has finished.
import { stats } from '../../stats';
import type { DeviceErrors } from './device-errors';

/** Submit eager work after this many dispatches, so long eager loops keep the GPU busy. */
const DISPATCHES_PER_SUBMIT = 128;

/** What a dispatch was, for an error message: the kernel and its bindings' sizes. */
export interface DispatchLabel {
  kernel: string;
  elements: number[];
}

export class PendingWork {
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private encoded: DispatchLabel[] = [];
  private retired: GPUBuffer[] = [];

  constructor(
    private device: GPUDevice,
    private errors: DeviceErrors,
  ) {}

  /** The open compute pass, for one more dispatch (see `encoded`). */
  openPass(): GPUComputePassEncoder {
    if (!this.pass) {
      this.encoder = this.device.createCommandEncoder();
      this.pass = this.encoder.beginComputePass();
    }
    return this.pass;
  }

  /** Counts a dispatch just encoded into the open pass; submits at the batch size. */
  added(label: DispatchLabel): void {
    this.encoded.push(label);
    if (this.encoded.length >= DISPATCHES_PER_SUBMIT) this.flush();
  }

  /** Submit whatever eager work is pending. */
  flush(): void {
    if (this.encoder) this.submit(this.take());
  }

  /** The open work's encoder with its pass ended (a new one if none): append commands, then `submit` it. */
  take(): { encoder: GPUCommandEncoder; labels: DispatchLabel[] } {
    const encoder = this.encoder ?? this.device.createCommandEncoder();
    this.pass?.end();
    const labels = this.encoded;
    this.encoder = null;
    this.pass = null;
    this.encoded = [];
    return { encoder, labels };
  }

  /** Finish and submit an encoder inside error scopes, then destroy the buffers that waited for it. */
  submit(work: { encoder: GPUCommandEncoder; labels: DispatchLabel[] }, what = 'a submit'): void {
    this.errors.scope(
      () => `${what} (${describe(work.labels)})`,
      () => this.device.queue.submit([work.encoder.finish()]),
    );
    stats.submits++;
    if (!this.encoder) this.destroyRetired();
  }

  /** Destroy `buffer` now, or after the open encoder (which may use it) is submitted. */
  retire(buffer: GPUBuffer): void {
    if (this.encoder) this.retired.push(buffer);
    else buffer.destroy();
  }

  /** The device is gone: drop the open work (it can no longer be submitted). */
  abandon(): void {
    this.encoder = null;
    this.pass = null;
    this.encoded = [];
    this.destroyRetired();
  }

  private destroyRetired(): void {
    for (const b of this.retired) b.destroy();
    this.retired = [];
  }
}

/** "3 dispatches: matmul_small_00 (12, 6, 1, 8 elements), …" (the first few). */
function describe(labels: DispatchLabel[]): string {
  if (labels.length === 0) return 'no dispatches';
  const shown = labels.slice(0, 4).map((l) => `${l.kernel} (${l.elements.join(', ')} elements)`);
  return `${labels.length} dispatch${labels.length === 1 ? '' : 'es'}: ${shown.join(', ')}${labels.length > 4 ? ', …' : ''}`;
}
