// A table of broken model files: each gives an Error naming the field, what it held and what was expected.
import { beforeAll, describe, expect, it } from 'vitest';
import { layers, Sequential, setBackend, type ModelJSON } from '../../../src/index';
import { checkModelJSON, encodeFloat32 } from '../../../src/nn/serialization';

let valid: ModelJSON;
beforeAll(async () => {
  setBackend('cpu');
  const model = new Sequential([layers.input({ shape: [2] }), layers.dense({ units: 3, activation: 'relu' }), layers.dense({ units: 1, activation: 'sigmoid' })], { seed: 3 });
  model.compile({ optimizer: 'adam', loss: 'binary_crossentropy', metrics: ['accuracy'] });
  await model.trainOnBatch([[1, 2]], [1]);
  valid = JSON.parse(JSON.stringify(await model.toJSON()));
});

/** A deep copy of the valid file with `edit` applied. */
function broken(edit: (m: Record<string, any>) => void): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(valid));
  edit(copy);
  return copy;
}

describe('model file validation', () => {
  const cases: [string, () => unknown, string | RegExp][] = [
    ['not JSON', () => '{"format": "webgpu-nn', /^fromJSON: not valid JSON \(/],
    ['a JSON number', () => '42', 'fromJSON is 42; expected a model JSON object (from model.toJSON()) or its text'],
    ['an array', () => [], 'fromJSON is an array of 0; expected a model JSON object'],
    ['another format', () => broken((m) => (m.format = 'keras')), 'fromJSON: format is "keras"; expected "webgpu-nn-playground/sequential"'],
    ['missing format', () => broken((m) => delete m.format), 'fromJSON: format is missing; expected "webgpu-nn-playground/sequential"'],
    ['a future version', () => broken((m) => (m.version = 3)), 'fromJSON: version 3 is not supported; expected 1 or 2'],
    ['version as text', () => broken((m) => (m.version = '2')), 'fromJSON: version "2" is not supported; expected 1 or 2'],
    ['missing seed', () => broken((m) => delete m.seed), 'fromJSON: seed is missing; expected an integer'],
    ['layers not a list', () => broken((m) => (m.layers = {})), 'fromJSON: layers is an object; expected a list of { type, config }'],
    ['a layer without config', () => broken((m) => delete m.layers[1].config), 'fromJSON: layers[1].config is missing; expected an object of layer options'],
    ['an unknown layer type', () => broken((m) => (m.layers[1].type = 'Dense3D')), /^fromJSON: layers\[1\] \(Dense3D\): unknown layer type "Dense3D"; expected one of InputLayer, Dense/],
    ['a bad layer option', () => broken((m) => (m.layers[1].config.units = -3)), 'fromJSON: layers[1] (Dense): dense "dense": units: expected a positive integer, got -3'],
    ['an unknown activation', () => broken((m) => (m.layers[2].config.activation = 'gelu')), /^fromJSON: layers\[2\] \(Dense\): dense "dense_1": unknown activation "gelu"; expected one of linear, relu/],
    ['an unknown loss', () => broken((m) => (m.compile.loss = 'hinge')), /^fromJSON: compile: unknown loss "hinge"; expected one of mse/],
    ['compile without metrics', () => broken((m) => delete m.compile.metrics), 'fromJSON: compile.metrics is missing; expected a list of metric names'],
    ['a weight without base64', () => broken((m) => delete m.weights[0].base64), 'fromJSON: weights[0].base64 is missing; expected a string'],
    ['a weight shape with 0', () => broken((m) => (m.weights[0].shape = [2, 0])), 'fromJSON: weights[0].shape is an array of 2; expected a list of positive integers'],
    [
      'values that do not fill the shape',
      () => broken((m) => (m.weights[0].shape = [2, 4])),
      'fromJSON: weights[0] "dense/kernel": base64 holds 24 bytes; expected 32 (8 float32 values for shape [2, 4])',
    ],
    ['not base64', () => broken((m) => (m.weights[1].base64 = 'AAA!AAAAAAAAAAAA')), 'fromJSON: weights[1] "dense/bias": base64 is not base64 text'],
    [
      'a weight of the wrong shape for the layer',
      () =>
        broken((m) => {
          m.weights[0].shape = [3, 2];
        }),
      'fromJSON: weights[0] "dense/kernel" has shape [3, 2]; expected [2, 3]',
    ],
    ['a missing weight', () => broken((m) => m.weights.pop()), 'fromJSON: 3 weights; expected 4 for these layers (dense/kernel, dense/bias, dense_1/kernel, dense_1/bias)'],
    ['weights in another order', () => broken((m) => m.weights.reverse()), 'fromJSON: weights[0] is "dense_1/bias"; expected "dense/kernel"'],
    [
      'a NaN weight',
      () => broken((m) => (m.weights[1].base64 = encodeFloat32(Float32Array.of(0, NaN, 0)))),
      'fromJSON: weights[1] "dense/bias": value NaN at flat index 1; expected finite numbers (had training diverged when it was saved?)',
    ],
    ['version 2 without optimizerState', () => broken((m) => delete m.optimizerState), 'fromJSON: optimizerState is missing; expected { step, slots } or null'],
    ['a negative step', () => broken((m) => (m.optimizerState.step = -1)), 'fromJSON: optimizerState.step is -1; expected an integer ≥ 0'],
    [
      'slots of another optimizer',
      () => broken((m) => (m.compile.optimizer.type = 'sgd')),
      'fromJSON: optimizerState: 8 optimizer slots; expected 4 for sgd (dense/kernel/velocity, dense/bias/velocity, dense_1/kernel/velocity, dense_1/bias/velocity)',
    ],
    ['a renamed slot', () => broken((m) => (m.optimizerState.slots[1].name = 'dense/kernel/velocity')), 'fromJSON: optimizerState: slots[1] is "dense/kernel/velocity"; expected "dense/kernel/v"'],
    ['a slot of the wrong shape', () => broken((m) => (m.optimizerState.slots[2].shape = [1, 3])), 'fromJSON: optimizerState: slots[2] "dense/bias/m" has shape [1, 3]; expected [3]'],
    ['optimizer state without compile', () => broken((m) => (m.compile = null)), 'fromJSON: optimizerState is given but compile is null; expected compile with the optimizer it belongs to'],
    ['huge text', () => ' '.repeat(300 * 2 ** 20), `fromJSON: the file is ${300 * 2 ** 20} characters; expected at most ${256 * 2 ** 20} bytes`],
  ];

  it.each(cases)('%s', (_name, file, message) => {
    expect(() => Sequential.fromJSON(file())).toThrow(message);
  });

  it('weights larger than the limit are refused before decoding', () => {
    // A [512, 512] kernel: 2^20 bytes of zeros as base64 (2^20 = 3k + 1 bytes: k 'AAAA' groups and 'AA==').
    const big = broken((f) => {
      f.weights[0].shape = [512, 512];
      f.weights[0].base64 = 'AAAA'.repeat(Math.floor(2 ** 20 / 3)) + 'AA==';
    });
    expect(() => checkModelJSON(big, 'fromJSON', 2 ** 20)).toThrow(/^fromJSON: \d+ float32 values \(\d+ bytes\) exceed the limit of 1048576 bytes$/);
    expect(() => checkModelJSON(big, 'fromJSON', 2 ** 21)).not.toThrow();
  });

  it('a version-1 file (no optimizer state) still loads, with fresh slots', async () => {
    const v1 = broken((m) => {
      m.version = 1;
      delete m.optimizerState;
    });
    const loaded = Sequential.fromJSON(v1);
    expect((await loaded.toJSON()).optimizerState).toBeNull();
    expect(await loaded.predict([[0.5, -1]])).toEqual(await Sequential.fromJSON(valid).predict([[0.5, -1]]));
  });
});
