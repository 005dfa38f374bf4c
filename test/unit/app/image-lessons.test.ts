// Image lessons in the lesson model: the URL rows, the lesson they describe, their data, and training
// through the trainer on the CPU backend (the 8×8 digits, small enough for a unit test).
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { IMAGE_DATASETS, type ImageDatasetId } from '../../../src/data/image-datasets';
import { decodeImageSet, fetchImageSet, gunzip } from '../../../src/data/images';
import { setBackend } from '../../../src/index';
import { describeLesson, inputCount, inputShape } from '../../../src/app/lesson';
import { lessonData } from '../../../src/app/lesson-data';
import { lessonSummary } from '../../../src/app/image-stack';
import { PRESETS, presetSettings } from '../../../src/app/presets';
import { createSequentialEngine, lessonModel } from '../../../src/app/sequential-engine';
import { createPlaygroundStore, TEST_IMAGES_SHOWN, type PlaygroundStore } from '../../../src/app/store';
import { Trainer, dataSet, networkSpec, type EngineAdapter, type EngineNetwork } from '../../../src/app/trainer';
import { argmaxRows, confusionMatrix } from '../../../src/index';
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
    expect(lesson.stack?.filter((l) => l.type === 'Conv2D').map((l) => l.config.padding)).toEqual(['valid', 'valid']);
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
    expect(s.imageResults?.testProbabilities).toHaveLength(TEST_IMAGES_SHOWN * 10);
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

/** The CPU engine, its networks' output reads recorded (part and rows asked for) and the last network kept. */
function countingEngine(): { engine: EngineAdapter; reads: string[]; network: () => EngineNetwork } {
  const inner = createSequentialEngine({ prefer: ['cpu'] });
  const reads: string[] = [];
  let last: EngineNetwork | null = null;
  const engine: EngineAdapter = {
    ...inner,
    createNetwork: async (spec, saved) => {
      const network = await inner.createNetwork(spec, saved);
      const outputs = network.outputs.bind(network);
      network.outputs = (part, rows) => {
        reads.push(`${part}:${rows ?? 'all'}`);
        return outputs(part, rows);
      };
      return (last = network);
    },
  };
  return { engine, reads, network: () => last! };
}

describe('image lessons: the metrics read back', () => {
  it("the confusion matrix is the device's counts (as the host's from every prediction); only the shown test images' probabilities are read, all of them only while the mistakes are shown", async () => {
    const store = createPlaygroundStore({
      settings: settings({ dataset: 'digits8', imageModel: 'mlp', optimizer: 'adam', learningRate: 0.001, batchSize: 32 }),
      loadImages: async (name) => readSet(name),
    });
    const { engine, reads, network } = countingEngine();
    const trainer = new Trainer(store, engine, new ManualFrames());
    await trainer.start();
    await firstResults(store, trainer);
    store.getState().step();
    await trainer.idle();
    // Each publish read the first TEST_IMAGES_SHOWN test images, never a whole set.
    expect(reads.length).toBeGreaterThan(0);
    expect(new Set(reads)).toEqual(new Set([`test:${TEST_IMAGES_SHOWN}`]));
    const s = store.getState();
    const labels = s.data.test.map((sample) => sample.label);
    const all = await network().outputs('test');
    expect(s.imageResults!.testProbabilities).toEqual(all.subarray(0, TEST_IMAGES_SHOWN * 10));
    const host = confusionMatrix(labels, argmaxRows(all, labels.length, 10), 10);
    expect(s.imageResults!.testConfusion).toEqual(host);
    expect(s.testAccuracy).toBeCloseTo(host.reduce((sum, row, c) => sum + row[c], 0) / labels.length, 6);
    // The mistakes need every test image's prediction: read when asked for, and dropped again after.
    reads.length = 0;
    store.getState().showOnlyMistakes(true);
    await trainer.idle();
    expect(reads).toEqual([`test:${labels.length}`]);
    expect(store.getState().imageResults!.testProbabilities).toEqual(all);
    store.getState().step();
    await trainer.idle();
    expect(new Set(reads)).toEqual(new Set([`test:${labels.length}`]));
    reads.length = 0;
    store.getState().showOnlyMistakes(false);
    await trainer.idle();
    expect(reads).toEqual([`test:${TEST_IMAGES_SHOWN}`]);
    expect(store.getState().imageResults!.testProbabilities).toHaveLength(TEST_IMAGES_SHOWN * 10);
    trainer.stop();
  });
});

async function startImages(overrides: Partial<Settings>) {
  const store = createPlaygroundStore({ settings: settings(overrides), loadImages: async (name) => readSet(name) });
  const trainer = new Trainer(store, createSequentialEngine({ prefer: ['cpu'] }), new ManualFrames());
  await trainer.start();
  await firstResults(store, trainer);
  return { store, trainer };
}

/** An edited CNN (not a preset) on the 8×8 digits: small enough to train an epoch in a unit test. */
const EDITED_CNN: Partial<Settings> = { dataset: 'digits8', imageModel: 'conv_6_3_1_same,max_2,flat,drop_0.2,dense_24', optimizer: 'adam', learningRate: 0.003, batchSize: 64 };

describe('image lessons: the edited stack through the store and trainer (CPU)', () => {
  it('an edit rebuilds the network with it; an impossible stack builds nothing and cannot start; fixed, it trains', async () => {
    const { store, trainer } = await startImages(EDITED_CNN);
    expect(store.getState().summary!.rows.map((r) => r.type)).toEqual(['Conv2D', 'MaxPooling2D', 'Flatten', 'Dropout', 'Dense', 'Dense']);
    // The editor's figures are the built network's model.summary().
    const editor = lessonSummary(store.getState().lesson)!;
    expect(editor.rows.map((r) => [null, ...r.outputShape!])).toEqual(store.getState().summary!.rows.map((r) => r.outputShape));
    expect(editor.rows.map((r) => r.params)).toEqual(store.getState().summary!.rows.map((r) => r.params));
    const stack = store.getState().lesson.stack!;
    // Remove the Flatten: the output Dense gets an image.
    store.getState().setImageStack(stack.filter((l) => l.type !== 'Flatten'));
    await trainer.idle();
    expect(store.getState().settings.imageModel).toBe('conv_6_3_1_same,max_2,drop_0.2,dense_24');
    store.getState().play();
    expect(store.getState().playing).toBe(false);
    store.getState().step();
    await trainer.idle();
    expect(store.getState()).toMatchObject({ epoch: 0, trainLoss: null, playing: false });
    // Put it back: the link is the edited stack again and one epoch trains.
    store.getState().setImageStack(stack);
    await trainer.idle();
    const initial = store.getState().trainLoss!;
    store.getState().step();
    await trainer.idle();
    expect(store.getState().epoch).toBe(1);
    expect(store.getState().trainLoss!).toBeLessThan(initial);
    // Back to a preset's layers: the link says the preset's name.
    store.getState().setImageStack(describeLesson(settings({ dataset: 'digits8', imageModel: 'mlp' })).stack!);
    expect(store.getState().settings.imageModel).toBe('mlp');
    trainer.stop();
  });

  it('a saved image lesson names its dataset (no pixels in the file), holds the stack, weights and optimizer state; reopened: same test accuracy, and it continues', async () => {
    // 479 rows a batch divides the 1,437 training images: each epoch starts at the first (the compiled trainer walks them cyclically).
    const a = await startImages({ ...EDITED_CNN, batchSize: 479 });
    a.store.getState().step();
    await a.trainer.idle();
    const file = await a.store.getState().saveLessonFile();
    expect(file.name).toBe('digits8-epoch-1.lesson.json');
    const parsed = JSON.parse(file.text);
    expect(parsed.lesson.settings).toMatchObject({ dataset: 'digits8', imageModel: EDITED_CNN.imageModel });
    expect(parsed.preprocessing).toBeUndefined();
    expect(parsed.model.layers.map((l: { type: string }) => l.type)).toEqual(['InputLayer', 'Conv2D', 'MaxPooling2D', 'Flatten', 'Dropout', 'Dense', 'Dense']);
    expect(parsed.model.optimizerState.slots.length).toBeGreaterThan(0);
    // About 2,000 parameters and their Adam moments as base64: the 1,797 images (115,008 pixels) are not in it.
    expect(file.text.length).toBeLessThan(200_000);

    const b = await startImages({ dataset: 'mnist', imageModel: 'mlp' });
    expect(b.store.getState().openLessonFile(file.text)).toBe(true);
    await vi.waitFor(() => expect(b.store.getState().testAccuracy).not.toBeNull(), { timeout: 20_000, interval: 20 });
    await b.trainer.idle();
    const [sa, sb] = [a.store.getState(), b.store.getState()];
    expect(sb.settings).toEqual(sa.settings);
    expect(sb.epoch).toBe(1);
    expect(sb.testAccuracy).toBe(sa.testAccuracy);
    expect(sb.testLoss).toBeCloseTo(sa.testLoss!, 6);
    a.store.getState().step();
    b.store.getState().step();
    await Promise.all([a.trainer.idle(), b.trainer.idle()]);
    expect(b.store.getState().epoch).toBe(2);
    expect(b.store.getState().trainLoss).toBeCloseTo(a.store.getState().trainLoss!, 5);
    expect(b.store.getState().testAccuracy).toBe(a.store.getState().testAccuracy);

    // A file whose model is not the stack its settings describe is refused, naming both.
    const other = { ...parsed, lesson: { ...parsed.lesson, settings: { ...parsed.lesson.settings, imageModel: 'conv_8_3_1_same,max_2,flat,drop_0.2,dense_24' } } };
    expect(b.store.getState().openLessonFile(JSON.stringify(other))).toBe(false);
    expect(b.store.getState().fileError).toMatch(/its layers are \[conv_6_3_1_same, max_2, flat, drop_0.2, dense_24, dense_10_softmax\]; the lesson's settings describe \[conv_8_3_1_same, /);
    const wrongSet = { ...parsed, lesson: { ...parsed.lesson, settings: { ...parsed.lesson.settings, dataset: 'mnist' } } };
    expect(b.store.getState().openLessonFile(JSON.stringify(wrongSet))).toBe(false);
    expect(b.store.getState().fileError).toMatch(/its input takes \[8,8,1\]; the lesson's images are \[28,28,1\]/);
    a.trainer.stop();
    b.trainer.stop();
  });

  it("the exported scripts read the shipped image file by name instead of embedding the images", async () => {
    const { store, trainer } = await startImages(EDITED_CNN);
    for (const language of ['pytorch', 'keras'] as const) {
      const script = await store.getState().exportCode(language);
      expect(script.name).toBe(`digits8_${language}.py`);
      expect(script.text).toContain('DATA_FILE = "digits8.images.gz"');
      expect(script.text).not.toContain("'x_train'");
      expect(script.text).toContain('BATCH_SIZE = 64');
    }
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
