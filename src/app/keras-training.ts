// A lesson's training rules as the engine's Keras settings. Keras semantics map one to one; TensorFlow
// Playground's rules (semantics 'tfp') are expressed through equivalent Keras settings, derived here:
//
// TensorFlow Playground (its src/nn.ts, updateWeights), per batch of n examples, error E = ½(o − t)²:
//   w ← w − (lr/n)·Σ ∂E/∂w − lr·rate·R′(w),  R′(w) = w (L2) or sign(w) (L1);   b ← b − lr·mean ∂E/∂b
// (the regularization step is not divided by n; R′ takes w from before the data step). Keras `mse` over
// the batch, L = (1/n)·Σ(o − t)², so ∂L/∂w = (2/n)·Σ ∂E/∂w; SGD with rate η and a penalty P:
//   w ← w − η·(∂L/∂w + ∂P/∂w)
// • η = lr/2 gives the data term (lr/n)·Σ ∂E/∂w, and for a bias b ← b − lr·mean ∂E/∂b.
// • L2, P = c·Σw², ∂P/∂w = 2c·w: η·2c·w = lr·c·w must equal lr·rate·w, so c = rate.
// • L1, P = c·Σ|w|, ∂P/∂w = c·sign(w): (lr/2)·c·sign(w) = lr·rate·sign(w), so c = 2·rate.
//   TensorFlow Playground also sets a weight that its L1 step carries across 0 (w after the data step and
//   w' after the L1 step differ in sign) to exactly 0 and marks the link dead: no later update moves it,
//   and an edited dead weight keeps its new value, still dead. Keras has no such rule; the engine's
//   non-Keras regularizer option clipAtZero is that rule ({ l1: 2·rate, clipAtZero: true }, the live mask
//   kept with the optimizer's slots and saved in model files). Only SGD has tfp semantics, where it is exact.
// • The displayed loss, mean ½(o − t)², is half Keras's mse.
// • Initialization: weights uniform in [−0.5, 0.5], biases 0.1 (set after the layers are built).
// Biases are never regularized, in both.
import type { OptimizerOptions } from '../index';
import type { LayerSpec, LossName, TrainingSpec } from './lesson';

export interface KerasTraining {
  loss: LossName;
  /** Displayed loss = engine loss × lossScale. */
  lossScale: number;
  optimizer: OptimizerOptions;
  /** Per layer (lesson.model order), the Dense layer's kernelRegularizer. */
  kernelRegularizers: ({ l1: number; clipAtZero?: true } | { l2: number } | undefined)[];
  /** 'keras': the layers' own initializers (Glorot uniform, zero bias); else the values to set. */
  initialization: 'keras' | { kernelLimit: number; bias: number };
}

/** TensorFlow Playground's initial weights: uniform in ±0.5, biases 0.1. */
export const TFP_INITIALIZATION = { kernelLimit: 0.5, bias: 0.1 } as const;

export function kerasTraining(training: TrainingSpec, layers: readonly LayerSpec[]): KerasTraining {
  const tfp = training.semantics === 'tfp';
  const regularizer = (layer: LayerSpec): KerasTraining['kernelRegularizers'][number] => {
    const rate = layer.regularizationRate;
    if (layer.regularization === 'none' || rate === 0) return undefined;
    if (layer.regularization === 'L2') return { l2: rate };
    return tfp ? { l1: 2 * rate, clipAtZero: true } : { l1: rate };
  };
  const learningRate = tfp ? training.optimizer.learningRate / 2 : training.optimizer.learningRate;
  return {
    loss: training.loss,
    lossScale: tfp ? 0.5 : 1,
    optimizer: optimizerOptions(training, learningRate),
    kernelRegularizers: layers.map(regularizer),
    initialization: tfp ? TFP_INITIALIZATION : 'keras',
  };
}

/** The engine's optimizer options for the lesson's choice (momentum and Nesterov are SGD's options, as in Keras). */
function optimizerOptions(training: TrainingSpec, learningRate: number): OptimizerOptions {
  const o = training.optimizer;
  switch (o.kind) {
    case 'sgd':
      return { type: 'sgd', learningRate };
    case 'momentum':
      return { type: 'sgd', learningRate, momentum: o.momentum };
    case 'nesterov':
      return { type: 'sgd', learningRate, momentum: o.momentum, nesterov: true };
    case 'rmsprop':
      return { type: 'rmsprop', learningRate, rho: o.rho, epsilon: o.epsilon };
    case 'adam':
      return { type: 'adam', learningRate, beta1: o.beta1, beta2: o.beta2, epsilon: o.epsilon };
    case 'adagrad':
      return { type: 'adagrad', learningRate, epsilon: o.epsilon };
  }
}
