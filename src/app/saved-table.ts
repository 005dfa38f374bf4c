// A lesson on the user's CSV carries the table it trained on: the CSV as the page parsed and encoded it
// (the inputs with categorical columns one-hot as "column=category", the target's classes in index order,
// every row's numbers and class), which is all lessonData needs to split and standardize exactly the same
// data again from the lesson's seed. Checked field by field on opening: a bad table throws naming the field.
import { CSV_LIMITS } from '../data/csv';
import { MAX_CLASSES } from '../data/playground-datasets';
import { decodeFloat32, describe, encodeFloat32, expectArray, expectObject } from '../nn/serialization';
import type { UploadedTable } from './lesson';

/** The `table` field of a lesson file whose dataset is `upload`. */
export interface SavedTable {
  /** The CSV's file name. */
  name: string;
  /** The column the lesson predicts. */
  target: string;
  /** The network's inputs in order: numeric columns by name, categorical ones as "column=category" (one-hot). */
  inputNames: string[];
  /** The target's categories; a row's class is its index here. */
  classNames: string[];
  /** Every row's inputs, float32 row-major [rows, inputNames.length], little-endian base64. */
  x: string;
  /** Every row's class index. */
  y: number[];
}

export function savedTable(upload: UploadedTable): SavedTable {
  const { table } = upload;
  return {
    name: upload.name,
    target: upload.target,
    inputNames: [...upload.inputNames],
    classNames: [...table.classNames],
    x: encodeFloat32(table.x),
    y: Array.from(table.y),
  };
}

const where = 'table';

function names(value: unknown, field: string, expected: string, min: number, max: number): string[] {
  const list = expectArray(value, `${where}.${field}`, expected);
  list.forEach((v, i) => {
    if (typeof v !== 'string') throw new Error(`${where}.${field}[${i}] is ${describe(v)}; expected a string`);
  });
  if (list.length < min || list.length > max) throw new Error(`${where}.${field} has ${list.length} names; expected ${min} to ${max}`);
  return list as string[];
}

/** The uploaded table a file's `table` field describes; throws naming the first bad field. */
export function checkSavedTable(value: unknown): UploadedTable {
  const t = expectObject(value, where, 'the uploaded CSV\'s table { name, target, inputNames, classNames, x, y }');
  for (const key of ['name', 'target'] as const) {
    if (typeof t[key] !== 'string' || t[key] === '') throw new Error(`${where}.${key} is ${describe(t[key])}; expected a non-empty string`);
  }
  const inputNames = names(t.inputNames, 'inputNames', 'the input names, one per input', 1, Infinity);
  const classNames = names(t.classNames, 'classNames', 'the target\'s class names', 1, MAX_CLASSES);
  const y = expectArray(t.y, `${where}.y`, 'a class index per row');
  if (y.length < 1 || y.length > CSV_LIMITS.rows) throw new Error(`${where}.y has ${y.length} rows; expected 1 to ${CSV_LIMITS.rows}`);
  y.forEach((c, i) => {
    if (!Number.isInteger(c) || (c as number) < 0 || (c as number) >= classNames.length) throw new Error(`${where}.y[${i}] is ${describe(c)}; expected a class index in [0, ${classNames.length})`);
  });
  if (typeof t.x !== 'string') throw new Error(`${where}.x is ${describe(t.x)}; expected the rows' inputs as base64 float32`);
  const x = decodeFloat32(t.x, `${where}.x`);
  const expected = y.length * inputNames.length;
  if (x.length !== expected) throw new Error(`${where}.x holds ${x.length} values; expected ${expected} (${y.length} rows × ${inputNames.length} inputs)`);
  const bad = x.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new Error(`${where}.x: value ${x[bad]} at row ${Math.floor(bad / inputNames.length)}, input ${bad % inputNames.length}; expected finite numbers`);
  return {
    name: t.name as string,
    target: t.target as string,
    inputNames,
    table: { x, y: Int32Array.from(y as number[]), count: y.length, nFeatures: inputNames.length, classNames },
  };
}
