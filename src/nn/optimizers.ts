// Optimizer configs with Keras's defaults, the per-parameter slots the update kernel reads and writes,
// and saving/restoring those slots with the step counter (model files continue training exactly).
import { LIVE_MASK_SLOT, type OptimizerConfig, type OptimizerKind, type TensorHandle } from '../engine/backend/backend';
import { activeBackend } from '../engine/registry';
import { formatShape } from './host-array';
import type { WeightValue } from './serialization';
import { counterBits, counterValue } from '../engine/counter';

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

/**
 * Slots per parameter, in the order the update kernel expects (see the Backend's applyUpdates): SGD's
 * velocity v (w += v), RMSprop's mean square, Adam's first and second moments, Adagrad's accumulator.
 */
export const SLOT_NAMES: Record<OptimizerKind, readonly string[]> = {
  sgd: ['velocity'],
  rmsprop: ['meanSquare'],
  adam: ['m', 'v'],
  adagrad: ['accumulator'],
};

export const SLOT_COUNTS: Record<OptimizerKind, number> = {
  sgd: SLOT_NAMES.sgd.length,
  rmsprop: SLOT_NAMES.rmsprop.length,
  adam: SLOT_NAMES.adam.length,
  adagrad: SLOT_NAMES.adagrad.length,
};

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

/**
 * Fresh slots for one parameter shape: zeros, except Adagrad's accumulator (initialAccumulatorValue); with
 * `liveMask` (a model with a clipAtZero regularizer) then the live mask, all live (ones).
 */
export function createSlots(config: OptimizerConfig, shape: readonly number[], liveMask = false): TensorHandle[] {
  const b = activeBackend();
  const init = config.kind === 'adagrad' ? config.initialAccumulatorValue : 0;
  const slots = Array.from({ length: SLOT_COUNTS[config.kind] }, () => b.fill(shape, init));
  return liveMask ? [...slots, b.fill(shape, 1)] : slots;
}

/** Slot j's name: the optimizer's own, then the live mask's. */
function slotName(kind: OptimizerKind, j: number): string {
  return SLOT_NAMES[kind][j] ?? LIVE_MASK_SLOT;
}

/** The slots of the parameters named `paramNames` (in order) and the step counter, read from the device. */
export async function readOptimizerState(
  kind: OptimizerKind,
  paramNames: readonly string[],
  slots: readonly TensorHandle[][],
  counter: TensorHandle,
): Promise<{ step: number; slots: WeightValue[] }> {
  const b = activeBackend();
  const named = slots.flatMap((perParam, i) => perParam.map((h, j) => ({ name: `${paramNames[i]}/${slotName(kind, j)}`, h })));
  const values = await Promise.all(named.map(({ h }) => b.read(h)));
  const step = counterValue(await b.read(counter));
  return { step, slots: named.map(({ name, h }, i) => ({ name, shape: h.shape.slice(), values: values[i] })) };
}

/**
 * Overwrites the slots and the counter with saved ones. Names and shapes must match the model's trainable
 * parameters and the optimizer kind; an Error (prefixed `where`) names the first that does not.
 */
export function writeOptimizerState(
  kind: OptimizerKind,
  paramNames: readonly string[],
  slots: readonly TensorHandle[][],
  counter: TensorHandle,
  saved: { step: number; slots: readonly WeightValue[] },
  where: string,
): void {
  const expected = slots.flatMap((perParam, i) => perParam.map((h, j) => ({ name: `${paramNames[i]}/${slotName(kind, j)}`, h })));
  if (saved.slots.length !== expected.length) {
    throw new Error(`${where}: ${saved.slots.length} optimizer slots; expected ${expected.length} for ${kind} (${expected.map((e) => e.name).join(', ') || 'none'})`);
  }
  expected.forEach((e, i) => {
    const s = saved.slots[i];
    if (s.name !== e.name) throw new Error(`${where}: slots[${i}] is "${s.name}"; expected "${e.name}"`);
    if (formatShape(s.shape) !== formatShape(e.h.shape)) throw new Error(`${where}: slots[${i}] "${s.name}" has shape ${formatShape(s.shape)}; expected ${formatShape(e.h.shape)}`);
  });
  const b = activeBackend();
  const assign = (target: TensorHandle, values: Float32Array): void => {
    const source = b.upload(values, target.shape);
    b.assign(target, source);
    b.dispose(source);
  };
  expected.forEach((e, i) => assign(e.h, saved.slots[i].values));
  assign(counter, counterBits(saved.step));
}
