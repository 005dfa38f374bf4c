// The saved lesson: the app's lesson description (opaque here, checked by the caller's function), the model
// file (model.toJSON(): architecture, compile config, weights, optimizer state) and the preprocessing the
// model's inputs went through. One versioned JSON file that the page saves and loads; a bad file throws an
// Error naming the field and what was expected, before anything is changed.
import { checkModelJSON, describe, expectArray, expectObject, MAX_MODEL_BYTES, MODEL_FORMAT, parseJSONText, type ModelJSON } from './serialization';

export const LESSON_FORMAT = 'webgpu-nn-playground/lesson';
export const LESSON_FORMAT_VERSION = 1;

/**
 * Per-feature standardization, x' = (x − mean) / std, over the input's last axis (a table's features, an
 * image's channels): what data/tables.ts's standardize computed from the training rows.
 */
export interface StandardizePreprocessing {
  kind: 'standardize';
  mean: number[];
  std: number[];
}

export type Preprocessing = StandardizePreprocessing;

export interface LessonFile<L = unknown> {
  format: typeof LESSON_FORMAT;
  version: number;
  /** ISO 8601 time of saving, for the file picker's sake. */
  savedAt?: string;
  lesson: L;
  model: ModelJSON;
  preprocessing?: Preprocessing;
}

export interface ReadLessonOptions<L> {
  /** Checks the app's lesson description; throws naming what is wrong. Without it the lesson only has to be present. */
  checkLesson?: (lesson: unknown) => L;
  maxBytes?: number;
}

/** The lesson file for a lesson, a model's toJSON() and its preprocessing (checked as readLessonFile would). */
export function createLessonFile<L>(lesson: L, model: ModelJSON, preprocessing?: Preprocessing, savedAt = new Date().toISOString()): LessonFile<L> {
  const file: LessonFile<L> = { format: LESSON_FORMAT, version: LESSON_FORMAT_VERSION, savedAt, lesson, model, ...(preprocessing && { preprocessing }) };
  checkModelJSON(model, 'lesson file: model');
  if (preprocessing) checkPreprocessing(preprocessing, inputFeatures(model), 'lesson file: preprocessing');
  return file;
}

/** A lesson file (its text or parsed JSON) checked field by field; the Error names the first bad field. */
export function readLessonFile<L = unknown>(json: unknown, options: ReadLessonOptions<L> = {}): LessonFile<L> {
  const where = 'lesson file';
  const maxBytes = options.maxBytes ?? MAX_MODEL_BYTES;
  const value = typeof json === 'string' ? parseJSONText(json, where, maxBytes) : json;
  const f = expectObject(value, where, 'a lesson file object or its JSON text');
  if (f.format !== LESSON_FORMAT) {
    const hint = f.format === MODEL_FORMAT ? ' (this is a model file: load it with Sequential.fromJSON)' : '';
    throw new Error(`${where}: format is ${describe(f.format)}; expected "${LESSON_FORMAT}"${hint}`);
  }
  if (f.version !== LESSON_FORMAT_VERSION) throw new Error(`${where}: version ${describe(f.version)} is not supported; expected ${LESSON_FORMAT_VERSION}`);
  if (f.savedAt !== undefined && typeof f.savedAt !== 'string') throw new Error(`${where}: savedAt is ${describe(f.savedAt)}; expected an ISO date string or nothing`);
  if (f.lesson === undefined) throw new Error(`${where}: lesson is missing; expected the lesson description`);
  let lesson = f.lesson as L;
  if (options.checkLesson) {
    try {
      lesson = options.checkLesson(f.lesson);
    } catch (e) {
      throw new Error(`${where}: lesson: ${(e as Error).message}`);
    }
  }
  const model = checkModelJSON(f.model, `${where}: model`, maxBytes);
  const file: LessonFile<L> = { format: LESSON_FORMAT, version: LESSON_FORMAT_VERSION, lesson, model };
  if (typeof f.savedAt === 'string') file.savedAt = f.savedAt;
  if (f.preprocessing !== undefined) file.preprocessing = checkPreprocessing(f.preprocessing, inputFeatures(model), `${where}: preprocessing`);
  return file;
}

/**
 * The preprocessing checked against the model's input: mean and std, one finite value per feature (the
 * input's last axis), std > 0. `features` null skips the length check.
 */
export function checkPreprocessing(value: unknown, features: number | null, where: string): Preprocessing {
  const p = expectObject(value, where, "{ kind: 'standardize', mean, std }");
  if (p.kind !== 'standardize') throw new Error(`${where}.kind is ${describe(p.kind)}; expected "standardize"`);
  const read = (key: 'mean' | 'std'): number[] => {
    const list = expectArray(p[key], `${where}.${key}`, 'a list of numbers, one per input feature');
    list.forEach((v, i) => {
      const ok = typeof v === 'number' && Number.isFinite(v) && (key === 'mean' || v > 0);
      if (!ok) throw new Error(`${where}.${key}[${i}] is ${describe(v)}; expected a finite number${key === 'std' ? ' > 0' : ''}`);
    });
    if (features !== null && list.length !== features) {
      throw new Error(`${where}.${key} has ${list.length} values; expected ${features}, one per input feature (the last axis of the model's input)`);
    }
    return list as number[];
  };
  return { kind: 'standardize', mean: read('mean'), std: read('std') };
}

/** The size of the model's input's last axis, from its first layer's config (null when it cannot be told). */
function inputFeatures(model: ModelJSON): number | null {
  const first = model.layers[0]?.config;
  const shape = (first?.shape ?? first?.inputShape) as unknown;
  if (!Array.isArray(shape) || shape.length === 0 || !shape.every((d) => Number.isInteger(d))) return null;
  return shape[shape.length - 1] as number;
}
