// The examples a lesson trains on, whatever their source, in one shape: each example's raw inputs and its
// label (a class index, or the value to fit), split into training, validation and test parts. The network's
// input matrix and targets are made from them by `encodeInputs` / `encodeTargets` (lesson.ts).
import { COURSE_TABLE_INFO, parseCourseTable, prepareTable, type CourseTable } from '../data/course-tables';
import { decodeDrawnPoints } from '../data/drawn-points';
import { featureMatrix } from '../data/features';
import { generateDataset, splitTrainTest } from '../data/playground-datasets';
import type { Table } from '../data/tables';
import { describeLesson, type DataSource, type Lesson } from './lesson';
import { seedNumber } from './seed';
import type { Settings } from './url-table';

export interface Sample {
  /** Plane: the point (x₁, x₂). Table: every input column, standardized. */
  values: readonly number[];
  /** Class index (classification) or the target value (regression). */
  label: number;
}

export interface LessonData {
  train: Sample[];
  /** Held out of `train` for validation (Keras's validation_split: its last rows). */
  validation: Sample[];
  test: Sample[];
  /** The table still loading (every part empty meanwhile), or null. */
  loading: CourseTable | null;
  /** A table's columns were standardized with the training rows' mean and std (saved and exported with the model); null for the plane. */
  standardization: { mean: number[]; std: number[] } | null;
}

/** Loaded tables, by name: the course's, and `upload` for the user's CSV. */
export type TableCache = ReadonlyMap<CourseTable | 'upload', Table>;

const EMPTY: Omit<LessonData, 'loading'> = { train: [], validation: [], test: [], standardization: null };

/** The data a lesson describes (tables from `tables`; a table not loaded yet gives empty parts and `loading`). */
export function lessonData(lesson: Lesson, tables: TableCache, validationSplit = lesson.training.validationSplit): LessonData {
  const { train, test, standardization = null } = splitSource(lesson.data, tables);
  // Nothing to train on: a table still loading, or too few points drawn yet.
  const source = lesson.data;
  if (train === null) return { ...EMPTY, loading: source.kind === 'table' && source.table !== 'upload' && !tables.has(source.table) ? source.table : null };
  const at = Math.max(1, Math.floor(train.length * (1 - validationSplit)));
  return { train: train.slice(0, at), validation: train.slice(at), test, loading: null, standardization };
}

/** Convenience for the settings at hand (tests, the store). */
export function makeData(settings: Settings, tables: TableCache = new Map()): LessonData {
  return lessonData(describeLesson(settings), tables);
}

function splitSource(source: DataSource, tables: TableCache): { train: Sample[] | null; test: Sample[]; standardization?: LessonData['standardization'] } {
  if (source.kind === 'plane') {
    const points =
      source.dataset === 'drawn'
        ? decodeDrawnPoints(source.points).filter((p) => p.label < source.classes)
        : generateDataset(source.dataset, { noise: source.noise, seed: seedNumber(source.seed, 'data'), classes: source.classes || undefined });
    // TensorFlow Playground's two-class labels are ±1: class 1 is +1 (blue), class 0 is −1 (orange).
    const twoClass = source.tfp && source.classes === 2;
    const { train, test } = splitTrainTest(points, source.percTrain, seedNumber(source.seed, 'split'));
    if (train.length === 0) return { train: null, test: [] };
    const sample = (p: { x: number; y: number; label: number }): Sample => ({ values: [p.x, p.y], label: twoClass ? (p.label > 0 ? 1 : 0) : p.label });
    return { train: train.map(sample), test: test.map(sample) };
  }
  const table = tables.get(source.table);
  if (!table) return { train: null, test: [] };
  const prepared = prepareTable(table, source.percTrain, seedNumber(source.seed, 'split'), source.trainOnAll);
  const standardization = { mean: Array.from(prepared.mean), std: Array.from(prepared.std) };
  return { train: tableSamples(prepared.train), test: tableSamples(prepared.test), standardization };
}

function tableSamples(table: Table): Sample[] {
  const { nFeatures } = table;
  return Array.from({ length: table.count }, (_, r) => ({ values: Array.from(table.x.subarray(r * nFeatures, (r + 1) * nFeatures)), label: table.y[r] }));
}

/** The network's input matrix, row-major [samples, inputs]: plane features of each point, or the columns as they are. */
export function encodeInputs(lesson: Lesson, samples: readonly Sample[]): Float32Array {
  if (lesson.data.kind === 'plane') return featureMatrix(samples.map((s) => ({ x: s.values[0], y: s.values[1] })), lesson.data.features);
  const width = lesson.data.inputNames.length;
  const out = new Float32Array(samples.length * width);
  samples.forEach((s, r) => out.set(s.values, r * width));
  return out;
}

/** Per input column, the mean over the training samples (a slice holds the other inputs there). */
export function trainingMeans(lesson: Lesson, data: LessonData): Float32Array {
  const width = lesson.data.kind === 'plane' ? lesson.data.features.length : lesson.data.inputNames.length;
  const x = encodeInputs(lesson, data.train);
  const mean = new Float32Array(width);
  const rows = data.train.length;
  for (let r = 0; r < rows; r++) for (let j = 0; j < width; j++) mean[j] += x[r * width + j] / rows;
  return mean;
}

/** Reads a course table from where the page serves it (public/data/). */
export async function fetchCourseTable(name: CourseTable, base = import.meta.env.BASE_URL): Promise<Table> {
  const url = `${base}data/${COURSE_TABLE_INFO[name].file}`;
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url} answered ${response.status} ${response.statusText}`);
  return parseCourseTable(name, await response.text());
}
