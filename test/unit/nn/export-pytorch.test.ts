// The PyTorch export, verified by running it: trained MLPs and CNNs (every layer type, every activation, both
// paddings, strides) are exported, Debian's python3-torch imports each script in one process, and build_model()'s
// output must equal model.predict's to 1e-4. One optimizer step in PyTorch must match one in the engine (the
// loss, regularization and optimizer state carried over), and one script runs as a program; an image CNN's script
// reads the shipped image file.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng, exportPyTorch, layers, Sequential, setBackend, toCategorical, type ExportOptions, type HostArray } from '../../../src/index';
import { encodeFloat32, decodeFloat32 } from '../../../src/nn/serialization';
import { IMAGE_DATASETS } from '../../../src/data/image-datasets';
import { decodeImageSet, gunzip, imageBatch } from '../../../src/data/images';

// Debian's interpreter: the python3 on PATH may be another one without torch.
const PYTHON = '/usr/bin/python3';
const hasTorch = existsSync(PYTHON) && (() => {
  try {
    execFileSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
// CI (.ci/run) installs python3-torch and sets REQUIRE_TORCH=1: there a missing torch fails instead of skipping.
if (!hasTorch && process.env.REQUIRE_TORCH) throw new Error(`REQUIRE_TORCH is set but ${PYTHON} cannot import torch (apt-get install python3-torch)`);

interface Case {
  name: string;
  model: Sequential;
  /** Raw inputs fed to the script's module. */
  x: HostArray;
  /** What the engine predicts for them (after preprocessing). */
  expected?: HostArray;
  options: ExportOptions;
  /** Load the data with the script's load_data() (a file reference). */
  load?: boolean;
  /** Targets for the one-step check (models without dropout and with an optimizer PyTorch updates identically). */
  stepY?: unknown;
  stepExpected?: HostArray;
}

function random(shape: number[], seed: number, scale = 1): HostArray {
  const rng = createRng(seed);
  const size = shape.reduce((n, d) => n * d, 1);
  return { shape, values: Float32Array.from({ length: size }, () => (rng.next() * 2 - 1) * scale) };
}

function labels(n: number, classes: number, seed: number): number[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => Math.floor(rng.next() * classes));
}

async function cases(): Promise<Case[]> {
  // An MLP on standardized tables: relu, leaky_relu, dropout, elu, softmax output; Adam; data embedded with a test split.
  const mean = [1, -2, 0.5, 3];
  const std = [2, 0.5, 1, 4];
  const raw = random([40, 4], 1, 3);
  const standardized = (x: HostArray): HostArray => ({ shape: x.shape, values: Float32Array.from(x.values, (v, i) => (v - mean[i % 4]) / std[i % 4]) });
  const tableY = labels(40, 3, 2);
  const mlp = new Sequential(
    [
      layers.input({ shape: [4] }),
      layers.dense({ units: 6, activation: 'relu', kernelRegularizer: { l2: 0.01 } }),
      layers.dense({ units: 5, activation: 'leaky_relu' }),
      layers.dropout({ rate: 0.3 }),
      layers.dense({ units: 4, activation: 'elu', name: 'hidden layer' }),
      layers.dense({ units: 3, activation: 'softmax' }),
    ],
    { seed: 3, name: 'table_mlp' },
  );
  mlp.compile({ optimizer: { type: 'adam', learningRate: 0.02 }, loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
  await mlp.fit(standardized(raw), tableY, { epochs: 3, batchSize: 8 });

  // softplus, swish without bias, an Activation layer (tanh), step, sigmoid output; SGD with Nesterov momentum.
  const binX = random([16, 3], 4);
  const binY = labels(16, 2, 5);
  const binary = new Sequential(
    [
      layers.input({ shape: [3] }),
      layers.dense({ units: 5, activation: 'softplus', kernelRegularizer: { l1: 0.01 }, biasRegularizer: { l2: 0.02 } }),
      layers.dense({ units: 4, activation: 'swish', useBias: false }),
      layers.activation({ activation: 'tanh' }),
      layers.dense({ units: 4, activation: 'step', trainable: false }),
      layers.dense({ units: 1, activation: 'sigmoid' }),
    ],
    { seed: 6, name: 'binary_mlp' },
  );
  binary.compile({ optimizer: { type: 'sgd', learningRate: 0.1, momentum: 0.9, nesterov: true }, loss: 'binary_crossentropy' });
  await binary.fit(binX, binY, { epochs: 2, batchSize: 4 });

  // Regression with a softmax Activation in the middle, linear output; Adam (for the one-step check).
  const regX = random([12, 2], 7);
  const regY = random([12, 2], 8);
  const regression = new Sequential(
    [layers.input({ shape: [2] }), layers.dense({ units: 4, activation: 'sigmoid' }), layers.dense({ units: 3 }), layers.activation({ activation: 'softmax' }), layers.dense({ units: 2 })],
    { seed: 9, name: 'regression' },
  );
  regression.compile({ optimizer: { type: 'adam', learningRate: 0.05 }, loss: 'mse' });
  await regression.fit(regX, regY, { epochs: 3, batchSize: 4 });

  // A CNN: strided 'same' convolution, 'same' max pooling (stride 1), 'same' average pooling (odd padding),
  // a 'valid' convolution with unequal kernel and strides, NHWC flatten, dropout, softmax; Adagrad, one-hot targets.
  const imgX = random([6, 7, 7, 2], 10);
  const imgY = toCategorical(labels(6, 3, 11), 3);
  const cnn = new Sequential(
    [
      layers.input({ shape: [7, 7, 2] }),
      layers.conv2d({ filters: 3, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }),
      layers.maxPooling2d({ poolSize: 2, strides: 1, padding: 'same' }),
      layers.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same' }),
      layers.conv2d({ filters: 4, kernelSize: [2, 1], strides: [1, 2], padding: 'valid', activation: 'tanh' }),
      layers.flatten(),
      layers.dropout({ rate: 0.2 }),
      layers.dense({ units: 3, activation: 'softmax' }),
    ],
    { seed: 12, name: 'cnn' },
  );
  cnn.compile({ optimizer: { type: 'adagrad', learningRate: 0.1 }, loss: 'categorical_crossentropy' });
  await cnn.fit(imgX, imgY, { epochs: 2, batchSize: 3 });

  // A fully convolutional net (no flatten, NHWC output): elu, a softmax over channels, valid pools, sigmoid output; plain SGD.
  const fcX = random([4, 6, 6, 1], 13);
  const fcY = { shape: [4, 1, 1, 2], values: Float32Array.from(labels(8, 2, 14)) };
  const fcn = new Sequential(
    [
      layers.input({ shape: [6, 6, 1] }),
      layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'elu' }),
      layers.conv2d({ filters: 3, kernelSize: 1, activation: 'softmax' }),
      layers.averagePooling2d({ poolSize: 2 }),
      layers.maxPooling2d({ poolSize: 2, strides: 1 }),
      layers.conv2d({ filters: 2, kernelSize: 2, activation: 'sigmoid' }),
    ],
    { seed: 15, name: 'fcn' },
  );
  fcn.compile({ optimizer: 'sgd', loss: 'binary_crossentropy' });
  await fcn.fit(fcX, fcY, { epochs: 2, batchSize: 2 });

  // An image lesson's CNN on the shipped 8×8 digits, its data referred to by the image file: valid and same
  // padding, max and average pooling, dropout, softmax over ten classes as the page builds it; Adam.
  const digitsX = random([5, 8, 8, 1], 16, 0.5);
  const digits = new Sequential(
    [
      layers.input({ shape: [8, 8, 1] }),
      layers.conv2d({ filters: 6, kernelSize: 3, padding: 'same', activation: 'relu' }),
      layers.maxPooling2d({ poolSize: 2 }),
      layers.conv2d({ filters: 4, kernelSize: 2, activation: 'elu' }),
      layers.averagePooling2d({ poolSize: 2, strides: 1 }),
      layers.flatten(),
      layers.dropout({ rate: 0.25 }),
      layers.dense({ units: 10, activation: 'softmax' }),
    ],
    { seed: 17, name: 'digits8_cnn' },
  );
  digits.compile({ optimizer: { type: 'adam', learningRate: 0.01 }, loss: 'categorical_crossentropy' });
  await digits.fit(digitsX, toCategorical(labels(5, 10, 18), 10), { epochs: 2, batchSize: 5 });

  const test = random([10, 4], 20, 3);
  return [
    {
      name: 'table_mlp',
      model: mlp,
      x: raw,
      expected: await mlp.predict(standardized(raw)),
      options: { preprocessing: { kind: 'standardize', mean, std }, data: { x: raw, y: tableY, xTest: test, yTest: labels(10, 3, 21) }, epochs: 3, batchSize: 8 },
    },
    {
      name: 'table_file',
      model: mlp,
      x: raw,
      expected: await mlp.predict(standardized(raw)),
      options: { preprocessing: { kind: 'standardize', mean, std }, data: { file: 'table.csv', format: 'table', testFraction: 0.25 } },
      load: true,
    },
    { name: 'binary_mlp', model: binary, x: binX, options: {}, stepY: binY },
    { name: 'regression', model: regression, x: regX, options: {}, stepY: regY },
    { name: 'cnn', model: cnn, x: imgX, options: {} },
    { name: 'fcn', model: fcn, x: fcX, options: {}, stepY: fcY },
    { name: 'image_file', model: digits, x: digitsX, options: { data: { file: 'digits8.images.gz', format: 'images' }, epochs: 1, batchSize: 64 }, load: true },
    // The file is not there: importing the script and build_model() still work (load_data alone needs it).
    { name: 'image_no_file', model: digits, x: digitsX, options: { data: { file: 'absent.images.gz', format: 'images' } } },
  ];
}

const DRIVER = `
import base64, importlib.util, json, sys
import numpy as np, torch

def arr(a):
    return torch.from_numpy(np.frombuffer(base64.b64decode(a['base64']), dtype='<f4').reshape(a['shape']).copy())

def out(t):
    return {'shape': list(t.shape), 'base64': base64.b64encode(t.detach().numpy().astype('<f4').tobytes()).decode()}

results = {}
for case in json.load(open(sys.argv[1])):
    spec = importlib.util.spec_from_file_location(case['name'], case['path'])
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    model = module.build_model()
    assert not model.training, 'build_model() must return the module in eval mode'
    x = arr(case['x'])
    with torch.no_grad():
        result = {'predict': out(model(x))}
    if case.get('y'):
        optimizer = module.make_optimizer(model)
        module.train_step(model, optimizer, x, arr(case['y']))
        model.eval()
        with torch.no_grad():
            result['after_step'] = out(model(x))
    if case.get('load'):
        result['loaded'] = [None if a is None else out(torch.from_numpy(a)) for a in module.load_data()]
    results[case['name']] = result
json.dump(results, open(sys.argv[2], 'w'))
`;

const encode = (a: HostArray) => ({ shape: a.shape, base64: encodeFloat32(a.values) });

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

describe.skipIf(!hasTorch)('exportPyTorch, run with python3-torch', () => {
  const dir = mkdtempSync(join(tmpdir(), 'export-pytorch-'));
  let all: Case[];
  type Encoded = { shape: number[]; base64: string };
  let results: Record<string, { predict: Encoded; after_step?: Encoded; loaded?: Encoded[] }>;

  beforeAll(async () => {
    setBackend('cpu');
    all = await cases();
    const manifest = [];
    for (const c of all) {
      c.expected ??= await c.model.predict(c.x);
      const path = join(dir, `${c.name}.py`);
      writeFileSync(path, await exportPyTorch(c.model, c.options));
      let y;
      if (c.stepY !== undefined) {
        // The engine's next step, on a copy so the exported model stays as it was.
        const copy = Sequential.fromJSON(JSON.stringify(await c.model.toJSON()));
        await copy.trainOnBatch(c.x, c.stepY);
        c.stepExpected = await copy.predict(c.x);
        const target = c.stepY as HostArray | number[];
        y = Array.isArray(target) ? encode({ shape: [target.length, 1], values: Float32Array.from(target) }) : encode(target);
      }
      manifest.push({ name: c.name, path, x: encode(c.x), y, load: c.load });
    }
    writeFileSync(join(dir, 'cases.json'), JSON.stringify(manifest));
    // The playground's table format: "count,nFeatures,classNames...", then features and the class index per row.
    const rows = Array.from({ length: 20 }, (_, r) => `${r},${r / 2},${-r},${r * r},${r % 3}`);
    writeFileSync(join(dir, 'table.csv'), ['20,4,a,b,c', ...rows].join('\n'));
    // The image set as the page ships it.
    copyFileSync(`public/${IMAGE_DATASETS.digits8.file}`, join(dir, 'digits8.images.gz'));
    writeFileSync(join(dir, 'driver.py'), DRIVER);
    execFileSync(PYTHON, [join(dir, 'driver.py'), join(dir, 'cases.json'), join(dir, 'results.json')], { stdio: 'pipe' });
    results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
  }, 120_000);

  it.each(['table_mlp', 'table_file', 'binary_mlp', 'regression', 'cnn', 'fcn', 'image_file', 'image_no_file'])("%s: build_model()'s output equals model.predict to 1e-4", (name) => {
    const c = all.find((k) => k.name === name) as Case;
    const got = results[name].predict;
    expect(got.shape).toEqual(c.expected?.shape);
    const values = decodeFloat32(got.base64, name);
    expect(maxDiff(values, c.expected?.values ?? [])).toBeLessThan(1e-4);
  });

  it.each(['binary_mlp', 'regression', 'fcn'])('%s: one PyTorch training step from the exported optimizer state equals the engine’s next step', (name) => {
    const c = all.find((k) => k.name === name) as Case;
    const after = results[name].after_step;
    expect(after).toBeDefined();
    const values = decodeFloat32(after?.base64 ?? '', name);
    expect(maxDiff(values, c.stepExpected?.values ?? [])).toBeLessThan(1e-4);
    // The step moved the predictions: the comparison above is not the unchanged model's.
    expect(maxDiff(values, c.expected?.values ?? [])).toBeGreaterThan(1e-4);
  });

  it("a script referring to a table file loads and splits it in the loss's target form", () => {
    const [xTrain, yTrain, xTest, yTest] = results.table_file.loaded ?? [];
    expect([xTrain.shape, yTrain.shape, xTest.shape, yTest.shape]).toEqual([[15, 4], [15], [5, 4], [5]]);
    // Every row lands in exactly one part, features and class intact.
    const x = [...decodeFloat32(xTrain.base64, 'x'), ...decodeFloat32(xTest.base64, 'x')];
    const y = [...decodeFloat32(yTrain.base64, 'y'), ...decodeFloat32(yTest.base64, 'y')];
    const rows = Array.from({ length: 20 }, (_, i) => [...x.slice(i * 4, i * 4 + 4), y[i]]).sort((a, b) => a[0] - b[0]);
    expect(rows).toEqual(Array.from({ length: 20 }, (_, r) => [r, r / 2, 0 - r, r * r, r % 3]));
  });

  it("a script referring to an image set reads its training and test images NHWC in [0, 1] as the page does, targets one-hot", async () => {
    const set = decodeImageSet(await gunzip(readFileSync(`public/${IMAGE_DATASETS.digits8.file}`)), 'digits8');
    const [xTrain, yTrain, xTest, yTest] = results.image_file.loaded ?? [];
    expect([xTrain.shape, yTrain.shape, xTest.shape, yTest.shape]).toEqual([[1437, 8, 8, 1], [1437, 10], [360, 8, 8, 1], [360, 10]]);
    for (const [part, x, y] of [['train', xTrain, yTrain], ['test', xTest, yTest]] as const) {
      const page = imageBatch(set, part);
      expect(maxDiff(decodeFloat32(x.base64, part), page.x)).toBe(0);
      const oneHot = decodeFloat32(y.base64, part);
      expect(Array.from(page.labels, (label, i) => oneHot[i * 10 + label])).toEqual(Array(page.labels.length).fill(1));
      expect(oneHot.reduce((a, b) => a + b, 0)).toBe(page.labels.length);
    }
  });

  it('an image script runs as a program: one epoch on the shipped digits, then the test accuracy; without the file it says where to get it', () => {
    const stdout = execFileSync(PYTHON, [join(dir, 'image_file.py')], { encoding: 'utf8' });
    expect(stdout).toMatch(/^epoch 1\/1: loss \d+\.\d{4}$/m);
    expect(Number(/^test accuracy: (\d\.\d{4})$/m.exec(stdout)?.[1])).toBeGreaterThan(0.1);
    let message = '';
    try {
      execFileSync(PYTHON, [join(dir, 'image_no_file.py')], { encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      message = String((error as { stderr?: string }).stderr);
    }
    expect(message).toMatch(/absent\.images\.gz was not found next to this script: the playground serves it as data\/absent\.images\.gz/);
  });

  it('running a script trains further on the embedded data and prints the test accuracy', () => {
    const stdout = execFileSync(PYTHON, [join(dir, 'table_mlp.py')], { encoding: 'utf8' });
    expect(stdout).toMatch(/^epoch 3\/3: loss \d+\.\d{4}$/m);
    expect(stdout).toMatch(/^test loss: \d+\.\d{4}$/m);
    const accuracy = Number(/^test accuracy: (\d\.\d{4})$/m.exec(stdout)?.[1]);
    expect(accuracy).toBeGreaterThanOrEqual(0);
    expect(accuracy).toBeLessThanOrEqual(1);
  });
});
