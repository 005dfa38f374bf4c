// The metrics panel's figures, lesson files and code export through the store and trainer (CPU backend).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COURSE_TABLE_INFO, parseCourseTable } from '../../../src/data/course-tables';
import { csvDataset, csvTable, readCsv } from '../../../src/data/csv';
import type { UploadedTable } from '../../../src/app/lesson';
import { LESSON_FILE_MAX_BYTES } from '../../../src/app/lesson-file';
import { encodeFloat32 } from '../../../src/nn/serialization';
import { createSequentialEngine } from '../../../src/app/sequential-engine';
import { createPlaygroundStore } from '../../../src/app/store';
import { Trainer, type FrameScheduler } from '../../../src/app/trainer';
import { defaultSettings, type Settings } from '../../../src/app/url-table';

/** Frames run when the test says; each clock reading advances `msPerReading`. */
class ManualFrames implements FrameScheduler {
  private pending: (() => void)[] = [];
  private time = 0;
  constructor(private readonly msPerReading = 0) {}
  now(): number {
    this.time += this.msPerReading;
    return this.time;
  }
  request(callback: () => void): void {
    this.pending.push(callback);
  }
  async run(trainer: Trainer, frames: number): Promise<void> {
    for (let i = 0; i < frames; i++) {
      const callback = this.pending.shift();
      if (!callback) return;
      callback();
      await trainer.idle();
    }
  }
}

async function startTrainer(overrides: Partial<Settings> = {}, msPerReading = 0) {
  const store = createPlaygroundStore({
    settings: { ...defaultSettings(), seed: '0.35497', ...overrides },
    loadTable: async (name) => parseCourseTable(name, readFileSync(`public/data/${COURSE_TABLE_INFO[name].file}`, 'utf8')),
  });
  const frames = new ManualFrames(msPerReading);
  const trainer = new Trainer(store, createSequentialEngine({ prefer: ['cpu'] }), frames, { outputResolution: 8, neuronResolution: 4 });
  await trainer.start();
  await new Promise((resolve) => setTimeout(resolve, 0));
  await trainer.idle();
  return { store, frames, trainer };
}

type Started = Awaited<ReturnType<typeof startTrainer>>;

/** b reopened a's file at `epoch`: the same test figures, and one more epoch on each lands on the same loss. */
async function expectSameAndContinues(a: Started, b: Started, epoch: number): Promise<void> {
  const [sa, sb] = [a.store.getState(), b.store.getState()];
  expect(sb.epoch).toBe(epoch);
  expect(sb.testAccuracy).toBe(sa.testAccuracy);
  expect(sb.testLoss).toBeCloseTo(sa.testLoss!, 6);
  a.store.getState().step();
  b.store.getState().step();
  await Promise.all([a.trainer.idle(), b.trainer.idle()]);
  expect(b.store.getState().epoch).toBe(epoch + 1);
  expect(b.store.getState().trainLoss).toBeCloseTo(a.store.getState().trainLoss!, 5);
}

/** A CSV of 120 plants: two numeric columns, a categorical one (one-hot), three classes. */
function plantsCsv(): UploadedTable {
  const colors = ['rojo', 'azul', 'verde'];
  const rows = Array.from({ length: 120 }, (_, i) => `${(i % 3) * 2 + (i % 7) / 10};${(i % 5) / 2};${colors[i % 4 === 0 ? 2 : i % 2]};${'abc'[i % 3]}`.replaceAll('.', ','));
  const dataset = csvDataset(readCsv(['alto;ancho;color;clase', ...rows].join('\n'), 'plantas.csv'), { target: 'clase' });
  return { name: 'plantas.csv', target: 'clase', inputNames: dataset.featureNames, table: csvTable(dataset) };
}

const BLOBS: Partial<Settings> = { dataset: 'blobs', classes: 3, networkShape: [6], optimizer: 'adam', learningRate: 0.01 };
const BREAST_CANCER: Partial<Settings> = { dataset: 'breast-cancer', percTrainData: 80, networkShape: [8], activation: 'relu', optimizer: 'adam', learningRate: 0.01, validationSplit: 0.2 };

describe('metrics panel figures', () => {
  it('three classes: a confusion matrix per part whose counts and accuracy match the published ones', async () => {
    const { store, trainer } = await startTrainer(BLOBS);
    for (let i = 0; i < 5; i++) store.getState().step();
    await trainer.idle();
    const s = store.getState();
    const train = s.metrics!.train!;
    expect(train.kind).toBe('classification');
    if (train.kind !== 'classification') return;
    expect(train.report.confusion).toHaveLength(3);
    expect(train.report.confusion.flat().reduce((a, b) => a + b, 0)).toBe(s.data.train.length);
    expect(train.report.accuracy).toBeCloseTo(s.trainAccuracy!, 10);
    expect(s.metrics!.test!.kind === 'classification' && s.metrics!.test!.report.accuracy).toBeCloseTo(s.testAccuracy!, 10);
    // Not a two-class problem: no curves; no validation part in this lesson.
    expect(train.roc).toBeNull();
    expect(s.metrics!.validation).toBeUndefined();
  });

  it('a picked confusion cell reads its part\'s predicted classes once, on demand: as many marks as the cell counts', async () => {
    const { store, trainer } = await startTrainer(BLOBS);
    for (let i = 0; i < 3; i++) store.getState().step();
    await trainer.idle();
    expect(store.getState().highlightClasses).toBeNull();
    const test = store.getState().metrics!.test!;
    if (test.kind !== 'classification') throw new Error('expected classification');
    const [actual, predicted] = [0, 1, 2].flatMap((a) => [0, 1, 2].map((p) => [a, p])).find(([a, p]) => a !== p && test.report.confusion[a][p] > 0) ?? [0, 0];
    store.getState().setHighlight({ part: 'test', actual, predicted });
    await trainer.idle();
    const { highlightClasses, data } = store.getState();
    expect(highlightClasses?.part).toBe('test');
    const marked = data.test.filter((s, i) => s.label === actual && highlightClasses!.predicted[i] === predicted).length;
    expect(marked).toBe(test.report.confusion[actual][predicted]);
    store.getState().setHighlight(null);
    expect(store.getState().highlightClasses).toBeNull();
  });

  it('breast cancer: ROC and precision-recall curves for train, validation and test', async () => {
    const { store, trainer } = await startTrainer(BREAST_CANCER);
    for (let i = 0; i < 3; i++) store.getState().step();
    await trainer.idle();
    const m = store.getState().metrics!;
    for (const part of [m.train, m.validation, m.test]) {
      expect(part?.kind).toBe('classification');
      if (part?.kind !== 'classification') continue;
      expect(part.roc!.auc).toBeGreaterThan(0.9);
      expect(part.pr!.averagePrecision).toBeGreaterThan(0.9);
    }
    expect(store.getState().validationAccuracy).toBeGreaterThan(0.8);
  });

  it('regression: RMSE, MAE and R²', async () => {
    const { store } = await startTrainer({ problem: 'regression' });
    const test = store.getState().metrics!.test!;
    expect(test.kind).toBe('regression');
    if (test.kind === 'regression') expect(test.rmse).toBeGreaterThanOrEqual(test.mae);
  });

  it('while training, recomputed at most every 250 ms of the clock', async () => {
    // 1 ms per clock reading: ten frames of a few readings each take well under 250 ms.
    const { store, frames, trainer } = await startTrainer(BLOBS, 1);
    const first = store.getState().metrics;
    store.getState().play();
    await frames.run(trainer, 10);
    expect(store.getState().epoch).toBeGreaterThan(5);
    expect(store.getState().metrics).toBe(first);
    store.getState().pause();
    store.getState().step();
    await trainer.idle();
    expect(store.getState().metrics).not.toBe(first);
  });

  it('the summary follows the architecture', async () => {
    const { store, trainer } = await startTrainer(BLOBS);
    expect(store.getState().summary!.rows.map((r) => r.outputShape)).toEqual([[null, 6], [null, 3]]);
    expect(store.getState().summary!.totalParams).toBe(2 * 6 + 6 + 6 * 3 + 3);
    store.getState().addNeuron(0);
    await trainer.idle();
    expect(store.getState().summary!.totalParams).toBe(2 * 7 + 7 + 7 * 3 + 3);
  });
});

describe('lesson files', () => {
  it('a saved lesson opens in a fresh page with the same test accuracy, epoch and next step (optimizer state kept)', async () => {
    // Full batch: every epoch is one step over the same rows, so the next step depends on the weights and Adam's state only.
    const a = await startTrainer({ ...BREAST_CANCER, fullBatch: true });
    for (let i = 0; i < 4; i++) a.store.getState().step();
    await a.trainer.idle();
    const file = await a.store.getState().saveLessonFile();
    expect(file.name).toBe('breast-cancer-epoch-4.lesson.json');
    const parsed = JSON.parse(file.text);
    expect(parsed.preprocessing.mean).toHaveLength(30);

    const b = await startTrainer({ seed: '0.9' });
    expect(b.store.getState().openLessonFile(file.text)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 0));
    await b.trainer.idle();
    const [sa, sb] = [a.store.getState(), b.store.getState()];
    expect(sb.settings).toEqual(sa.settings);
    // Adam's moments and step count came along: one more epoch lands on the same loss.
    await expectSameAndContinues(a, b, 4);
  });

  /** Open `text` in a fresh page; resolves when its first results are published. */
  async function openInFreshPage(text: string) {
    const b = await startTrainer({ seed: '0.9' });
    expect(b.store.getState().openLessonFile(text)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 0));
    await b.trainer.idle();
    return b;
  }

  async function steps(...pages: { store: ReturnType<typeof createPlaygroundStore>; trainer: Trainer }[]) {
    for (const p of pages) p.store.getState().step();
    await Promise.all(pages.map((p) => p.trainer.idle()));
  }

  it('mini-batches that wrap around the rows: save, open and continue equals training straight through', async () => {
    // 10 rows a batch over breast cancer's training rows: each epoch ends mid-batch, so the next starts elsewhere.
    const a = await startTrainer({ ...BREAST_CANCER, batchSize: 10 });
    const rows = a.store.getState().data.train.length;
    expect(rows % 10).not.toBe(0);
    for (let i = 0; i < 3; i++) await steps(a);
    const file = await a.store.getState().saveLessonFile();
    const progress = JSON.parse(file.text).lesson.progress;
    expect(progress).toEqual({ position: 0, firstRow: (3 * Math.ceil(rows / 10) * 10) % rows, earlyStopping: null });
    const b = await openInFreshPage(file.text);
    // Without the row it had reached, the same file continues on other batches.
    const withoutProgress = JSON.parse(file.text);
    delete withoutProgress.lesson.progress;
    const c = await openInFreshPage(JSON.stringify(withoutProgress));
    for (let i = 0; i < 2; i++) await steps(a, b, c);
    const [sa, sb, sc] = [a, b, c].map((p) => p.store.getState());
    expect(sb.epoch).toBe(5);
    expect(sb.trainLoss).toBe(sa.trainLoss);
    expect(sb.testLoss).toBe(sa.testLoss);
    expect(sb.network).toEqual(sa.network);
    expect(sc.trainLoss).not.toBe(sa.trainLoss);
  });

  it('saved mid-epoch: the batch reached comes along, and the epoch finishes as it would have', async () => {
    // A clock that reads 40 ms later each time: a frame fits a step or two, not the epoch's 37.
    const a = await startTrainer({ ...BREAST_CANCER, batchSize: 10 }, 40);
    a.store.getState().play();
    await a.frames.run(a.trainer, 3);
    a.store.getState().pause();
    await a.trainer.idle();
    const file = await a.store.getState().saveLessonFile();
    const { position } = JSON.parse(file.text).lesson.progress;
    expect(position).toBeGreaterThan(0);
    const b = await openInFreshPage(file.text);
    for (let i = 0; i < 2; i++) await steps(a, b);
    expect(b.store.getState().epoch).toBe(a.store.getState().epoch);
    expect(b.store.getState().trainLoss).toBe(a.store.getState().trainLoss);
    expect(b.store.getState().network).toEqual(a.store.getState().network);
  });

  it('early stopping goes on counting from the file: it stops at the same epoch and puts back the same best weights', async () => {
    // minDelta 10: only the first epoch improves, so training stops `patience` epochs later and restores the first epoch's weights.
    const settings: Partial<Settings> = { ...BREAST_CANCER, batchSize: 10, earlyStopping: true, patience: 5, minDelta: 10, restoreBestWeights: true };
    const a = await startTrainer(settings);
    for (let i = 0; i < 3; i++) await steps(a);
    const file = await a.store.getState().saveLessonFile();
    const { earlyStopping } = JSON.parse(file.text).lesson.progress;
    expect(earlyStopping).toMatchObject({ wait: 2, bestEpoch: 0 });
    expect(earlyStopping.bestWeights).toHaveLength(4);
    const b = await openInFreshPage(file.text);
    for (let i = 0; i < 6 && a.store.getState().stoppedEpoch === null; i++) await steps(a, b);
    const [sa, sb] = [a.store.getState(), b.store.getState()];
    expect(sa.stoppedEpoch).toBe(6);
    expect(sb.stoppedEpoch).toBe(6);
    expect(sb.network).toEqual(sa.network);
    expect(sb.testAccuracy).toBe(sa.testAccuracy);
  });

  it('a broken progress field is refused naming it', async () => {
    const a = await startTrainer({ ...BREAST_CANCER, earlyStopping: true, restoreBestWeights: true });
    await steps(a);
    const good = JSON.parse((await a.store.getState().saveLessonFile()).text);
    const p = good.lesson.progress;
    const withProgress = (progress: unknown) => JSON.stringify({ ...good, lesson: { ...good.lesson, progress } });
    const weights = p.earlyStopping.bestWeights;
    const cases: [string, RegExp][] = [
      [withProgress('x'), /lesson: progress is "x"; expected \{ position, firstRow, earlyStopping \}/],
      [withProgress({ ...p, position: -1 }), /progress\.position is -1; expected a whole number ≥ 0/],
      [withProgress({ ...p, firstRow: 1.5 }), /progress\.firstRow is 1\.5/],
      [withProgress({ ...p, earlyStopping: { ...p.earlyStopping, best: null } }), /progress\.earlyStopping\.best is null; expected a finite number/],
      [withProgress({ ...p, earlyStopping: { ...p.earlyStopping, wait: 'two' } }), /progress\.earlyStopping\.wait is "two"/],
      [withProgress({ ...p, earlyStopping: { ...p.earlyStopping, bestWeights: weights.slice(1) } }), /bestWeights has 3 arrays; expected the model's 4/],
      [withProgress({ ...p, earlyStopping: { ...p.earlyStopping, bestWeights: [weights[1], weights[0], ...weights.slice(2)] } }), /bestWeights\[0\] is "[^"]+" \[8\]; expected the model's "[^"]+" \[30, 8\]/],
    ];
    for (const [text, message] of cases) {
      expect(a.store.getState().openLessonFile(text)).toBe(false);
      expect(a.store.getState().fileError).toMatch(message);
    }
    // Well formed but past this lesson's rows (only the data can tell): the model opens, the epoch starts over, and the page says why.
    expect(a.store.getState().openLessonFile(withProgress({ ...p, firstRow: 100_000 }))).toBe(true);
    await a.trainer.idle();
    expect(a.store.getState().error).toMatch(/progress\.firstRow 100000 is past the lesson's \d+ training rows; training goes on from the epoch's start/);
    expect(a.store.getState().epoch).toBe(1);
  });

  it('a lesson changed while the opened file\'s table loads gets a fresh network, not the file\'s', async () => {
    const a = await startTrainer(BREAST_CANCER);
    a.store.getState().step();
    await a.trainer.idle();
    const file = await a.store.getState().saveLessonFile();
    const b = await startTrainer({ seed: '0.9' });
    expect(b.store.getState().openLessonFile(file.text)).toBe(true);
    b.store.getState().setSetting('networkShape', [3]);
    await new Promise((resolve) => setTimeout(resolve, 0));
    await b.trainer.idle();
    const s = b.store.getState();
    expect(s.error).toBeNull();
    expect(s.epoch).toBe(0);
    expect(s.summary!.rows.map((r) => r.outputShape)).toEqual([[null, 3], [null, 1]]);
  });

  it('opening the file of the running lesson still puts its model back', async () => {
    const { store, trainer } = await startTrainer(BLOBS);
    store.getState().step();
    await trainer.idle();
    const file = await store.getState().saveLessonFile();
    const accuracy = store.getState().testAccuracy;
    store.getState().reset();
    await trainer.idle();
    expect(store.getState().openLessonFile(file.text)).toBe(true);
    await trainer.idle();
    expect(store.getState()).toMatchObject({ epoch: 1, testAccuracy: accuracy });
  });

  it('a bad file names what is wrong and leaves the lesson as it was', async () => {
    const { store, trainer } = await startTrainer(BLOBS);
    store.getState().step();
    await trainer.idle();
    const good = JSON.parse((await store.getState().saveLessonFile()).text);
    const before = store.getState();
    const broken: [string, string | RegExp][] = [
      ['not json {', /not JSON|JSON/i],
      [JSON.stringify({ ...good, version: 99 }), /version 99/],
      [JSON.stringify({ ...good, lesson: { ...good.lesson, settings: { ...good.lesson.settings, learningRate: 'fast' } } }), /settings\.learningRate/],
      [JSON.stringify({ ...good, lesson: { ...good.lesson, settings: { ...good.lesson.settings, networkShape: [3] } } }), /dense layers are \[6 tanh, 3 softmax\]; the lesson's settings describe \[3 tanh, 3 softmax\]/],
      [JSON.stringify({ ...good, lesson: { settings: good.lesson.settings } }), /epoch/],
      [JSON.stringify({ ...good, model: undefined }), /model/],
      ['x'.repeat(LESSON_FILE_MAX_BYTES + 1), new RegExp(`expected at most ${LESSON_FILE_MAX_BYTES} bytes`)],
    ];
    for (const [text, message] of broken) {
      expect(store.getState().openLessonFile(text)).toBe(false);
      expect(store.getState().fileError).toMatch(message);
    }
    await trainer.idle();
    const after = store.getState();
    expect(after.settings).toBe(before.settings);
    expect(after.epoch).toBe(1);
    expect(after.network).toBe(before.network);
  });

  it('a lesson on an uploaded CSV is saved with its table and opens on the same data, test accuracy and next step', async () => {
    const a = await startTrainer({ networkShape: [6], optimizer: 'adam', learningRate: 0.03, fullBatch: true });
    a.store.getState().openUpload(plantsCsv());
    await a.trainer.idle();
    for (let i = 0; i < 4; i++) a.store.getState().step();
    await a.trainer.idle();
    const file = await a.store.getState().saveLessonFile();
    const table = JSON.parse(file.text).lesson.table;
    expect(table).toMatchObject({ name: 'plantas.csv', target: 'clase', inputNames: ['alto', 'ancho', 'color=verde', 'color=azul', 'color=rojo'], classNames: ['a', 'b', 'c'] });
    expect(table.y).toHaveLength(120);

    // A fresh page that never saw the CSV.
    const b = await startTrainer({ seed: '0.9' });
    const opened = b.store.getState().openLessonFile(file.text);
    expect(b.store.getState().fileError).toBeNull();
    expect(opened).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 0));
    await b.trainer.idle();
    const [sa, sb] = [a.store.getState(), b.store.getState()];
    expect(sb.error).toBeNull();
    expect(sb.settings).toEqual(sa.settings);
    expect(sb.upload?.name).toBe('plantas.csv');
    expect(sb.data.train).toEqual(sa.data.train);
    expect(sb.data.test).toEqual(sa.data.test);
    expect(sb.data.standardization).toEqual(sa.data.standardization);
    await expectSameAndContinues(a, b, 4);
  });

  it('a CSV lesson\'s broken table is refused naming the field, and the lesson keeps running', async () => {
    const { store, trainer } = await startTrainer({ networkShape: [6] });
    store.getState().openUpload(plantsCsv());
    await trainer.idle();
    const good = JSON.parse((await store.getState().saveLessonFile()).text);
    const withTable = (table: unknown) => JSON.stringify({ ...good, lesson: { ...good.lesson, table } });
    const t = good.lesson.table;
    const broken: [string, RegExp][] = [
      [withTable(undefined), /lesson: table is missing; a lesson on an uploaded CSV/],
      [withTable('rows'), /lesson: table is "rows"; expected the uploaded CSV's table/],
      [withTable({ ...t, target: '' }), /table\.target is ""; expected a non-empty string/],
      [withTable({ ...t, classNames: ['a', 'b', 'c', 'd', 'e', 'f', 'g'] }), /table\.classNames has 7 names; expected 1 to 6/],
      [withTable({ ...t, inputNames: [1] }), /table\.inputNames\[0\] is 1; expected a string/],
      [withTable({ ...t, y: [...t.y.slice(1), 3] }), /table\.y\[119\] is 3; expected a class index in \[0, 3\)/],
      [withTable({ ...t, y: t.y.slice(1) }), /table\.x holds 600 values; expected 595 \(119 rows × 5 inputs\)/],
      [withTable({ ...t, x: '%%%' }), /table\.x: not valid base64/],
      [withTable({ ...t, x: encodeFloat32(new Float32Array(600).fill(NaN)) }), /table\.x: value NaN at row 0, input 0; expected finite numbers/],
      [withTable({ ...t, inputNames: t.inputNames.slice(1), x: encodeFloat32(new Float32Array(480)) }), /model: its input takes \[5\]; the lesson's settings give 4 inputs/],
    ];
    const before = store.getState();
    for (const [text, message] of broken) {
      expect(store.getState().openLessonFile(text)).toBe(false);
      expect(store.getState().fileError).toMatch(message);
    }
    await trainer.idle();
    expect(store.getState().data).toBe(before.data);
    expect(store.getState().upload).toBe(before.upload);
  });
});

describe('code export', () => {
  it('PyTorch and Keras scripts of the current model, with the table standardization and its data', async () => {
    const { store } = await startTrainer(BREAST_CANCER);
    const torch = await store.getState().exportCode('pytorch');
    expect(torch.name).toBe('breast_cancer_pytorch.py');
    expect(torch.text).toContain('def build_model');
    const keras = await store.getState().exportCode('keras');
    expect(keras.name).toBe('breast_cancer_keras.py');
    expect(keras.text).toMatch(/layers\.Normalization\(mean=\[14\.\d+/);
    expect(keras.text).toContain('layers.Dense(8, activation="relu"');
    // Raw inputs embedded (the model standardizes them): the first row's mean radius is in the table's own units.
    const [, rows, base64] = /'x_train': \(\((\d+), 30\), '([^']+)'\)/.exec(keras.text)!;
    expect(Number(rows)).toBe(456);
    const x = new Float32Array(Buffer.from(base64, 'base64').buffer.slice(0));
    expect(x[0]).toBeGreaterThan(5);
    expect(torch.text).toContain("'y_test': ((113, 1)");
  });
});
