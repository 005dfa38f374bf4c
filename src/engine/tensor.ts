// Tensors and reverse-mode autograd. Each op (see ops.ts) builds a Tensor whose `backward`
// maps the gradient of its output to gradients of its inputs; `grad()` walks the graph
// in reverse topological order and sums what arrives at each input.
import type { Backend, Shape, TensorHandle } from './backend/backend';
import { activeBackend } from './registry';

export type VJP = (dy: Tensor) => (Tensor | null)[];

let nextId = 0;
let gradDepth = 0; // > 0 inside noGrad

export class Tensor {
  readonly id = nextId++;
  readonly shape: Shape;
  readonly size: number;

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
  }

  get rank(): number {
    return this.shape.length;
  }

  /** Asynchronous copy of the values to the host. */
  data(): Promise<Float32Array> {
    return activeBackend().read(this.handle);
  }

  dispose(): void {
    activeBackend().dispose(this.handle);
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
