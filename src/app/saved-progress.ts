// Where training stood inside the saved lesson, beyond the model's weights and optimizer state: the batch
// the epoch had reached, the training row the next batch starts at (the compiled trainer walks the rows
// cyclically), and early stopping's count, best value and epoch, with the best epoch's weights when it
// restores them. With these a saved lesson goes on exactly as training straight through would have.
import type { EarlyStoppingState, EncodedArray, ModelJSON } from '../index';
import { checkEncoded, decodeArray, describe, encodeArray, expectArray, expectObject } from '../nn/serialization';
import type { NetworkParams } from './store';

export interface SavedEarlyStopping extends EarlyStoppingState {
  /** The best epoch's weights (model-file arrays, the model's order), when restoreBestWeights and there is a best. */
  bestWeights: EncodedArray[] | null;
}

export interface TrainingProgress {
  /** Batches of the current epoch already run. */
  position: number;
  /** The training row the next batch starts at. */
  firstRow: number;
  earlyStopping: SavedEarlyStopping | null;
}

const where = 'progress';

function wholeNumber(value: unknown, field: string, min: number): number {
  if (!Number.isInteger(value) || (value as number) < min) throw new Error(`${where}.${field} is ${describe(value)}; expected a whole number ≥ ${min}`);
  return value as number;
}

/** The file's `progress` field checked, its best weights against the model's arrays; throws naming the field. */
export function checkSavedProgress(value: unknown, model: ModelJSON): TrainingProgress {
  const p = expectObject(value, where, '{ position, firstRow, earlyStopping }');
  const progress: TrainingProgress = { position: wholeNumber(p.position, 'position', 0), firstRow: wholeNumber(p.firstRow, 'firstRow', 0), earlyStopping: null };
  if (p.earlyStopping === null || p.earlyStopping === undefined) return progress;
  const field = `${where}.earlyStopping`;
  const es = expectObject(p.earlyStopping, field, '{ wait, best, bestEpoch, bestWeights } or null');
  const bestEpoch = wholeNumber(es.bestEpoch, 'earlyStopping.bestEpoch', -1);
  const best = es.best;
  if (!(best === null || (typeof best === 'number' && Number.isFinite(best))) || (best === null) !== (bestEpoch < 0)) {
    throw new Error(`${field}.best is ${describe(best)}; expected a finite number (null only before a best epoch, bestEpoch −1)`);
  }
  let bestWeights: EncodedArray[] | null = null;
  if (es.bestWeights !== null && es.bestWeights !== undefined) {
    const list = expectArray(es.bestWeights, `${field}.bestWeights`, "the model's weights as { name, shape, base64 }, or null");
    if (list.length !== model.weights.length) throw new Error(`${field}.bestWeights has ${list.length} arrays; expected the model's ${model.weights.length}`);
    list.forEach((w, i) => {
      checkEncoded(w, `${field}.bestWeights[${i}]`);
      const mine = w as EncodedArray;
      const theirs = model.weights[i];
      if (mine.name !== theirs.name || mine.shape.join() !== theirs.shape.join()) {
        throw new Error(`${field}.bestWeights[${i}] is "${mine.name}" [${mine.shape.join(', ')}]; expected the model's "${theirs.name}" [${theirs.shape.join(', ')}]`);
      }
    });
    bestWeights = list as EncodedArray[];
  }
  return { ...progress, earlyStopping: { wait: wholeNumber(es.wait, 'earlyStopping.wait', 0), best: best as number | null, bestEpoch, bestWeights } };
}

/** Every weight of network parameters as arrays in the model's order (getWeights' layout). */
export function networkParamArrays({ weights, biases, tensors }: NetworkParams): { shape: number[]; values: Float32Array }[] {
  if (tensors) return tensors.map((t) => ({ shape: [...t.shape], values: Float32Array.from(t.values) }));
  return weights.flatMap((kernel, l) => [
    { shape: [kernel.length, kernel[0]?.length ?? 0], values: Float32Array.from(kernel.flat()) },
    { shape: [biases[l + 1]?.length ?? 0], values: Float32Array.from(biases[l + 1] ?? []) },
  ]);
}

/** Network parameters for setParams from saved arrays (model-file order). */
export function paramsOfArrays(arrays: readonly EncodedArray[]): NetworkParams {
  return { weights: [], biases: [[]], tensors: arrays.map((a) => decodeArray(a, 'progress.earlyStopping.bestWeights')) };
}

/** Network parameters as model-file arrays named after the model's weights. */
export function arraysOfParams(params: NetworkParams, model: ModelJSON): EncodedArray[] {
  return networkParamArrays(params).map((w, i) => encodeArray({ name: model.weights[i]?.name ?? `weight_${i}`, shape: w.shape, values: w.values }));
}
