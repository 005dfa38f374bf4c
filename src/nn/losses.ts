// Loss names, which output activation folds into the loss (computed from logits), and checking
// that targets fit the loss and the model's output before anything reaches the device.
import type { LossInfo, LossKind } from '../engine/backend/backend';
import type { Activation } from './activations';
import { formatShape, type HostArray } from './host-array';

export const LOSSES: readonly LossKind[] = [
  'mse',
  'mae',
  'huber',
  'binary_crossentropy',
  'categorical_crossentropy',
  'sparse_categorical_crossentropy',
];

/** Keras's long names map to the short ones. */
const ALIASES: Record<string, LossKind> = {
  mean_squared_error: 'mse',
  mean_absolute_error: 'mae',
  meanSquaredError: 'mse',
  meanAbsoluteError: 'mae',
  binaryCrossentropy: 'binary_crossentropy',
  categoricalCrossentropy: 'categorical_crossentropy',
  sparseCategoricalCrossentropy: 'sparse_categorical_crossentropy',
};

export function checkLoss(value: unknown): LossKind {
  if (typeof value === 'string') {
    if ((LOSSES as readonly string[]).includes(value)) return value as LossKind;
    if (value in ALIASES) return ALIASES[value];
  }
  throw new Error(`compile: unknown loss ${JSON.stringify(value)}; expected one of ${LOSSES.join(', ')}`);
}

/**
 * The loss kernel's input: with a sigmoid output and binary cross-entropy, or a softmax output and
 * (sparse) categorical cross-entropy, the model feeds the pre-activation logits (more stable, same values).
 */
export function lossInfo(kind: LossKind, outputActivation: Activation): LossInfo {
  const fromLogits =
    (kind === 'binary_crossentropy' && outputActivation === 'sigmoid') ||
    ((kind === 'categorical_crossentropy' || kind === 'sparse_categorical_crossentropy') && outputActivation === 'softmax');
  return { kind, fromLogits };
}

/**
 * Targets shaped for the loss kernel: [N, ...outputShape], or [N] class indices for the sparse loss.
 * A 1-D y for a one-unit output becomes [N, 1] (as Keras accepts). Throws naming `arg` and what was expected.
 */
export function prepareTargets(y: HostArray, kind: LossKind, outputShape: readonly number[], rows: number, arg = 'y'): HostArray {
  if (y.shape[0] !== rows) throw new Error(`${arg}: ${y.shape[0]} rows, but x has ${rows}; expected one target per example`);
  const units = outputShape[outputShape.length - 1];
  if (kind === 'sparse_categorical_crossentropy') {
    if (outputShape.length !== 1) throw new Error(`${arg}: sparse_categorical_crossentropy needs a [N, classes] output, the model gives ${formatShape([null, ...outputShape])}`);
    if (!(y.shape.length === 1 || (y.shape.length === 2 && y.shape[1] === 1))) {
      throw new Error(`${arg}: sparse_categorical_crossentropy expects class indices of shape [${rows}], got ${formatShape(y.shape)}`);
    }
    y.values.forEach((v, i) => {
      if (!Number.isInteger(v) || v < 0 || v >= units) {
        throw new Error(`${arg}: label ${v} at row ${i} is not a class index in [0, ${units}) (the output layer has ${units} units)`);
      }
    });
    return { shape: [rows], values: y.values };
  }
  const expected = [rows, ...outputShape];
  const shaped = y.shape.length === 1 && outputShape.length === 1 && units === 1 ? { shape: [rows, 1], values: y.values } : y;
  if (shaped.shape.length !== expected.length || shaped.shape.some((d, i) => d !== expected[i])) {
    const hint = kind === 'categorical_crossentropy' ? ` (one-hot rows of width ${units}; use sparse_categorical_crossentropy for class indices)` : '';
    throw new Error(`${arg}: expected shape ${formatShape(expected)} to match the model's output${hint}, got ${formatShape(y.shape)}`);
  }
  if (kind === 'binary_crossentropy') {
    const bad = shaped.values.findIndex((v) => v < 0 || v > 1);
    if (bad >= 0) throw new Error(`${arg}: binary_crossentropy labels must lie in [0, 1], got ${shaped.values[bad]} at flat index ${bad}`);
  }
  if (kind === 'categorical_crossentropy') {
    const bad = shaped.values.findIndex((v) => v < 0);
    if (bad >= 0) throw new Error(`${arg}: categorical_crossentropy targets must be non-negative (one-hot or probabilities), got ${shaped.values[bad]} at flat index ${bad}`);
  }
  return shaped;
}
