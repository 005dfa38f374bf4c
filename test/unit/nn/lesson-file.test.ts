// The lesson file: round trip, and a table of broken files whose errors name the field and what was expected.
import { beforeAll, describe, expect, it } from 'vitest';
import { createLessonFile, layers, readLessonFile, Sequential, setBackend, type ModelJSON } from '../../../src/index';

let model: ModelJSON;
beforeAll(async () => {
  setBackend('cpu');
  const m = new Sequential([layers.input({ shape: [3] }), layers.dense({ units: 2, activation: 'softmax' })], { seed: 2 });
  m.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy' });
  await m.trainOnBatch([[1, 2, 3]], [1]);
  model = await m.toJSON();
});

const lesson = { data: { kind: 'table', name: 'iris' }, training: { batchSize: 10 } };
const preprocessing = { kind: 'standardize' as const, mean: [1, 2, 3], std: [0.5, 1, 2] };

describe('lesson file', () => {
  it('round-trips through JSON text and restores the model', async () => {
    const file = createLessonFile(lesson, model, preprocessing, '2026-12-02T15:00:00.000Z');
    const read = readLessonFile(JSON.stringify(file));
    expect(read).toEqual(JSON.parse(JSON.stringify(file)));
    const restored = Sequential.fromJSON(read.model);
    expect(await restored.getWeights()).toEqual(await Sequential.fromJSON(model).getWeights());
  });

  it("passes the lesson through the app's checker and reports its message", () => {
    const file = JSON.stringify(createLessonFile(lesson, model));
    const checkLesson = (l: unknown) => {
      if ((l as typeof lesson).training.batchSize > 5) throw new Error('training.batchSize 10 is over 5');
      return l as typeof lesson;
    };
    expect(() => readLessonFile(file, { checkLesson })).toThrow('lesson file: lesson: training.batchSize 10 is over 5');
    expect(readLessonFile(file, { checkLesson: (l) => l }).lesson).toEqual(lesson);
  });

  const cases: [string, () => unknown, string | RegExp][] = [
    ['not JSON', () => 'lesson', /^lesson file: not valid JSON/],
    ['a model file', () => JSON.stringify(model), 'lesson file: format is "webgpu-nn-playground/sequential"; expected "webgpu-nn-playground/lesson" (this is a model file: load it with Sequential.fromJSON)'],
    ['another version', () => ({ ...file(), version: 2 }), 'lesson file: version 2 is not supported; expected 1'],
    ['no lesson', () => ({ ...file(), lesson: undefined }), 'lesson file: lesson is missing; expected the lesson description'],
    ['no model', () => ({ ...file(), model: undefined }), 'lesson file: model is missing; expected a model JSON object'],
    ['a broken model', () => ({ ...file(), model: { ...model, seed: 1.5 } }), 'lesson file: model: seed is 1.5; expected an integer'],
    ['savedAt a number', () => ({ ...file(), savedAt: 5 }), 'lesson file: savedAt is 5; expected an ISO date string or nothing'],
    ['unknown preprocessing', () => ({ ...file(), preprocessing: { kind: 'minmax' } }), 'lesson file: preprocessing.kind is "minmax"; expected "standardize"'],
    ['a zero std', () => ({ ...file(), preprocessing: { ...preprocessing, std: [1, 0, 1] } }), 'lesson file: preprocessing.std[1] is 0; expected a finite number > 0'],
    [
      'a mean of the wrong length',
      () => ({ ...file(), preprocessing: { ...preprocessing, mean: [1, 2] } }),
      "lesson file: preprocessing.mean has 2 values; expected 3, one per input feature (the last axis of the model's input)",
    ],
    ['huge', () => 'x'.repeat(1000), 'lesson file: the file is 1000 characters; expected at most 100 bytes'],
  ];
  const file = () => createLessonFile(lesson, model, preprocessing);
  it.each(cases)('%s', (_name, make, message) => {
    expect(() => readLessonFile(make(), { maxBytes: _name === 'huge' ? 100 : undefined })).toThrow(message);
  });
});
