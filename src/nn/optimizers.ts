// Optimizer configs with Keras's defaults, and the per-parameter slots the update kernel reads and writes.
import type { OptimizerConfig, OptimizerKind, TensorHandle } from '../engine/backend/backend';
import { activeBackend } from '../engine/registry';

export interface OptimizerOptions {
  type: OptimizerKind;
  learningRate?: number;
  momentum?: number;
  nesterov?: boolean;
  rho?: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  initialAccumulatorValue?: number;
}

export type OptimizerSpec = OptimizerKind | OptimizerOptions;

const BASE = { momentum: 0, nesterov: false, rho: 0.9, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, initialAccumulatorValue: 0.1 };

/** Keras's defaults per optimizer. */
export const OPTIMIZER_DEFAULTS: Record<OptimizerKind, OptimizerConfig> = {
  sgd: { ...BASE, kind: 'sgd', learningRate: 0.01 },
  rmsprop: { ...BASE, kind: 'rmsprop', learningRate: 0.001 },
  adam: { ...BASE, kind: 'adam', learningRate: 0.001 },
  adagrad: { ...BASE, kind: 'adagrad', learningRate: 0.001 },
};

/** Slots per parameter, in the order the update kernel expects (see the Backend's applyUpdates). */
export const SLOT_COUNTS: Record<OptimizerKind, number> = { sgd: 1, rmsprop: 1, adam: 2, adagrad: 1 };

export function checkOptimizer(spec: unknown): OptimizerConfig {
  const kinds = Object.keys(OPTIMIZER_DEFAULTS).join(', ');
  const options = typeof spec === 'string' ? { type: spec } : spec;
  if (typeof options !== 'object' || options === null) throw new Error(`compile: optimizer must be a name or { type, ... }; expected one of ${kinds}`);
  const { type, ...rest } = options as Record<string, unknown>;
  if (typeof type !== 'string' || !(type in OPTIMIZER_DEFAULTS)) {
    throw new Error(`compile: unknown optimizer ${JSON.stringify(type)}; expected one of ${kinds}`);
  }
  const config: OptimizerConfig = { ...OPTIMIZER_DEFAULTS[type as OptimizerKind] };
  for (const [key, value] of Object.entries(rest)) {
    if (!(key in config) || key === 'kind') throw new Error(`compile: optimizer option "${key}" is not one of ${Object.keys(BASE).concat('learningRate').join(', ')}`);
    if (key === 'nesterov') {
      if (typeof value !== 'boolean') throw new Error(`compile: optimizer.nesterov must be a boolean, got ${JSON.stringify(value)}`);
    } else if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new Error(`compile: optimizer.${key} must be a finite number ≥ 0, got ${JSON.stringify(value)}`);
    }
    (config as unknown as Record<string, unknown>)[key] = value;
  }
  return config;
}

/** Fresh slots for one parameter shape: zeros, except Adagrad's accumulator (initialAccumulatorValue). */
export function createSlots(config: OptimizerConfig, shape: readonly number[]): TensorHandle[] {
  const b = activeBackend();
  const init = config.kind === 'adagrad' ? config.initialAccumulatorValue : 0;
  return Array.from({ length: SLOT_COUNTS[config.kind] }, () => b.fill(shape, init));
}
