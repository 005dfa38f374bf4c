// The image lessons' accuracy targets, trained in Node through the public API (model.fit) on the page's own
// lessons: the lesson presets' settings over the page's defaults (src/app/presets.ts, its seed included),
// the network, optimizer, loss and batch size the page derives from them, and its test split.
//   npm run accuracy                         every target, on WebGPU (Dawn) when an adapter answers, else the CPU
//   npm run accuracy -- --backend wasm       on a chosen backend
//   npm run accuracy -- --only mnist-cnn     one run; --epochs N another number of epochs
//   npm run accuracy -- --set 'seed=2&imageModel=cnn-course'   page URL rows changed over the lessons'
// Prints each epoch's training loss and test accuracy, and each run's final test accuracy and time (the
// README's table comes from here).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IMAGE_DATASETS } from '../src/data/image-datasets';
import { decodeImageSet, gunzip } from '../src/data/images';
import { setBackend, type BackendName } from '../src/index';
import { decodeClasses, describeLesson } from '../src/app/lesson';
import { lessonData } from '../src/app/lesson-data';
import { PRESETS, presetSettings } from '../src/app/presets';
import { lessonModel } from '../src/app/sequential-engine';
import { dataSet, networkSpec } from '../src/app/trainer';
import { parseHash, serializeHash } from '../src/app/url-codec';
import { defaultSettings, type Settings } from '../src/app/url-table';

interface Run {
  name: string;
  /** The page's lesson preset (its id in PRESETS). */
  lesson: string;
  /** Settings changed over the preset's, as a student would in the page. */
  settings?: Partial<Settings>;
  epochs: number;
  /** The issue's target, test accuracy. */
  target: number;
}

const RUNS: Run[] = [
  { name: 'digits8-mlp', lesson: 'digits8-mlp', epochs: 30, target: 0.95 },
  // The course's MNIST MLP: the MNIST lesson with the network switched to the MLP.
  { name: 'mnist-mlp', lesson: 'mnist-cnn', settings: { imageModel: 'mlp' }, epochs: 10, target: 0.94 },
  { name: 'mnist-cnn', lesson: 'mnist-cnn', epochs: 5, target: 0.97 },
  { name: 'fashion-cnn', lesson: 'fashion-cnn', epochs: 5, target: 0.85 },
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

/** The preset's settings over the page's defaults, then the run's, then `--set`'s page URL rows, read as the page reads its link. */
function lessonSettings(run: Run): Settings {
  const preset = PRESETS.find((p) => p.id === run.lesson);
  if (!preset) throw new Error(`accuracy: no lesson preset '${run.lesson}'; expected one of ${PRESETS.map((p) => p.id).join(', ')}`);
  const settings = { ...presetSettings(preset, defaultSettings()), ...run.settings };
  const rows = option('set');
  if (rows === undefined) return settings;
  const given = new Set(rows.split('&').map((pair) => pair.split('=')[0]));
  const kept = serializeHash(settings).slice(1).split('&').filter((pair) => !given.has(pair.split('=')[0]));
  const parsed = parseHash([rows, ...kept].join('&'));
  if (parsed.ignored.length) throw new Error(`accuracy: --set ${rows}: ${parsed.ignored.map((e) => `${e.key}=${e.value} (${e.reason})`).join('; ')}`);
  return parsed.settings;
}

async function train(run: Run, epochs: number): Promise<{ accuracy: number; seconds: number }> {
  const lesson = describeLesson(lessonSettings(run));
  if (lesson.data.kind !== 'images') throw new Error(`accuracy: lesson '${run.lesson}' is not an image lesson`);
  const info = IMAGE_DATASETS[lesson.data.dataset];
  const set = decodeImageSet(await gunzip(readFileSync(join(import.meta.dirname, '../public', info.file))), info.file);
  const data = lessonData(lesson, new Map(), new Map([[info.id, set]]));
  const spec = networkSpec(lesson, data.train.length);
  const model = await lessonModel(spec);
  const train = dataSet(lesson, data.train);
  const tensor = (rows: number, values: Float32Array, shape: number[]) => ({ shape: [rows, ...shape], values });
  const test = dataSet(lesson, data.test);
  // Scored after every epoch, as the page does (its time is in the total): the epoch a target is reached shows.
  const testAccuracy = async (): Promise<number> => {
    const { values } = await model.predict(tensor(test.rows, test.x, spec.inputShape));
    const predicted = decodeClasses(lesson, values, test.rows);
    return data.test.filter((s, i) => predicted[i] === s.label).length / test.rows;
  };
  const started = performance.now();
  let accuracy = 0;
  await model.fit(tensor(train.rows, train.x, spec.inputShape), tensor(train.rows, train.y, [train.y.length / train.rows]), {
    epochs,
    batchSize: spec.batchRows,
    shuffle: true,
    onEpochEnd: async (epoch, logs) => {
      accuracy = await testAccuracy();
      const seconds = (performance.now() - started) / 1000;
      console.log(`  ${run.name} epoch ${epoch + 1}/${epochs}: loss ${logs.loss.toFixed(4)}, test accuracy ${(accuracy * 100).toFixed(1)}%, ${seconds.toFixed(0)} s`);
    },
  });
  const seconds = (performance.now() - started) / 1000;
  model.dispose();
  return { accuracy, seconds };
}

const only = option('only');
console.log(`backend: ${await startBackend()}${option('set') ? `; rows ${option('set')}` : ''}`);
const results: string[] = [];
let missed = 0;
for (const run of RUNS.filter((r) => !only || r.name === only)) {
  const epochs = Number(option('epochs') ?? run.epochs);
  const { accuracy, seconds } = await train(run, epochs);
  if (accuracy < run.target) missed++;
  results.push(`| ${run.name} | ${epochs} | ${(accuracy * 100).toFixed(1)}% | ≥ ${run.target * 100}% ${accuracy >= run.target ? 'met' : 'MISSED'} | ${seconds.toFixed(0)} s |`);
}
console.log(['| run | epochs | test accuracy | target | time |', '|---|---:|---:|---:|---:|', ...results].join('\n'));
process.exit(missed ? 1 : 0);
