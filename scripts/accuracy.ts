// The image lessons' accuracy targets, trained in Node with fixed seeds through the public API (model.fit):
//   npm run accuracy                         every target, on WebGPU (Dawn) when an adapter answers, else the CPU
//   npm run accuracy -- --backend cpu        on a chosen backend
//   npm run accuracy -- --only mnist-cnn     one run
// Prints each run's test accuracy and the time it took (the README's table comes from here).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IMAGE_DATASETS, type ImageDatasetId } from '../src/data/image-datasets';
import { IMAGE_PRESETS, type ImagePresetId } from '../src/data/image-presets';
import { decodeImageSet, gunzip, imageBatch } from '../src/data/images';
import { Sequential, layers, setBackend, type BackendName } from '../src/index';
import { layerFromConfig } from '../src/nn/layers';

interface Run {
  name: string;
  dataset: ImageDatasetId;
  preset: ImagePresetId;
  epochs: number;
  /** The target, test accuracy. */
  target: number;
}

const RUNS: Run[] = [
  { name: 'digits8-mlp', dataset: 'digits8', preset: 'mlp', epochs: 30, target: 0.95 },
  { name: 'mnist-mlp', dataset: 'mnist', preset: 'mlp', epochs: 10, target: 0.94 },
  { name: 'mnist-cnn', dataset: 'mnist', preset: 'cnn', epochs: 5, target: 0.97 },
  { name: 'fashion-cnn', dataset: 'fashion', preset: 'cnn', epochs: 5, target: 0.85 },
];

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? undefined : process.argv[i + 1];
}

async function startBackend(): Promise<string> {
  const wanted = option('backend') as BackendName | undefined;
  if (wanted) return (await setBackend(wanted)).description;
  process.env.VK_ICD_FILENAMES ??= '/usr/lib/chromium/vk_swiftshader_icd.json';
  try {
    return (await setBackend('webgpu')).description;
  } catch (error) {
    console.log(`WebGPU unavailable (${error instanceof Error ? error.message : error}); using the CPU`);
    return (await setBackend('cpu')).description;
  }
}

async function train(run: Run, seed: number): Promise<{ accuracy: number; seconds: number }> {
  const info = IMAGE_DATASETS[run.dataset];
  const set = decodeImageSet(await gunzip(readFileSync(join(import.meta.dirname, '../public', info.file))), info.file);
  const preset = IMAGE_PRESETS[run.preset];
  const model = new Sequential([layers.input({ shape: [set.height, set.width, set.channels] }), ...preset.layers.map((l) => layerFromConfig(l.type, l.config))], { seed });
  model.compile({ optimizer: preset.optimizer, loss: preset.loss, metrics: ['accuracy'] });
  const train = imageBatch(set, 'train');
  const test = imageBatch(set, 'test');
  const labels = (l: Uint8Array) => ({ shape: [l.length], values: Float32Array.from(l) });
  const started = performance.now();
  await model.fit({ shape: train.shape, values: train.x }, labels(train.labels), { epochs: run.epochs, batchSize: preset.batchSize, shuffle: true });
  const logs = await model.evaluate({ shape: test.shape, values: test.x }, labels(test.labels));
  const seconds = (performance.now() - started) / 1000;
  model.dispose();
  return { accuracy: logs.accuracy, seconds };
}

const only = option('only');
const seed = Number(option('seed') ?? 1);
console.log(`backend: ${await startBackend()}, seed ${seed}`);
console.log('| run | epochs | test accuracy | target | time |');
console.log('|---|---:|---:|---:|---:|');
let missed = 0;
for (const run of RUNS.filter((r) => !only || r.name === only)) {
  const { accuracy, seconds } = await train({ ...run, epochs: Number(option('epochs') ?? run.epochs) }, seed);
  if (accuracy < run.target) missed++;
  console.log(`| ${run.name} | ${option('epochs') ?? run.epochs} | ${(accuracy * 100).toFixed(1)}% | ≥ ${run.target * 100}% ${accuracy >= run.target ? 'met' : 'MISSED'} | ${seconds.toFixed(0)} s |`);
}
process.exit(missed ? 1 : 0);
