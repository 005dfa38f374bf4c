// Export options are checked before any Python is written: each mistake names the option and what was expected.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportKeras, exportPyTorch, layers, pythonFileName, Sequential, setBackend, type ExportOptions } from '../../../src/index';

function model(compiled = true): Sequential {
  const m = new Sequential([layers.input({ shape: [3] }), layers.dense({ units: 2, activation: 'softmax' })], { seed: 4, name: 'my model' });
  if (compiled) m.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy' });
  return m;
}

describe('export options', () => {
  beforeAll(() => setBackend('cpu'));

  const cases: [string, unknown, string | RegExp][] = [
    ['options not an object', null, 'exportPyTorch: options must be an object { preprocessing?, data?, epochs?, batchSize? }'],
    ['preprocessing of the wrong length', { preprocessing: { kind: 'standardize', mean: [0, 0], std: [1, 1] } }, "exportPyTorch: options.preprocessing.mean has 2 values; expected 3, one per input feature (the last axis of the model's input)"],
    ['a zero std', { preprocessing: { kind: 'standardize', mean: [0, 0, 0], std: [1, 0, 1] } }, 'exportPyTorch: options.preprocessing.std[1] is 0; expected a finite number > 0'],
    ['x of the wrong width', { data: { x: [[1, 2]], y: [0] } }, 'exportPyTorch: options.data.x has shape [1, 2]; expected [N, 3]'],
    ['a label out of range', { data: { x: [[1, 2, 3]], y: [2] } }, 'exportPyTorch: options.data.y: label 2 at row 0 is not a class index in [0, 2) (the output layer has 2 units)'],
    ['xTest without yTest', { data: { x: [[1, 2, 3]], y: [1], xTest: [[1, 2, 3]] } }, 'exportPyTorch: options.data needs both xTest and yTest, or neither'],
    ['too much data to embed', { data: { x: { shape: [700_000, 3], values: new Float32Array(2_100_000) }, y: { shape: [700_000], values: new Float32Array(700_000) } } }, 'exportPyTorch: options.data holds 2800000 values; at most 2000000 are embedded, refer to a file instead ({ file, format })'],
    ['an unknown file format', { data: { file: 'iris.csv', format: 'csv' } }, 'exportPyTorch: options.data.format is "csv"; expected "table", "npz" or "images"'],
    ['images for a model that takes no images', { data: { file: 'mnist.images.gz', format: 'images' } }, 'exportPyTorch: options.data.format "images" needs a model taking images [height, width, channels]; its input is [3]'],
    ['a test fraction of 1', { data: { file: 'iris.csv', format: 'table', testFraction: 1 } }, 'exportPyTorch: options.data.testFraction must be a number in (0, 1), got 1'],
    ['zero epochs', { epochs: 0 }, 'exportPyTorch: options.epochs must be a positive integer, got 0'],
  ];
  it.each(cases)('%s', async (_name, options, message) => {
    await expect(exportPyTorch(model(), options as ExportOptions)).rejects.toThrow(message);
  });

  it('embedded data needs a compiled model; without data an uncompiled model still exports', async () => {
    await expect(exportKeras(model(false), { data: { x: [[1, 2, 3]], y: [1] } })).rejects.toThrow(
      "exportKeras: options.data needs a compiled model (the loss decides the targets' form); call model.compile first",
    );
    const scripts = { pytorch: await exportPyTorch(model(false)), keras: await exportKeras(model(false)) };
    expect(scripts.pytorch).toContain("loss = _not_compiled('loss')");
    expect(scripts.keras).toContain('# The model was not compiled in the playground: compile it before training.');
    // Both still byte-compile.
    const dir = mkdtempSync(join(tmpdir(), 'export-options-'));
    for (const [name, text] of Object.entries(scripts)) {
      writeFileSync(join(dir, `${name}.py`), text);
      execFileSync('/usr/bin/python3', ['-m', 'py_compile', join(dir, `${name}.py`)], { stdio: 'pipe' });
    }
  });

  it('the file name comes from the model name', () => {
    expect(pythonFileName('my model')).toBe('my_model.py');
    expect(pythonFileName('')).toBe('model.py');
  });
});
