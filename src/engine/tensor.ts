// Tensors and reverse-mode autograd. Each op (see ops.ts) builds a Tensor whose `backward`
// maps the gradient of its output to gradients of its inputs; `grad()` walks the graph
// in reverse topological order and sums what arrives at each input.
import type { Backend, Shape, TensorHandle } from './backend/backend';
import { activeBackend } from './registry';

export type VJP = (dy: Tensor) => (Tensor | null)[];

let nextId = 0;
let gradDepth = 0; // > 0 inside noGrad
/** The tensors created inside each enclosing `tidy`, innermost last. */
const scopes: Set<Tensor>[] = [];

export class Tensor {
  readonly id = nextId++;
  readonly shape: Shape;
  readonly size: number;
  /** The backend that made the handle: reads and dispose go there, whichever backend is active later. */
  readonly backend: Backend = activeBackend();

  constructor(
    readonly handle: TensorHandle,
    /** Inputs this tensor was computed from (empty for leaves). */
    readonly inputs: readonly Tensor[] = [],
    /** Vector-Jacobian product: one gradient per input, null where the input needs none. */
    readonly vjp: VJP | null = null,
    /** Leaves that gradients are taken with respect to (parameters, inputs under test). */
    readonly requiresGrad = false,
  ) {
    this.shape = handle.shape;
    this.size = handle.size;
    scopes.at(-1)?.add(this);
  }

  get rank(): number {
    return this.shape.length;
  }

  /** Asynchronous copy of the values to the host. */
  data(): Promise<Float32Array> {
    return this.backend.read(this.handle);
  }

  dispose(): void {
    this.backend.dispose(this.handle);
  }
}

/** True when gradients should be tracked for ops on these inputs. */
export function tracking(inputs: readonly Tensor[]): boolean {
  return gradDepth === 0 && inputs.some((t) => t.requiresGrad || t.vjp !== null);
}

/** Build an op's output: attach the vjp only when some input needs a gradient. */
export function result(handle: TensorHandle, inputs: readonly Tensor[], vjp: VJP): Tensor {
  return tracking(inputs) ? new Tensor(handle, inputs, vjp) : new Tensor(handle);
}

/** Run `fn` without recording any graph (inference). */
export function noGrad<T>(fn: () => T): T {
  gradDepth++;
  try {
    return fn();
  } finally {
    gradDepth--;
  }
}

/**
 * Run `fn` and dispose every tensor it created except those it returns (a tensor, or arrays and plain
 * objects of them), which pass to the enclosing tidy if any. Device memory is freed only by dispose (the WebGPU
 * backend keeps every live buffer for device-loss recovery), so per-step and per-frame work on the
 * device runs inside one. Tensors that must outlive it (weights, optimizer slots) are created before.
 */
export function tidy<T>(fn: () => T): T {
  const created = new Set<Tensor>();
  scopes.push(created);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    scopes.pop();
    for (const t of created) if (!t.handle.disposed) t.dispose();
    throw e;
  }
  scopes.pop();
  const kept = new Set(tensorsIn(result));
  for (const t of created) if (!kept.has(t) && !t.handle.disposed) t.dispose();
  const outer = scopes.at(-1);
  if (outer) for (const t of kept) if (created.has(t)) outer.add(t);
  return result;
}

/** The tensors in a value: itself, or inside arrays and plain objects (class instances are not searched). */
export function tensorsIn(value: unknown): Tensor[] {
  if (value instanceof Tensor) return [value];
  if (Array.isArray(value)) return value.flatMap(tensorsIn);
  const proto = value && typeof value === 'object' ? Object.getPrototypeOf(value) : undefined;
  if (proto === Object.prototype || proto === null) return Object.values(value as object).flatMap(tensorsIn);
  return [];
}

/** Dispose each distinct tensor in `value` (as tensorsIn finds them) except `keep`: results read back. */
export function disposeAll(value: unknown, keep: readonly Tensor[] = []): void {
  const spare = new Set(keep);
  for (const t of new Set(tensorsIn(value))) if (!spare.has(t) && !t.handle.disposed) t.dispose();
}

export function backend(): Backend {
  return activeBackend();
}

/**
 * Gradients of the scalar `loss` with respect to each of `wrt`, via reverse topological order.
 * `seed` is dL/dloss (ones when omitted). Returns a tensor for every entry of `wrt` (zeros when unreached).
 */
export function grad(loss: Tensor, wrt: readonly Tensor[], seed?: Tensor): Tensor[] {
  const b = activeBackend();
  const order: Tensor[] = [];
  const seen = new Set<number>();
  const visit = (t: Tensor): void => {
    if (seen.has(t.id)) return;
    seen.add(t.id);
    for (const input of t.inputs) visit(input);
    order.push(t);
  };
  visit(loss);

  const grads = new Map<number, Tensor>();
  grads.set(loss.id, seed ?? new Tensor(b.fill(loss.shape, 1)));
  return noGrad(() => {
    for (let i = order.length - 1; i >= 0; i--) {
      const t = order[i];
      const dy = grads.get(t.id);
      if (!dy || !t.vjp) continue;
      const dxs = t.vjp(dy);
      t.inputs.forEach((input, k) => {
        const dx = dxs[k];
        if (!dx) return;
        const prev = grads.get(input.id);
        grads.set(input.id, prev ? new Tensor(b.binary('add', prev.handle, dx.handle)) : dx);
      });
    }
    return wrt.map((w) => grads.get(w.id) ?? new Tensor(b.fill(w.shape, 0)));
  });
}
