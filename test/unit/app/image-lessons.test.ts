// Image lessons in the lesson model: the URL rows, the lesson they describe, their data, and training
// through the trainer on the CPU backend (the 8×8 digits, small enough for a unit test).
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { IMAGE_DATASETS, type ImageDatasetId } from '../../../src/data/image-datasets';
import { decodeImageSet, fetchImageSet, gunzip } from '../../../src/data/images';
import { setBackend } from '../../../src/index';
import { describeLesson, inputCount, inputShape } from '../../../src/app/lesson';
import { lessonData } from '../../../src/app/lesson-data';
import { PRESETS, presetSettings } from '../../../src/app/presets';
import { createSequentialEngine, lessonModel } from '../../../src/app/sequential-engine';
import { createPlaygroundStore, type PlaygroundStore } from '../../../src/app/store';
import { Trainer, dataSet, networkSpec } from '../../../src/app/trainer';
import { parseHash, serializeHash } from '../../../src/app/url-codec';
import { defaultSettings, type Settings } from '../../../src/app/url-table';
import { ManualFrames } from './manual-frames';

const settings = (overrides: Partial<Settings>): Settings => ({ ...defaultSettings(), seed: '0.5', ...overrides });

async function readSet(name: ImageDatasetId) {
  return decodeImageSet(await gunzip(readFileSync(`public/${IMAGE_DATASETS[name].file}`)), name);
}

describe('fetchImageSet', () => {
  it('checks the compressed file against its checksum; takes a file the server already gunzipped (Content-Encoding) by its structure', async () => {
    const info = IMAGE_DATASETS.digits8;
    const compressed = readFileSync(`public/${info.file}`);
    const plain = await gunzip(compressed);
    const serve = (bytes: Uint8Array) => vi.fn(async () => new Response(bytes as Uint8Array<ArrayBuffer>));
    try {
      vi.stubGlobal('fetch', serve(compressed));
      expect((await fetchImageSet('x.gz', info.sha256)).test.count).toBe(360);
      await expect(fetchImageSet('x.gz', '0'.repeat(64))).rejects.toThrow(/checksum/);
      vi.stubGlobal('fetch', serve(plain));
      expect((await fetchImageSet('x.gz', info.sha256)).train.count).toBe(1437);
      vi.stubGlobal('fetch', serve(plain.subarray(0, plain.length - 1)));
      await expect(fetchImageSet('x.gz', info.sha256)).rejects.toThrow(/bytes; expected/);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe('image lessons: rows and lesson', () => {
  it('dataset=mnist and imageModel travel through the link; defaults stay out of it', () => {
    const s = settings({ dataset: 'mnist', imageModel: 'cnn-course' });
    const hash = serializeHash(s);
    expect(hash).toContain('dataset=mnist');
    expect(hash).toContain('imageModel=cnn-course');
    expect(parseHash(hash).settings).toMatchObject({ dataset: 'mnist', imageModel: 'cnn-course' });
    expect(serializeHash(settings({ dataset: 'mnist' }))).not.toContain('imageModel');
    const bad = parseHash('#dataset=mnist&imageModel=resnet');
    expect(bad.settings.imageModel).toBe('cnn');
    expect(bad.ignored.map((e) => e.key)).toContain('imageModel');
  });

  it('an image dataset describes an image lesson: the preset stack, a softmax output of ten classes, cross-entropy, Keras rules', () => {
    const lesson = describeLesson(settings({ dataset: 'fashion', imageModel: 'cnn' }));
    expect(lesson.data).toMatchObject({ kind: 'images', dataset: 'fashion', classes: 10, shape: [28, 28, 1] });
    expect(lesson.data.kind === 'images' && lesson.data.classNames[9]).toBe('imageClass.fashion9');
    expect(lesson.stack?.map((l) => l.type)).toEqual(['Conv2D', 'MaxPooling2D', 'Conv2D', 'MaxPooling2D', 'Flatten', 'Dense']);
    expect(lesson.model).toEqual([expect.objectContaining({ units: 10, activation: 'softmax' })]);
    expect(lesson.training).toMatchObject({ loss: 'categorical_crossentropy', semantics: 'keras' });
    expect(lesson.view).toEqual({ kind: 'images' });
    expect(inputShape(lesson.data)).toEqual([28, 28, 1]);
    expect(inputCount(lesson.data)).toBe(784);
    // The 8×8 digits are too small for unpadded convolutions: the stack pads.
    const small = describeLesson(settings({ dataset: 'digits8', imageModel: 'cnn' }));
    expect(small.stack?.filter((l) => l.type === 'Conv2D').map((l) => l.config.padding)).toEqual(['same', 'same']);
    expect(lesson.stack?.filter((l) => l.type === 'Conv2D').map((l) => l.config.padding)).toEqual([undefined, undefined]);
    // The plane lessons are untouched.
    expect(describeLesson(settings({ dataset: 'circle' })).stack).toBeNull();
  });

  it('the data loads as the fixed split, validation held out of the training images; until then `loading` names the set', async () => {
    const lesson = describeLesson(settings({ dataset: 'digits8', validationSplit: 0.2 }));
    expect(lessonData(lesson, new Map())).toMatchObject({ train: [], test: [], loading: 'digits8' });
    const set = await readSet('digits8');
    const data = lessonData(lesson, new Map(), new Map([['digits8', set]]));
    expect(data.loading).toBeNull();
    expect(data.train.length + data.validation.length).toBe(1437);
    expect(data.validation.length).toBe(1437 - Math.floor(1437 * 0.8));
    expect(data.test).toHaveLength(360);
    expect(data.test[0].values).toHaveLength(64);
    expect(data.test[0].label).toBe(set.test.labels[0]);
    expect(Math.max(...Array.from(data.train[0].values))).toBeLessThanOrEqual(1);
  });
});

/** The image set arrives after start (the store then resets the trainer): wait for the first scores. */
async function firstResults(store: PlaygroundStore, trainer: Trainer): Promise<void> {
  await vi.waitFor(() => expect([store.getState().error, store.getState().trainLoss]).toEqual([null, expect.any(Number)]), { timeout: 20_000, interval: 20 });
  await trainer.idle();
}

describe('image lessons: the trainer (CPU)', () => {
  it('loads the 8×8 digits with progress, trains an epoch of the MLP preset: loss falls, test accuracy and probabilities published; a drawn digit is classified', async () => {
    const progress: number[] = [];
    const store = createPlaygroundStore({
      settings: settings({ dataset: 'digits8', imageModel: 'mlp', optimizer: 'adam', learningRate: 0.001, batchSize: 32 }),
      loadImages: async (name, onProgress) => {
        await Promise.resolve();
        onProgress(10, 20);
        progress.push(store.getState().imageLoad?.loaded ?? -1);
        return readSet(name);
      },
    });
    const frames = new ManualFrames();
    const trainer = new Trainer(store, createSequentialEngine({ prefer: ['cpu'] }), frames);
    await trainer.start();
    await firstResults(store, trainer);
    expect(progress).toEqual([10]);
    expect(store.getState().imageLoad).toBeNull();
    const initial = store.getState().trainLoss!;
    expect(initial).toBeGreaterThan(1.5);
    store.getState().step();
    await trainer.idle();
    const s = store.getState();
    expect(s.epoch).toBe(1);
    expect(s.trainLoss!).toBeLessThan(initial * 0.7);
    expect(s.testAccuracy!).toBeGreaterThan(0.5);
    expect(s.imageResults?.testProbabilities).toHaveLength(360 * 10);
    expect(s.imageProgress).toMatchObject({ batch: 0, batches: Math.ceil(1437 / 32) });
    // An MLP has no filters; the parameters are kept as the model's weight list (for snapshots).
    expect(s.imageResults?.filters).toBeNull();
    expect(s.network?.tensors?.map((t) => t.shape)).toEqual([[64, 256], [256], [256, 256], [256], [256, 10], [10]]);
    // Every layer's output for the inspected test image; another image asks again.
    expect(s.featureMaps?.[0].shape).toEqual([64]);
    expect(s.featureMaps?.at(-1)?.shape).toEqual([10]);
    const first = s.featureMaps!.at(-1)!.values;
    store.getState().inspect(5);
    await trainer.idle();
    expect(store.getState().featureMaps!.at(-1)!.values).not.toEqual(first);
    expect(() => store.getState().inspect(360)).toThrow(/expected 0 to 359/);
    const drawing = Float32Array.from(s.data.test[0].values);
    store.getState().setDrawing(drawing);
    await trainer.idle();
    const p = store.getState().drawingProbabilities!;
    expect(p).toHaveLength(10);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    trainer.stop();
  });
});

describe('image lessons: the MNIST and Fashion presets (what npm run accuracy trains in full)', () => {
  // The fastest CPU backend (the accuracy runs' too); the CPU backend agrees with it to 1e-4 (wasm-backend.test.ts).
  beforeAll(async () => void (await setBackend('wasm')));
  afterAll(async () => void (await setBackend('cpu')));

  it.each(['mnist-cnn', 'fashion-cnn'])('%s: the page\'s model, optimizer and batch size lower the loss over a few batches of fit', async (id) => {
    const lesson = describeLesson(presetSettings(PRESETS.find((p) => p.id === id)!, defaultSettings()));
    if (lesson.data.kind !== 'images') throw new Error(`${id} is not an image lesson`);
    const data = lessonData(lesson, new Map(), new Map([[lesson.data.dataset, await readSet(lesson.data.dataset)]]));
    const spec = networkSpec(lesson, data.train.length);
    const model = await lessonModel(spec);
    const part = dataSet(lesson, data.train.slice(0, 2 * spec.batchRows));
    const x = { shape: [part.rows, ...spec.inputShape], values: part.x };
    const y = { shape: [part.rows, 10], values: part.y };
    const before = (await model.evaluate(x, y)).loss;
    await model.fit(x, y, { epochs: 3, batchSize: spec.batchRows, shuffle: true });
    expect((await model.evaluate(x, y)).loss).toBeLessThan(before * 0.8);
    model.dispose();
  });
});
