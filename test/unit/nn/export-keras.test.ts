// The Keras export (Keras itself is not installable here): Debian's python3 byte-compiles each script and parses
// it with `ast`; its layer list, compile call and weight table must match the model, layer by layer.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportKeras, layers, Sequential, setBackend } from '../../../src/index';
import { encodeFloat32 } from '../../../src/nn/serialization';

const PYTHON = '/usr/bin/python3';

const PARSER = `
import ast, json, py_compile, sys

def value(node):
    try:
        return ast.literal_eval(node)
    except ValueError:
        return {'code': ast.unparse(node)}

def call(node):
    if not isinstance(node, ast.Call):
        return value(node)
    return {'fn': ast.unparse(node.func), 'args': [call(a) for a in node.args], 'kwargs': {k.arg: call(k.value) for k in node.keywords}}

def assigned(tree, name):
    return next(n.value for n in tree.body if isinstance(n, ast.Assign) and n.targets[0].id == name)

out = {}
for path in sys.argv[2:]:
    py_compile.compile(path, doraise=True)
    tree = ast.parse(open(path).read())
    build = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == 'build_model')
    calls = [n for n in ast.walk(build) if isinstance(n, ast.Call)]
    sequential = next(n for n in calls if ast.unparse(n.func) == 'keras.Sequential')
    compiled = next(n for n in calls if ast.unparse(n.func) == 'model.compile')
    out[path] = {
        'layers': [call(e) for e in sequential.args[0].elts],
        'compile': {k.arg: [call(e) for e in k.value.elts] if isinstance(k.value, ast.List) else call(k.value) for k in compiled.keywords},
        'weights': ast.literal_eval(assigned(tree, 'WEIGHTS')),
        'layer_weights': ast.literal_eval(assigned(tree, 'LAYER_WEIGHTS')),
        'functions': [n.name for n in tree.body if isinstance(n, ast.FunctionDef)],
        'data_file': next((ast.literal_eval(n.value) for n in tree.body if isinstance(n, ast.Assign) and n.targets[0].id == 'DATA_FILE'), None),
    }
json.dump(out, open(sys.argv[1], 'w'))
`;

type Call = { fn: string; args: unknown[]; kwargs: Record<string, unknown> };
type Parsed = { layers: Call[]; compile: Record<string, unknown>; weights: Record<string, [number[], string]>; layer_weights: [string, string[]][]; functions: string[]; data_file: string | null };

function mlp(): Sequential {
  const model = new Sequential(
    [
      layers.input({ shape: [4] }),
      layers.dense({ units: 6, activation: 'relu', kernelRegularizer: { l2: 0.01 } }),
      layers.dense({ units: 5, activation: 'leaky_relu', biasRegularizer: { l1: 0.5 } }),
      layers.dropout({ rate: 0.25, seed: 7 }),
      layers.dense({ units: 4, activation: 'elu', useBias: false, trainable: false }),
      layers.dense({ units: 4, activation: 'softplus' }),
      layers.dense({ units: 4, activation: 'swish' }),
      layers.dense({ units: 4, activation: 'step', name: 'threshold' }),
      layers.activation({ activation: 'tanh' }),
      layers.dense({ units: 1, activation: 'sigmoid', name: 'out' }),
    ],
    { seed: 1, name: 'mlp' },
  );
  model.compile({ optimizer: { type: 'sgd', learningRate: 0.05, momentum: 0.9, nesterov: true }, loss: 'binary_crossentropy', metrics: ['precision', 'recall', 'f1', 'auc'] });
  return model;
}

function cnn(): Sequential {
  const model = new Sequential(
    [
      layers.input({ shape: [8, 8, 3] }),
      layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }),
      layers.maxPooling2d({ poolSize: 2, strides: 1, padding: 'same' }),
      layers.conv2d({ filters: 2, kernelSize: [2, 1], padding: 'valid', activation: 'linear' }),
      layers.averagePooling2d({ poolSize: [1, 2] }),
      layers.flatten(),
      layers.dense({ units: 3, activation: 'softmax' }),
    ],
    { seed: 2, name: 'cnn' },
  );
  model.compile({ optimizer: { type: 'adam', learningRate: 0.003 }, loss: 'sparse_categorical_crossentropy', metrics: ['accuracy', 'f1'] });
  return model;
}

const code = (text: string) => ({ code: text });

describe('exportKeras, compiled and parsed with python3', () => {
  const dir = mkdtempSync(join(tmpdir(), 'export-keras-'));
  const models: Record<string, Sequential> = {};
  let parsed: Record<string, Parsed>;

  beforeAll(async () => {
    setBackend('cpu');
    if (!existsSync(PYTHON)) throw new Error(`${PYTHON} is needed to byte-compile the exported scripts`);
    models.mlp = mlp();
    models.cnn = cnn();
    // The CNN as an image lesson exports it: its data is the shipped image file, read by load_data().
    const options = { mlp: { preprocessing: { kind: 'standardize' as const, mean: [1, 2, 3, 4], std: [1, 2, 0.5, 3] } }, cnn: { data: { file: 'digits8.images.gz', format: 'images' as const } } };
    for (const name of ['mlp', 'cnn'] as const) writeFileSync(join(dir, `${name}.py`), await exportKeras(models[name], options[name]));
    writeFileSync(join(dir, 'parse.py'), PARSER);
    execFileSync(PYTHON, [join(dir, 'parse.py'), join(dir, 'parsed.json'), join(dir, 'mlp.py'), join(dir, 'cnn.py')], { stdio: 'pipe' });
    const byPath = JSON.parse(readFileSync(join(dir, 'parsed.json'), 'utf8'));
    parsed = { mlp: byPath[join(dir, 'mlp.py')], cnn: byPath[join(dir, 'cnn.py')] };
  }, 60_000);

  it('the MLP: every Dense activation, regularizers, frozen layer, dropout seed, normalization, step defined in the script', () => {
    const reg = (l1: number, l2: number) => ({ fn: 'keras.regularizers.L1L2', args: [], kwargs: { l1, l2 } });
    const dense = (units: number, activation: unknown, name: string, extra: Record<string, unknown> = {}) => ({
      fn: 'layers.Dense',
      args: [units],
      kwargs: { activation, use_bias: true, name, ...extra },
    });
    expect(parsed.mlp.layers).toEqual([
      { fn: 'keras.Input', args: [], kwargs: { shape: [4] } },
      { fn: 'layers.Normalization', args: [], kwargs: { mean: [1, 2, 3, 4], variance: [1, 4, 0.25, 9], name: 'standardize' } },
      dense(6, 'relu', 'dense', { kernel_regularizer: reg(0, 0.01) }),
      dense(5, 'leaky_relu', 'dense_1', { bias_regularizer: reg(0.5, 0) }),
      { fn: 'layers.Dropout', args: [0.25], kwargs: { seed: 7, name: 'dropout' } },
      dense(4, 'elu', 'dense_2', { use_bias: false, trainable: false }),
      dense(4, 'softplus', 'dense_3'),
      dense(4, 'swish', 'dense_4'),
      dense(4, code('step'), 'threshold'),
      { fn: 'layers.Activation', args: ['tanh'], kwargs: { name: 'activation' } },
      dense(1, 'sigmoid', 'out'),
    ]);
    expect(parsed.mlp.functions).toContain('step');
    expect(parsed.mlp.compile).toEqual({
      optimizer: { fn: 'keras.optimizers.SGD', args: [], kwargs: { learning_rate: 0.05, momentum: 0.9, nesterov: true } },
      loss: 'binary_crossentropy',
      metrics: [
        'accuracy',
        { fn: 'keras.metrics.Precision', args: [], kwargs: { name: 'precision' } },
        { fn: 'keras.metrics.Recall', args: [], kwargs: { name: 'recall' } },
        { fn: 'keras.metrics.F1Score', args: [], kwargs: { average: 'macro', threshold: 0.5, name: 'f1' } },
        { fn: 'keras.metrics.AUC', args: [], kwargs: { name: 'auc' } },
      ],
    });
  });

  it('the CNN: Conv2D and pooling with their paddings and strides, flatten, softmax; Adam with its defaults', () => {
    expect(parsed.cnn.layers).toEqual([
      { fn: 'keras.Input', args: [], kwargs: { shape: [8, 8, 3] } },
      { fn: 'layers.Conv2D', args: [4, [3, 3]], kwargs: { strides: [2, 2], padding: 'same', activation: 'relu', use_bias: true, name: 'conv2d' } },
      { fn: 'layers.MaxPooling2D', args: [], kwargs: { pool_size: [2, 2], strides: [1, 1], padding: 'same', name: 'max_pooling2d' } },
      { fn: 'layers.Conv2D', args: [2, [2, 1]], kwargs: { strides: [1, 1], padding: 'valid', activation: 'linear', use_bias: true, name: 'conv2d_1' } },
      { fn: 'layers.AveragePooling2D', args: [], kwargs: { pool_size: [1, 2], strides: [1, 2], padding: 'valid', name: 'average_pooling2d' } },
      { fn: 'layers.Flatten', args: [], kwargs: { name: 'flatten' } },
      { fn: 'layers.Dense', args: [3], kwargs: { activation: 'softmax', use_bias: true, name: 'dense' } },
    ]);
    expect(parsed.cnn.data_file).toBe('digits8.images.gz');
    expect(parsed.cnn.functions).toContain('load_data');
    expect(parsed.mlp.data_file).toBeNull();
    // F1Score needs one-hot targets: with class indices it is left out rather than mis-computed.
    expect(parsed.cnn.compile).toEqual({
      optimizer: { fn: 'keras.optimizers.Adam', args: [], kwargs: { learning_rate: 0.003, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7 } },
      loss: 'sparse_categorical_crossentropy',
      metrics: ['accuracy'],
    });
  });

  it.each(['mlp', 'cnn'])('%s: the weight table holds every weight (Keras layout, same bytes) and each layer gets its own', async (name) => {
    const weights = await models[name].getWeights();
    expect(Object.entries(parsed[name].weights)).toEqual(weights.map((w) => [w.name, [w.shape, encodeFloat32(w.values)]]));
    const assigned = parsed[name].layer_weights.flatMap(([layer, names]) => names.map((n) => [layer, n]));
    expect(assigned).toEqual(weights.map((w) => [w.name.split('/')[0], w.name]));
  });
});
