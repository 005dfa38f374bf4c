// The page's lesson file: the engine's versioned lesson file (nn/lesson-file.ts) holding the lesson's settings
// (the URL's rows, so the same data is generated again from its seed) and the epoch reached, the model file
// (architecture, weights, optimizer state) and a table's standardization. Opening checks everything before
// the page changes: a bad file throws an Error naming the field and what was expected.
import { createLessonFile, readLessonFile, type ModelJSON, type Preprocessing } from '../index';
import type { LayerConfig } from '../data/image-presets';
import { lessonLayers } from './image-stack';
import { STACK_LAYER_TYPES, layerToken } from './image-stack-codec';
import { describeLesson, inputCount, type Lesson, type UploadedTable } from './lesson';
import type { LessonData } from './lesson-data';
import { checkSavedProgress, type TrainingProgress } from './saved-progress';
import { checkSavedTable, type SavedTable } from './saved-table';
import { checkSetting } from './url-codec';
import { defaultSettings, type SettingKey, type Settings } from './url-table';

/** A playground lesson's file is well under a megabyte (a CSV's table adds its rows); anything past this is not one (and is not read whole). */
export const LESSON_FILE_MAX_BYTES = 16 * 2 ** 20;

/** What the file's `lesson` field holds. */
export interface SavedLesson {
  settings: Settings;
  /** Epochs trained when saved: training goes on counting from there. */
  epoch: number;
  /** The uploaded CSV's table, when the dataset is `upload` (saved-table.ts). */
  table?: SavedTable;
  /** The batch reached and early stopping's state (saved-progress.ts); absent in older files (the epoch's start). */
  progress?: TrainingProgress;
}

export interface OpenedLesson {
  settings: Settings;
  epoch: number;
  /** The uploaded CSV's table the lesson trains on, or null for a dataset the settings regenerate. */
  upload: UploadedTable | null;
  model: ModelJSON;
  progress: TrainingProgress | null;
}

/** What checkSavedLesson makes of the file's `lesson` field (`progress` is checked against the model after). */
type CheckedLesson = Omit<OpenedLesson, 'model' | 'progress'> & { progress: unknown };

/** The file name offered when saving: the dataset's name and the epoch. */
export function lessonFileName(settings: Settings, epoch: number): string {
  const dataset = settings.problem === 'regression' ? settings.regDataset : settings.dataset;
  return `${dataset}-epoch-${epoch}.lesson.json`;
}

/** The lesson file's text; throws when it would be past the size limit (a large CSV's table). */
export function lessonFileText(saved: SavedLesson, model: ModelJSON, standardization: LessonData['standardization']): string {
  const preprocessing: Preprocessing | undefined = standardization ? { kind: 'standardize', ...standardization } : undefined;
  const text = JSON.stringify(createLessonFile(saved, model, preprocessing));
  if (text.length > LESSON_FILE_MAX_BYTES) throw new Error(`the lesson file would be ${text.length} bytes, over the limit of ${LESSON_FILE_MAX_BYTES}${saved.table ? ` (the table of ${saved.table.name} is too large to save with it)` : ''}`);
  return text;
}

/**
 * The file's settings and epoch, checked: every setting present, of its type, and allowed by its URL row; and
 * the uploaded CSV's table when the dataset is `upload`.
 */
export function checkSavedLesson(value: unknown): CheckedLesson {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('expected an object { settings, epoch }');
  const { settings, epoch, table, progress } = value as Record<string, unknown>;
  if (!Number.isInteger(epoch) || (epoch as number) < 0) throw new Error(`epoch is ${JSON.stringify(epoch)}; expected a whole number ≥ 0`);
  if (typeof settings !== 'object' || settings === null || Array.isArray(settings)) throw new Error('settings is missing; expected an object of the lesson\'s settings');
  const defaults = defaultSettings();
  const given = settings as Record<string, unknown>;
  for (const key of Object.keys(given)) if (!(key in defaults)) throw new Error(`settings.${key} is not a setting of this page`);
  for (const key of Object.keys(defaults) as SettingKey[]) {
    const v = given[key];
    const expected = defaults[key];
    const sameType = Array.isArray(expected) ? Array.isArray(v) && v.every((e) => typeof e === typeof expected[0] || expected.length === 0) : typeof v === typeof expected;
    if (v === undefined) throw new Error(`settings.${key} is missing`);
    const problem = sameType ? checkSetting(key, v) : `expected a ${Array.isArray(expected) ? 'list' : typeof expected}`;
    if (problem) throw new Error(`settings.${key} is ${JSON.stringify(v)}: ${problem}`);
  }
  if (given.dataset === 'upload' && table === undefined) throw new Error('table is missing; a lesson on an uploaded CSV ("upload") holds the table it trains on');
  const upload = given.dataset === 'upload' ? checkSavedTable(table) : null;
  return { settings: { ...defaults, ...(given as Partial<Settings>) }, epoch: epoch as number, upload, progress };
}

/**
 * The model's dense layers must be the ones the settings describe (units, activation) on the same number of
 * inputs; an image lesson's model must have its input shape and every layer of its stack, in order.
 */
export function checkArchitecture(lesson: Lesson, model: ModelJSON): void {
  const first = model.layers[0]?.config as Record<string, unknown> | undefined;
  const shape = (first?.shape ?? first?.inputShape) as number[] | undefined;
  const images = lessonLayers(lesson);
  if (images && lesson.data.kind === 'images') return checkImageLayers(lesson.data.shape, images, shape, model);
  const inputs = inputCount(lesson.data);
  if (!Array.isArray(shape) || shape[shape.length - 1] !== inputs) throw new Error(`model: its input takes ${JSON.stringify(shape)}; the lesson's settings give ${inputs} inputs`);
  const dense = model.layers.filter((l) => l.type === 'Dense').map((l) => `${String(l.config.units)} ${String(l.config.activation)}`);
  const expected = lesson.model.map((l) => `${l.units} ${l.activation}`);
  if (dense.join(', ') !== expected.join(', ')) throw new Error(`model: its dense layers are [${dense.join(', ')}]; the lesson's settings describe [${expected.join(', ')}]`);
}

const isStackType = (type: string): type is LayerConfig['type'] => (STACK_LAYER_TYPES as readonly string[]).includes(type);

function checkImageLayers(expectedShape: readonly number[], expected: readonly LayerConfig[], shape: number[] | undefined, model: ModelJSON): void {
  if (!Array.isArray(shape) || shape.join() !== expectedShape.join()) throw new Error(`model: its input takes ${JSON.stringify(shape)}; the lesson's images are ${JSON.stringify(expectedShape)}`);
  const saved = model.layers.slice(1).map((l) => (isStackType(l.type) ? layerToken({ type: l.type, config: l.config }) : l.type));
  const described = expected.map(layerToken);
  if (saved.join() !== described.join()) throw new Error(`model: its layers are [${saved.join(', ')}]; the lesson's settings describe [${described.join(', ')}]`);
}

/** The lesson in a file's text; throws naming what is wrong (nothing is changed). */
export function openLessonFile(text: string): OpenedLesson {
  const file = readLessonFile(text, { checkLesson: checkSavedLesson, maxBytes: LESSON_FILE_MAX_BYTES });
  checkArchitecture(describeLesson(file.lesson.settings, file.lesson.upload), file.model);
  let progress: TrainingProgress | null = null;
  try {
    if (file.lesson.progress !== undefined) progress = checkSavedProgress(file.lesson.progress, file.model);
  } catch (e) {
    throw new Error(`lesson file: lesson: ${(e as Error).message}`);
  }
  return { ...file.lesson, model: file.model, progress };
}
