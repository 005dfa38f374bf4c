// The CPU backend's tensor handle: a shape over a Float32Array (shared by reshapes, counted in `storage`).
import type { Shape, TensorHandle } from '../backend';
import { shapeSize } from '../../shape';

/** Live handles over one array: the array goes back to the pool when the last is disposed. */
export interface Storage {
  handles: number;
}

export class CpuTensor implements TensorHandle {
  readonly size: number;
  disposed = false;

  constructor(
    readonly shape: Shape,
    readonly data: Float32Array,
    readonly storage: Storage = { handles: 1 },
  ) {
    this.size = shapeSize(shape);
    if (data.length !== this.size) {
      throw new Error(`CpuTensor: ${data.length} values for shape [${shape.join(', ')}] (${this.size} expected)`);
    }
  }
}

/** The handle as a live CpuTensor, or an Error naming the kernel and the argument. */
export function cpu(h: TensorHandle, kernel: string, arg: string): CpuTensor {
  if (!(h instanceof CpuTensor)) throw new Error(`${kernel}: ${arg} is not a CPU tensor`);
  if (h.disposed) throw new Error(`${kernel}: ${arg} [${h.shape.join(', ')}] was used after dispose`);
  return h;
}

export function checkShape(shape: Shape, kernel: string): void {
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new Error(`${kernel}: shape must be a list of non-negative integers, got [${String(shape)}]`);
  }
}

export function fmt(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
