// A user's own CSV file, read in the browser (nothing is uploaded anywhere): delimiter `,`, `;` or tab,
// a header row or none, decimal commas as Spanish spreadsheets write them (`5,1`), numeric and categorical
// columns, one target column. Two steps, so the page can show a preview before anything changes:
//   readCsv(text)            → CsvFile (cells, column kinds, delimiter, header) or a CsvError
//   csvDataset(file, target) → CsvDataset (numbers for the network: categorical features one-hot encoded)
// Every failure is a CsvError naming the line and column and what was expected; `key` and `params` let the
// app word it in the reader's language.
import Papa from 'papaparse';
import type { Table } from './tables';

export const CSV_LIMITS = { bytes: 50 * 1024 * 1024, rows: 100_000, categories: 50 } as const;

const DELIMITERS = [',', ';', '\t'] as const;
export type CsvDelimiter = (typeof DELIMITERS)[number];

export type CsvErrorKey =
  | 'empty'
  | 'tooLarge'
  | 'tooManyRows'
  | 'noRows'
  | 'ragged'
  | 'quotes'
  | 'emptyCell'
  | 'textInNumeric'
  | 'noTarget'
  | 'unknownColumn'
  | 'tooManyCategories'
  | 'oneClass'
  | 'noFeatures';

/** A problem with the file, worded in English in `message`; `key` and `params` are for translations. */
export class CsvError extends Error {
  constructor(
    readonly key: CsvErrorKey,
    readonly params: Record<string, string | number>,
    message: string,
  ) {
    super(message);
    this.name = 'CsvError';
  }
}

export interface CsvColumn {
  name: string;
  kind: 'numeric' | 'categorical';
  /** Distinct values in order of first appearance (categorical columns only). */
  categories?: string[];
}

export interface CsvFile {
  source: string;
  delimiter: CsvDelimiter;
  /** Numbers were written with a decimal comma (`5,1`). */
  decimalComma: boolean;
  /** The first line named the columns (otherwise they are called "column 1", "column 2", …). */
  hasHeader: boolean;
  columns: CsvColumn[];
  /** Data rows as text, header excluded. */
  rows: string[][];
  /** 1-based line in the file of each data row (for messages). */
  lines: number[];
  /** Numeric columns' values, row-major [rows, columns]; NaN in categorical columns. */
  numbers: Float64Array;
}

const NUMBER = /^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$/;

/** The number a cell writes, or NaN. A comma is a decimal mark only when `decimalComma` is set. */
export function parseCell(cell: string, decimalComma: boolean): number {
  const text = cell.trim();
  if (!NUMBER.test(text)) return NaN;
  if (text.includes(',')) return decimalComma ? Number(text.replace(',', '.')) : NaN;
  return Number(text);
}

function columnLabel(file: Pick<CsvFile, 'columns'>, column: number): string {
  return `column ${column + 1} ("${file.columns[column].name}")`;
}

interface ParsedRows {
  rows: string[][];
  lines: number[];
}

function parseRows(text: string, delimiter: CsvDelimiter, source: string, preview = 0): ParsedRows {
  // Line numbers: each row starts where the previous one ended (Papa's cursor), so quoted fields with line
  // breaks still map to the line a spreadsheet shows.
  const lineStarts: number[] = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const lineAt = (offset: number): number => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  const rows: string[][] = [];
  const lines: number[] = [];
  let cursor = 0;
  let quoteError: string | null = null;
  Papa.parse<string[]>(text, {
    delimiter,
    preview,
    skipEmptyLines: false,
    step: (result) => {
      const start = cursor;
      cursor = result.meta.cursor;
      const cells = result.data;
      const error = result.errors.find((e) => e.type === 'Quotes');
      if (error && quoteError === null) quoteError = `${source}: line ${lineAt(start)}: ${error.message.toLowerCase()}; expected every opened quote (") to be closed`;
      if (cells.every((c) => c.trim() === '')) return;
      rows.push(cells);
      lines.push(lineAt(start));
    },
  });
  if (quoteError !== null) throw new CsvError('quotes', { source }, quoteError);
  return { rows, lines };
}

/** The delimiter under which the first rows split into the same number (> 1) of fields, most of them numbers. */
function guessDelimiter(text: string, source: string): CsvDelimiter {
  let best: { delimiter: CsvDelimiter; score: number } = { delimiter: ',', score: -1 };
  for (const delimiter of DELIMITERS) {
    let rows: string[][];
    try {
      rows = parseRows(text, delimiter, source, 50).rows;
    } catch {
      continue;
    }
    const widths = new Set(rows.map((r) => r.length));
    const width = rows[0]?.length ?? 0;
    if (widths.size !== 1 || width < 2) continue;
    const cells = rows.slice(1).flat();
    const numeric = cells.filter((c) => !Number.isNaN(parseCell(c, delimiter !== ','))).length / Math.max(1, cells.length);
    const score = width + numeric;
    if (score > best.score) best = { delimiter, score };
  }
  return best.delimiter;
}

/**
 * Reads the text of a CSV file: finds the delimiter, the header and each column's kind, and checks every row.
 * Throws a CsvError naming the line and column of the first problem.
 */
export function readCsv(text: string, source = 'file'): CsvFile {
  if (text.length > CSV_LIMITS.bytes) {
    throw new CsvError('tooLarge', { source, limit: CSV_LIMITS.bytes }, `${source}: the file is larger than 50 MB; expected a smaller table`);
  }
  const body = text.replace(/^\uFEFF/, '');
  if (body.trim() === '') throw new CsvError('empty', { source }, `${source}: the file is empty; expected rows of values separated by commas, semicolons or tabs`);
  const delimiter = guessDelimiter(body, source);
  const decimalComma = delimiter !== ',';
  const { rows: all, lines: allLines } = parseRows(body, delimiter, source);
  const width = all[0].length;
  for (let r = 1; r < all.length; r++) {
    if (all[r].length !== width) {
      throw new CsvError(
        'ragged',
        { source, line: allLines[r], found: all[r].length, expected: width },
        `${source}: line ${allLines[r]} has ${all[r].length} fields; expected ${width} like line ${allLines[0]}`,
      );
    }
  }
  const isNumber = (cell: string): boolean => !Number.isNaN(parseCell(cell, decimalComma));
  // A header is a first line with a text cell above a column whose other cells are numbers, or a first line of
  // distinct texts only (the names of a table of categories, or of an empty table).
  const first = all[0];
  const rest = all.slice(1);
  const numericBelow = (j: number): boolean => rest.length > 0 && rest.every((row) => row[j].trim() === '' || isNumber(row[j]));
  const allNames = first.every((cell) => cell.trim() !== '' && !isNumber(cell)) && new Set(first).size === first.length;
  const hasHeader = first.some((cell, j) => !isNumber(cell) && numericBelow(j)) || (allNames && (rest.length === 0 || rest.some((row) => row.some(isNumber))));
  const rows = hasHeader ? rest : all;
  const lines = hasHeader ? allLines.slice(1) : allLines;
  if (rows.length === 0) throw new CsvError('noRows', { source }, `${source}: the file has a header but no data rows; expected at least one row of values`);
  if (rows.length > CSV_LIMITS.rows) {
    throw new CsvError('tooManyRows', { source, rows: rows.length, limit: CSV_LIMITS.rows }, `${source}: ${rows.length.toLocaleString('en')} rows; expected at most 100,000`);
  }
  const names = hasHeader ? first.map((c, j) => c.trim() || `column ${j + 1}`) : first.map((_, j) => `column ${j + 1}`);
  const numbers = new Float64Array(rows.length * width).fill(NaN);
  const columns: CsvColumn[] = names.map((name, j) => {
    let numeric = 0;
    for (const row of rows) if (isNumber(row[j])) numeric++;
    const filled = rows.filter((row) => row[j].trim() !== '').length;
    // Mostly numbers: a numeric column in which a stray text cell is an error, not a category.
    if (numeric > 0 && numeric >= 0.8 * filled) return { name, kind: 'numeric' };
    const categories: string[] = [];
    for (const row of rows) if (!categories.includes(row[j].trim())) categories.push(row[j].trim());
    return { name, kind: 'categorical', categories };
  });
  const file: CsvFile = { source, delimiter, decimalComma, hasHeader, columns, rows, lines, numbers };
  rows.forEach((row, r) => {
    columns.forEach((column, j) => {
      const cell = row[j].trim();
      if (cell === '') {
        throw new CsvError(
          'emptyCell',
          { source, line: lines[r], column: j + 1, name: column.name },
          `${source}: line ${lines[r]}, ${columnLabel(file, j)} is empty; expected ${column.kind === 'numeric' ? 'a number' : 'a value'}`,
        );
      }
      if (column.kind !== 'numeric') return;
      const value = parseCell(cell, decimalComma);
      if (Number.isNaN(value) || !Number.isFinite(value)) {
        throw new CsvError(
          'textInNumeric',
          { source, line: lines[r], column: j + 1, name: column.name, cell },
          `${source}: line ${lines[r]}, ${columnLabel(file, j)}: "${cell}" is not a number; expected a number like the rest of the column${decimalComma ? ' (decimal comma, as in 5,1)' : ''}`,
        );
      }
      numbers[r * width + j] = value;
    });
  });
  return file;
}

export interface CsvDatasetOptions {
  /** The column to predict, by name or 0-based index. */
  target: string | number | null | undefined;
  /** Columns left out of the inputs (an identifier, say), by name or index. */
  ignore?: ReadonlyArray<string | number>;
  /**
   * Classification or regression. By default a categorical target, or a numeric one with at most 10 distinct
   * integer values, is classes; any other numeric target is regression.
   */
  task?: 'classification' | 'regression';
}

export interface CsvDataset {
  /** Input names: numeric columns as they are, categorical ones one per category ("colour=red"), like get_dummies. */
  featureNames: string[];
  /** Row-major [count, featureNames.length]. */
  x: Float32Array;
  count: number;
  target:
    | { kind: 'classes'; name: string; classNames: string[]; y: Int32Array }
    | { kind: 'values'; name: string; y: Float32Array };
}

function columnIndex(file: CsvFile, column: string | number): number {
  const index = typeof column === 'number' ? column : file.columns.findIndex((c) => c.name === column);
  if (!Number.isInteger(index) || index < 0 || index >= file.columns.length) {
    throw new CsvError(
      'unknownColumn',
      { source: file.source, column: String(column) },
      `${file.source}: no column "${column}"; expected one of ${file.columns.map((c) => `"${c.name}"`).join(', ')}`,
    );
  }
  return index;
}

function isSmallIntegerSet(values: number[]): boolean {
  const distinct = new Set(values);
  return distinct.size <= 10 && [...distinct].every(Number.isInteger);
}

/** The network's numbers from a read file: the target column's classes or values, the other columns as inputs. */
export function csvDataset(file: CsvFile, options: CsvDatasetOptions): CsvDataset {
  const { source, columns, rows } = file;
  if (options.target === null || options.target === undefined || options.target === '') {
    throw new CsvError('noTarget', { source }, `${source}: no target column chosen; expected the column to predict`);
  }
  const width = columns.length;
  const targetIndex = columnIndex(file, options.target);
  const ignored = new Set((options.ignore ?? []).map((c) => columnIndex(file, c)));
  const inputs = columns.map((_, j) => j).filter((j) => j !== targetIndex && !ignored.has(j));
  if (inputs.length === 0) throw new CsvError('noFeatures', { source }, `${source}: no input columns left; expected at least one column besides the target`);

  const featureNames: string[] = [];
  for (const j of inputs) {
    const column = columns[j];
    if (column.kind === 'numeric') featureNames.push(column.name);
    else {
      const categories = column.categories ?? [];
      if (categories.length > CSV_LIMITS.categories) {
        throw new CsvError(
          'tooManyCategories',
          { source, column: j + 1, name: column.name, count: categories.length, limit: CSV_LIMITS.categories },
          `${source}: ${columnLabel(file, j)} has ${categories.length} different texts; expected at most ${CSV_LIMITS.categories} categories (leave an identifier column out)`,
        );
      }
      for (const category of categories) featureNames.push(`${column.name}=${category}`);
    }
  }
  const count = rows.length;
  const x = new Float32Array(count * featureNames.length);
  for (let r = 0; r < count; r++) {
    let k = r * featureNames.length;
    for (const j of inputs) {
      const column = columns[j];
      if (column.kind === 'numeric') x[k++] = file.numbers[r * width + j];
      else {
        const categories = column.categories ?? [];
        x[k + categories.indexOf(rows[r][j].trim())] = 1;
        k += categories.length;
      }
    }
  }

  const targetColumn = columns[targetIndex];
  const numericTarget = Array.from({ length: count }, (_, r) => file.numbers[r * width + targetIndex]);
  const task = options.task ?? (targetColumn.kind === 'categorical' || isSmallIntegerSet(numericTarget) ? 'classification' : 'regression');
  if (task === 'regression') {
    if (targetColumn.kind !== 'numeric') {
      throw new CsvError(
        'textInNumeric',
        { source, line: file.lines[0], column: targetIndex + 1, name: targetColumn.name, cell: rows[0][targetIndex] },
        `${source}: ${columnLabel(file, targetIndex)} holds text; expected numbers to predict by regression`,
      );
    }
    return { featureNames, x, count, target: { kind: 'values', name: targetColumn.name, y: Float32Array.from(numericTarget) } };
  }
  const labels = rows.map((row) => row[targetIndex].trim());
  const classNames = targetColumn.kind === 'numeric' ? [...new Set(numericTarget)].sort((a, b) => a - b).map(String) : [...new Set(labels)];
  if (classNames.length < 2) {
    throw new CsvError('oneClass', { source, name: targetColumn.name }, `${source}: ${columnLabel(file, targetIndex)} has a single class; expected at least two to tell apart`);
  }
  const y = Int32Array.from(rows, (_, r) => classNames.indexOf(targetColumn.kind === 'numeric' ? String(numericTarget[r]) : labels[r]));
  return { featureNames, x, count, target: { kind: 'classes', name: targetColumn.name, classNames, y } };
}

/** A classification dataset as the course tables' `Table`, so splitting and standardization serve both. */
export function csvTable(dataset: CsvDataset): Table {
  if (dataset.target.kind !== 'classes') throw new Error('csvTable: the dataset is a regression; expected classes');
  return { x: dataset.x, y: dataset.target.y, count: dataset.count, nFeatures: dataset.featureNames.length, classNames: dataset.target.classNames };
}

/** Reads a user's file (a File or Blob from a picker or a drop), refusing one over the size limit before reading it. */
export async function readCsvFile(file: Blob & { name?: string }): Promise<CsvFile> {
  const source = file.name ?? 'file';
  if (file.size > CSV_LIMITS.bytes) {
    throw new CsvError('tooLarge', { source, limit: CSV_LIMITS.bytes }, `${source}: the file is larger than 50 MB; expected a smaller table`);
  }
  return readCsv(await file.text(), source);
}
