// The lesson model: what the settings describe, the targets and classes, the course tables' data, and the
// URL rows of every lesson key.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COURSE_TABLES, COURSE_TABLE_INFO, parseCourseTable, type CourseTable } from '../../../src/data/course-tables';
import { decodeClasses, describeLesson, encodeTargets, pairingWarning } from '../../../src/app/lesson';
import { encodeInputs, lessonData, trainingMeans } from '../../../src/app/lesson-data';
import { createPlaygroundStore, type TrainerPort } from '../../../src/app/store';
import { parseHash, serializeHash } from '../../../src/app/url-codec';
import { URL_TABLE, defaultSettings, type Settings } from '../../../src/app/url-table';

const settings = (overrides: Partial<Settings> = {}): Settings => ({ ...defaultSettings(), seed: '0.5', ...overrides });
const readTable = (name: CourseTable) => parseCourseTable(name, readFileSync(`public/data/${COURSE_TABLE_INFO[name].file}`, 'utf8'));
const tables = new Map(COURSE_TABLES.map((n) => [n, readTable(n)]));

describe('describeLesson', () => {
  it("TensorFlow Playground's default: the plane, its features, a tanh output and its rules", () => {
    const lesson = describeLesson(settings());
    expect(lesson.data).toMatchObject({ kind: 'plane', dataset: 'circle', classes: 2, features: ['x', 'y'], tfp: true });
    expect(lesson.model.map((l) => [l.units, l.activation])).toEqual([[4, 'tanh'], [2, 'tanh'], [1, 'tanh']]);
    expect(lesson.training).toMatchObject({ loss: 'mse', semantics: 'tfp', batchSize: 10, optimizer: { kind: 'sgd', learningRate: 0.03 } });
    expect(lesson.view).toEqual({ kind: 'plane', radius: 6, features: ['x', 'y'] });
  });

  it('multi-class sets: one softmax unit per class, categorical cross-entropy, Keras rules', () => {
    const lesson = describeLesson(settings({ dataset: 'blobs', classes: 4 }));
    expect(lesson.data).toMatchObject({ kind: 'plane', classes: 4, tfp: false });
    expect(lesson.model.at(-1)).toMatchObject({ units: 4, activation: 'softmax' });
    expect(lesson.training).toMatchObject({ loss: 'categorical_crossentropy', semantics: 'keras' });
  });

  it('course tables: inputs and classes from the table, a sigmoid for two classes, a slice view', () => {
    const iris = describeLesson(settings({ dataset: 'iris' }));
    expect(iris.data).toMatchObject({ kind: 'table', classes: 3, inputNames: ['sepal length', 'sepal width', 'petal length', 'petal width'] });
    expect(iris.model.at(-1)).toMatchObject({ units: 3, activation: 'softmax' });
    expect(iris.view).toEqual({ kind: 'slice', axes: [0, 1] });
    expect(describeLesson(settings({ dataset: 'iris', sliceX: 3, sliceY: 3 })).view).toEqual({ kind: 'slice', axes: [3, 0] });
    expect(describeLesson(settings({ dataset: 'iris', sliceX: 40, sliceY: 2 })).view).toEqual({ kind: 'slice', axes: [3, 2] });
    const cancer = describeLesson(settings({ dataset: 'breast-cancer' }));
    expect(cancer.model.at(-1)).toMatchObject({ units: 1, activation: 'sigmoid' });
    expect(cancer.training.loss).toBe('binary_crossentropy');
  });

  it('per-layer activation, dropout and regularization override the global choice; the output keeps its own', () => {
    const lesson = describeLesson(
      settings({ networkShape: [5, 4, 3], activation: 'relu', layerActivations: ['global', 'sigmoid'], dropout: [0.2], layerRegularization: ['L1', 'global', 'none'], regularization: 'L2', regularizationRate: 0.01 }),
    );
    expect(lesson.model.map((l) => [l.activation, l.dropout, l.regularization])).toEqual([
      ['relu', 0.2, 'L1'],
      ['sigmoid', 0, 'L2'],
      ['relu', 0, 'none'],
      ['tanh', 0, 'L2'],
    ]);
  });

  it('optimizer, batch and early stopping settings reach the training spec', () => {
    const lesson = describeLesson(settings({ optimizer: 'nesterov', momentum: 0.95, fullBatch: true, validationSplit: 0.2, earlyStopping: true, monitor: 'val_accuracy', patience: 3, minDelta: 0.01, restoreBestWeights: true }));
    expect(lesson.training).toMatchObject({
      optimizer: { kind: 'nesterov', momentum: 0.95 },
      batchSize: 'full',
      validationSplit: 0.2,
      earlyStopping: { monitor: 'val_accuracy', patience: 3, minDelta: 0.01, restoreBestWeights: true },
      semantics: 'keras',
    });
  });

  it("warns on pairs the course does not teach, and not on the course's", () => {
    expect(pairingWarning('softmax', 'categorical_crossentropy', 3)).toBeNull();
    expect(pairingWarning('sigmoid', 'mse', 2)).toBeNull();
    expect(pairingWarning('sigmoid', 'binary_crossentropy', 2)).toBeNull();
    expect(pairingWarning('tanh', 'mse', 2)).toBeNull();
    expect(pairingWarning('linear', 'huber', 0)).toBeNull();
    expect(pairingWarning('softmax', 'mse', 3)).toBe('pairing.softmaxNeedsCce');
    expect(pairingWarning('tanh', 'categorical_crossentropy', 3)).toBe('pairing.cceNeedsSoftmax');
    expect(pairingWarning('tanh', 'binary_crossentropy', 2)).toBe('pairing.bceNeedsSigmoid');
    expect(pairingWarning('sigmoid', 'mae', 2)).toBe('pairing.sigmoidLoss');
    expect(pairingWarning('linear', 'binary_crossentropy', 0)).toBe('pairing.regressionLoss');
  });
});

describe('targets and classes', () => {
  it('±1 for a tanh unit, 0/1 for a sigmoid, one-hot per class; decoded by midpoint or argmax', () => {
    const tfp = describeLesson(settings());
    expect(Array.from(encodeTargets(tfp, [1, 0]))).toEqual([1, -1]);
    expect(Array.from(decodeClasses(tfp, [0.2, -0.1], 2))).toEqual([1, 0]);
    const cancer = describeLesson(settings({ dataset: 'breast-cancer' }));
    expect(Array.from(encodeTargets(cancer, [1, 0]))).toEqual([1, 0]);
    expect(Array.from(decodeClasses(cancer, [0.6, 0.4], 2))).toEqual([1, 0]);
    const blobs = describeLesson(settings({ dataset: 'blobs', classes: 3 }));
    expect(Array.from(encodeTargets(blobs, [2, 0]))).toEqual([0, 0, 1, 1, 0, 0]);
    expect(Array.from(decodeClasses(blobs, [0.1, 0.7, 0.2, 0.5, 0.3, 0.2], 2))).toEqual([1, 0]);
  });
});

describe('lesson data', () => {
  it('a multi-class plane set: labels are class indices, every class present', () => {
    const data = lessonData(describeLesson(settings({ dataset: 'spiral3', classes: 5 })), new Map());
    expect(new Set(data.train.map((s) => s.label))).toEqual(new Set([0, 1, 2, 3, 4]));
  });

  it('a table: seeded stratified split, standardized with the training part only, validation cut from its end', () => {
    const lesson = describeLesson(settings({ dataset: 'iris', percTrainData: 80 }));
    const data = lessonData(lesson, tables);
    expect([data.train.length, data.test.length]).toEqual([120, 30]);
    for (const c of [0, 1, 2]) expect(data.test.filter((s) => s.label === c)).toHaveLength(10);
    const means = trainingMeans(lesson, data);
    for (const m of means) expect(Math.abs(m)).toBeLessThan(1e-5);
    const x = encodeInputs(lesson, data.train);
    const variance = Array.from({ length: 4 }, (_, j) => data.train.reduce((s, _r, i) => s + x[i * 4 + j] ** 2, 0) / data.train.length);
    for (const v of variance) expect(v).toBeCloseTo(1, 4);
    expect(lessonData(lesson, tables)).toEqual(data);
    const withValidation = lessonData(describeLesson(settings({ dataset: 'iris', percTrainData: 80, validationSplit: 0.25 })), tables);
    expect([withValidation.train.length, withValidation.validation.length]).toEqual([90, 30]);
    expect(withValidation.validation).toEqual(data.train.slice(90));
  });

  it('the four people and the XOR table train on every row', () => {
    const people = lessonData(describeLesson(settings({ dataset: 'weight-height' })), tables);
    expect([people.train.length, people.test.length]).toEqual([4, 0]);
    expect(people.train.map((s) => s.label).sort()).toEqual([0, 0, 1, 1]);
  });

  it('the store loads a table once, then resets the trainer with its data', async () => {
    const loads: string[] = [];
    const store = createPlaygroundStore({
      settings: settings(),
      loadTable: async (name) => {
        loads.push(name);
        return readTable(name);
      },
    });
    const calls: string[] = [];
    const port = { reset: () => calls.push('reset') } as unknown as TrainerPort;
    store.getState().connectTrainer(port);
    store.getState().setSetting('dataset', 'wine');
    expect(store.getState().data).toMatchObject({ loading: 'wine', train: [] });
    await new Promise((r) => setTimeout(r, 0));
    expect(store.getState().data.loading).toBeNull();
    expect(store.getState().data.train.length + store.getState().data.test.length).toBe(178);
    expect(calls).toEqual(['reset', 'reset']);
    store.getState().setSetting('dataset', 'circle');
    store.getState().setSetting('dataset', 'wine');
    expect(store.getState().data.loading).toBeNull();
    expect(loads).toEqual(['wine']);
  });

  it('a table that fails to load is reported with its name', async () => {
    const store = createPlaygroundStore({ settings: settings(), loadTable: async () => Promise.reject(new Error('404 Not Found')) });
    store.getState().setSetting('dataset', 'iris');
    await new Promise((r) => setTimeout(r, 0));
    expect(store.getState().error).toBe('iris: 404 Not Found');
  });
});

describe('URL rows of the lesson keys', () => {
  const examples: Partial<Settings> = {
    dataset: 'blobs', classes: 5, outputActivation: 'softmax', loss: 'categorical_crossentropy', optimizer: 'adam', momentum: 0.8, rho: 0.95,
    beta1: 0.85, beta2: 0.99, epsilon: 1e-8, fullBatch: true, layerActivations: ['relu', 'global', 'sigmoid'], dropout: [0.5, 0, 0.25],
    layerRegularization: ['L1', 'none'], validationSplit: 0.2, earlyStopping: true, monitor: 'val_accuracy', patience: 25, minDelta: 0.001,
    restoreBestWeights: true, sliceX: 2, sliceY: 3,
  };

  it.each(Object.entries(examples))('%s round-trips and is written only when not the default', (key, value) => {
    const hash = serializeHash(settings({ [key]: value }));
    expect(hash).toContain(`&${key}=`);
    const { settings: parsed, ignored } = parseHash(hash);
    expect(ignored).toEqual([]);
    expect(parsed[key as keyof Settings]).toEqual(value);
    const row = URL_TABLE.find((r) => r.key === key)!;
    if (!row.tfp) expect(serializeHash(settings())).not.toContain(`&${key}=`);
  });

  it('refuses values outside the rows with a reason', () => {
    for (const hash of ['optimizer=lbfgs', 'loss=hinge', 'classes=7', 'dropout=0.95', 'layerActivations=relu,magic', 'validationSplit=0.8', 'dataset=cifar10']) {
      const { ignored } = parseHash(`#${hash}`);
      expect(ignored.map((e) => e.key), hash).toEqual([hash.split('=')[0]]);
    }
  });
});

describe("a user's CSV", () => {
  it('opened into the store: its columns become the inputs, split and standardized like a course table, the trainer resets', async () => {
    const { readCsv, csvDataset, csvTable } = await import('../../../src/data/csv');
    const rows = Array.from({ length: 40 }, (_, i) => `${(i % 2 ? 5 : 1) + (i % 7) / 10};${i % 3 === 0 ? 'rojo' : 'azul'};${i % 2 ? 'grande' : 'pequeño'}`.replace('.', ','));
    const file = readCsv(['tamaño;color;clase', ...rows].join('\n'), 'plantas.csv');
    const dataset = csvDataset(file, { target: 'clase' });
    const store = createPlaygroundStore({ settings: settings({ dataset: 'iris' }), loadTable: async (name) => readTable(name) });
    const calls: string[] = [];
    store.getState().connectTrainer({ reset: () => calls.push('reset') } as unknown as TrainerPort);
    store.getState().openUpload({ name: 'plantas.csv', target: 'clase', inputNames: dataset.featureNames, table: csvTable(dataset) });
    const { lesson, data, settings: s } = store.getState();
    expect(s.dataset).toBe('upload');
    expect(lesson.data).toMatchObject({ kind: 'table', table: 'upload', inputNames: ['tamaño', 'color=rojo', 'color=azul'], classNames: ['pequeño', 'grande'] });
    expect(lesson.model.at(-1)).toMatchObject({ units: 1, activation: 'sigmoid' });
    expect([data.train.length, data.test.length]).toEqual([20, 20]);
    for (const m of trainingMeans(lesson, data)) expect(Math.abs(m)).toBeLessThan(1e-5);
    expect(calls).toEqual(['reset']);
    // Its link says dataset=upload; a page opened from it asks for the file.
    const fresh = lessonData(describeLesson(s), new Map());
    expect(fresh).toMatchObject({ train: [], loading: null });
  });
});
