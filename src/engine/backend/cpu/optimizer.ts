// Optimizer updates (Keras semantics), in place. Regularization is folded into the gradient first:
// g ← g + l1·sign(w) + 2·l2·w. With clipAtZero (not Keras; TensorFlow Playground) a weight that the
// regularization share carries across 0 is set to 0 and dies (see Regularization.clipAtZero).
//
// Slots per kind (the caller allocates them with the parameter's shape):
//   sgd      1: velocity v (zeros). With momentum 0 it still holds −lr·g, and w ← w + v is plain SGD.
//   rmsprop  1: mean square s (zeros).
//   adam     2: first moment m, second moment v (zeros).
//   adagrad  1: accumulator a (filled with initialAccumulatorValue).
// A model with a clipAtZero regularizer gives every parameter one more, its live mask (LIVE_MASK_SLOT).
import type { OptimizerConfig, OptimizerKind, ParameterUpdate, Regularization } from '../backend';
import { cpu, fmt, sameShape } from './cpu-tensor';

export const SLOT_COUNTS: Record<OptimizerKind, number> = { sgd: 1, rmsprop: 1, adam: 2, adagrad: 1 };

export function applyUpdates(config: OptimizerConfig, updates: ParameterUpdate[], step: number): void {
  const kind = config.kind;
  const slotCount = SLOT_COUNTS[kind];
  if (slotCount === undefined) throw new Error(`applyUpdates: unknown optimizer "${kind}"`);
  updates.forEach((u, k) => {
    const w = cpu(u.param, 'applyUpdates', `param ${k}`);
    const grad = cpu(u.grad, 'applyUpdates', `grad ${k}`);
    if (!sameShape(w.shape, grad.shape)) throw new Error(`applyUpdates: param ${k} ${fmt(w.shape)} and its gradient ${fmt(grad.shape)} differ`);
    checkSlotCount(kind, u.slots.length, u.regularization, `param ${k}`, 'applyUpdates');
    const slots = u.slots.map((s, j) => {
      const st = cpu(s, 'applyUpdates', `slot ${j} of param ${k}`);
      if (!sameShape(st.shape, w.shape)) throw new Error(`applyUpdates: slot ${j} ${fmt(st.shape)} of param ${k} ${fmt(w.shape)} differs`);
      return st.data;
    });
    updateParameter(config, step, w.data, grad.data, slots[0], slotCount > 1 ? slots[1] : undefined, u.regularization, slots[slotCount]);
  });
}

/** `count` slots are the optimizer's, or those and a live mask (LIVE_MASK_SLOT); clipAtZero needs the mask. */
export function checkSlotCount(kind: OptimizerKind, count: number, r: Regularization, what: string, where: string): void {
  const own = SLOT_COUNTS[kind];
  if (count !== own && count !== own + 1) throw new Error(`${where}: ${kind} needs ${own} slot(s) for ${what}, got ${count}`);
  if (r.clipAtZero && count !== own + 1) throw new Error(`${where}: ${what}'s clipAtZero regularizer needs a live mask slot after ${kind}'s ${own}`);
}

/** No live mask (a model without clipAtZero): an array, so the update loop sees one argument type. */
const NO_LIVE_MASK = new Float32Array(0);

/**
 * One parameter's update in place: weights `wd` and their slots (`s1` for Adam's second moment) from the
 * gradient `gd`. Also the fused CPU dense step's update (backend/wasm/dense-step.ts), so it allocates nothing.
 */
export function updateParameter(
  config: OptimizerConfig,
  step: number,
  wd: Float32Array,
  gd: Float32Array | Float64Array,
  s0: Float32Array,
  s1: Float32Array | undefined,
  { l1, l2, clipAtZero }: Regularization,
  live: Float32Array = NO_LIVE_MASK,
): void {
  const { kind, learningRate: lr, momentum, nesterov, rho, beta1, beta2, epsilon } = config;
  // Adam's bias corrections use t = step + 1.
  const t = step + 1;
  const correction1 = 1 - Math.pow(beta1, t);
  const correction2 = 1 - Math.pow(beta2, t);
  const masked = live.length !== 0;
  const clip = clipAtZero === true;
  for (let i = 0; i < wd.length; i++) {
    // A dead weight (clipAtZero) is never updated again.
    if (masked && live[i] === 0) continue;
    const wi = wd[i];
    const g = gd[i] + l1 * Math.sign(wi) + 2 * l2 * wi;
    switch (kind) {
      case 'sgd': {
        const v = momentum * s0[i] - lr * g;
        s0[i] = v;
        wd[i] = nesterov ? wi + momentum * v - lr * g : wi + v;
        break;
      }
      case 'rmsprop': {
        const s = rho * s0[i] + (1 - rho) * g * g;
        s0[i] = s;
        wd[i] = wi - (lr * g) / Math.sqrt(s + epsilon);
        break;
      }
      case 'adam': {
        const m = beta1 * s0[i] + (1 - beta1) * g;
        const v = beta2 * s1![i] + (1 - beta2) * g * g;
        s0[i] = m;
        s1![i] = v;
        wd[i] = wi - (lr * (m / correction1)) / (Math.sqrt(v / correction2) + epsilon);
        break;
      }
      case 'adagrad': {
        const a = s0[i] + g * g;
        s0[i] = a;
        wd[i] = wi - (lr * g) / Math.sqrt(a + epsilon);
        break;
      }
    }
    if (clip) {
      // TensorFlow Playground: w after the data step, w' after the regularization step; w·w' < 0 kills it.
      const dataOnly = wd[i] + lr * (l1 * Math.sign(wi) + 2 * l2 * wi);
      if (dataOnly * wd[i] < 0) {
        wd[i] = 0;
        live[i] = 0;
      }
    }
  }
}
