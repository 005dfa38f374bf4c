// A model with TensorFlow Playground's zero-crossing rule (clipAtZero) exports: PyTorch has no such rule, so
// its live masks stay out of the script's optimizer state while the optimizer's own slots go in.
import { describe, expect, it } from 'vitest';
import { exportPyTorch, layers, Sequential, setBackend } from '../../../src/index';

describe('export of a model with clipAtZero', () => {
  it('the PyTorch script carries the optimizer slots and no live mask', async () => {
    await setBackend('cpu');
    const model = new Sequential([layers.input({ shape: [2] }), layers.dense({ units: 3, activation: 'tanh', kernelRegularizer: { l1: 0.2, clipAtZero: true } }), layers.dense({ units: 1 })], { seed: 2 });
    model.compile({ optimizer: { type: 'sgd', learningRate: 0.1, momentum: 0.5 }, loss: 'mse' });
    await model.trainOnBatch([[1, 2], [-1, 0.5]], [1, -1]);
    expect((await model.toJSON()).optimizerState!.slots.map((s) => s.name)).toContain('dense/kernel/live');
    const script = await exportPyTorch(model);
    expect(script).toContain('"dense/kernel/velocity"');
    expect(script).not.toContain('/live');
    expect(script).not.toContain('undefined');
  });
});
