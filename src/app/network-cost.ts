// What a training step costs depends on the network's shape, not on its settings: a measurement of the
// paths' rates (backend-choice.ts) holds for every network of one cost class, and only for those.
import { summarizeStack } from './image-stack';
import type { NetworkSpec } from './trainer';

/**
 * A key equal for two specs exactly when their steps do the same work: the input shape, the layer stack,
 * each dense layer's units, activation and whether it has dropout or a penalty, the rows per step, the loss,
 * optimizer and rules. Rates, seeds, initialization, validation split and early stopping leave it alone.
 */
export function costClass(spec: NetworkSpec): string {
  const { loss, optimizer, semantics } = spec.training;
  return JSON.stringify([
    spec.inputShape,
    spec.stack ?? [],
    spec.layers.map((l) => [l.units, l.activation, l.dropout > 0, l.regularization]),
    spec.batchRows,
    loss,
    optimizer.kind,
    semantics,
  ]);
}

/** The network's weights and biases: its convolutional stack's (Keras's count) and then each dense layer's. */
export function parameterCount(spec: NetworkSpec): number {
  const stack = spec.stack ? summarizeStack(spec.inputShape, spec.stack) : null;
  const output = stack?.rows.at(-1)?.outputShape ?? spec.inputShape;
  // Dense layers act on the last axis (after a Flatten, the only one).
  let inputs = output.at(-1) ?? spec.inputs;
  let count = stack?.totalParams ?? 0;
  for (const layer of spec.layers) {
    count += (inputs + 1) * layer.units;
    inputs = layer.units;
  }
  return count;
}
