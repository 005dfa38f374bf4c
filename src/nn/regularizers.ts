// L1/L2 weight penalties. The update kernel folds their gradient into each parameter's update
// (applyUpdates' Regularization), so the penalty is added to the reported loss without autograd.
import type { Regularization } from '../engine/backend/backend';
import * as ops from '../engine/ops';
import { noGrad, type Tensor } from '../engine/tensor';

export interface RegularizerConfig {
  l1?: number;
  l2?: number;
  /** Not Keras: TensorFlow Playground's zero-crossing rule, see the engine's Regularization.clipAtZero. */
  clipAtZero?: boolean;
}

export const NO_REGULARIZATION: Regularization = { l1: 0, l2: 0, clipAtZero: false };

export function checkRegularizer(value: unknown, where: string): Regularization {
  if (value === undefined || value === null) return NO_REGULARIZATION;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`${where}: expected { l1?: number, l2?: number, clipAtZero?: boolean }, got ${JSON.stringify(value)}`);
  }
  const { l1 = 0, l2 = 0, clipAtZero = false, ...rest } = value as RegularizerConfig;
  const extra = Object.keys(rest);
  if (extra.length) throw new Error(`${where}: unknown key "${extra[0]}"; expected l1, l2 and/or clipAtZero`);
  for (const [key, v] of [['l1', l1], ['l2', l2]] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new Error(`${where}.${key}: expected a finite number ≥ 0, got ${JSON.stringify(v)}`);
    }
  }
  if (typeof clipAtZero !== 'boolean') throw new Error(`${where}.clipAtZero: expected true or false, got ${JSON.stringify(clipAtZero)}`);
  if (clipAtZero && l1 === 0) throw new Error(`${where}.clipAtZero: clips what L1 pushes across 0, so it needs l1 > 0`);
  return { l1, l2, clipAtZero };
}

/** Whether a model with these parameters keeps a live mask slot per parameter (see LIVE_MASK_SLOT). */
export function needsLiveMask(params: readonly { regularization: Regularization }[]): boolean {
  return params.some((p) => p.regularization.clipAtZero === true);
}

export function isRegularized(r: Regularization): boolean {
  return r.l1 !== 0 || r.l2 !== 0;
}

/** Σ over parameters of l1·Σ|w| + l2·Σw², a [] scalar on the device, or null when nothing is regularized. */
export function regularizationPenalty(params: readonly { variable: Tensor; regularization: Regularization }[]): Tensor | null {
  return noGrad(() => {
    let total: Tensor | null = null;
    for (const { variable: w, regularization: r } of params) {
      if (r.l1) total = accumulate(total, ops.mul(ops.fill([], r.l1), ops.sum(ops.abs(w))));
      if (r.l2) total = accumulate(total, ops.mul(ops.fill([], r.l2), ops.sum(ops.square(w))));
    }
    return total;
  });
}

/** The regularization gradient l1·sign(w) + 2·l2·w, as the update kernel adds it (for inspection). */
export function regularizationGradient(w: Tensor, r: Regularization): Tensor | null {
  if (!isRegularized(r)) return null;
  return noGrad(() => ops.add(ops.mul(ops.fill([], r.l1), ops.sign(w)), ops.mul(ops.fill([], 2 * r.l2), w)));
}

function accumulate(total: Tensor | null, term: Tensor): Tensor {
  return total ? ops.add(total, term) : term;
}
