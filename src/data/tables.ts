// The course's tabular datasets (iris, wine, breast cancer). File format (scikit-learn's bundled CSVs):
//   first line:  count,nFeatures,className0,className1,...
//   then count lines of nFeatures numbers followed by the class index.
// A pure parser, a deterministic (optionally stratified) train/test split, standardization, and loaders
// for the browser (fetch) and Node (the file system, imported only when called).
import { createRng } from '../engine/random';

export interface Table {
  /** Row-major [count, nFeatures]. */
  x: Float32Array;
  /** Class index per row. */
  y: Int32Array;
  count: number;
  nFeatures: number;
  classNames: string[];
}

export function parseTable(text: string, source = 'table'): Table {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0) throw new Error(`${source}: empty file; expected a header "count,nFeatures,className0,..."`);
  const header = lines[0].split(',').map((s) => s.trim());
  const count = Number(header[0]);
  const nFeatures = Number(header[1]);
  const classNames = header.slice(2);
  if (!Number.isInteger(count) || count < 1 || !Number.isInteger(nFeatures) || nFeatures < 1 || classNames.length === 0) {
    throw new Error(`${source}: header "${lines[0]}" is not "count,nFeatures,className0,className1,..."`);
  }
  if (lines.length - 1 !== count) throw new Error(`${source}: header says ${count} rows, found ${lines.length - 1}`);
  const x = new Float32Array(count * nFeatures);
  const y = new Int32Array(count);
  for (let r = 0; r < count; r++) {
    const cells = lines[r + 1].split(',');
    const line = r + 2;
    if (cells.length !== nFeatures + 1) throw new Error(`${source}: line ${line} has ${cells.length} fields; expected ${nFeatures + 1} (features then class)`);
    for (let j = 0; j < nFeatures; j++) {
      const v = Number(cells[j]);
      if (cells[j].trim() === '' || !Number.isFinite(v)) throw new Error(`${source}: line ${line}, column ${j + 1}: "${cells[j]}" is not a finite number`);
      x[r * nFeatures + j] = v;
    }
    const c = Number(cells[nFeatures]);
    if (!Number.isInteger(c) || c < 0 || c >= classNames.length) {
      throw new Error(`${source}: line ${line}: class "${cells[nFeatures]}" is not an index in [0, ${classNames.length})`);
    }
    y[r] = c;
  }
  return { x, y, count, nFeatures, classNames };
}

/** The rows of `table` at `indices`, in that order. */
export function takeRows(table: Table, indices: readonly number[]): Table {
  const { nFeatures } = table;
  const x = new Float32Array(indices.length * nFeatures);
  const y = new Int32Array(indices.length);
  indices.forEach((r, i) => {
    x.set(table.x.subarray(r * nFeatures, (r + 1) * nFeatures), i * nFeatures);
    y[i] = table.y[r];
  });
  return { ...table, x, y, count: indices.length };
}

export interface SplitOptions {
  testFraction: number;
  seed: number;
  /** Keep each class's proportion in both parts (default true). */
  stratify?: boolean;
}

/** A seeded shuffle-and-split: the same seed always gives the same parts. Both parts come out shuffled. */
export function splitTable(table: Table, options: SplitOptions): { train: Table; test: Table } {
  const { testFraction, seed, stratify = true } = options;
  if (!(testFraction > 0 && testFraction < 1)) throw new Error(`splitTable: testFraction must be in (0, 1), got ${testFraction}`);
  const rng = createRng(seed);
  const groups = stratify
    ? table.classNames.map((_, c) => [...table.y.keys()].filter((r) => table.y[r] === c))
    : [[...table.y.keys()]];
  const train: number[] = [];
  const test: number[] = [];
  for (const group of groups) {
    rng.shuffle(group);
    const nTest = Math.round(group.length * testFraction);
    test.push(...group.slice(0, nTest));
    train.push(...group.slice(nTest));
  }
  if (train.length === 0 || test.length === 0) throw new Error(`splitTable: testFraction ${testFraction} of ${table.count} rows leaves an empty part`);
  return { train: takeRows(table, rng.shuffle(train)), test: takeRows(table, rng.shuffle(test)) };
}

/** Per-feature mean and standard deviation of `fit`, applied to every table given (new tables). */
export function standardize(fit: Table, ...tables: Table[]): { mean: Float64Array; std: Float64Array; tables: Table[] } {
  const { nFeatures, count } = fit;
  const mean = new Float64Array(nFeatures);
  const std = new Float64Array(nFeatures);
  for (let r = 0; r < count; r++) for (let j = 0; j < nFeatures; j++) mean[j] += fit.x[r * nFeatures + j] / count;
  for (let r = 0; r < count; r++) for (let j = 0; j < nFeatures; j++) std[j] += (fit.x[r * nFeatures + j] - mean[j]) ** 2 / count;
  for (let j = 0; j < nFeatures; j++) std[j] = Math.sqrt(std[j]) || 1; // a constant column stays 0
  const scaled = tables.map((t) => {
    if (t.nFeatures !== nFeatures) throw new Error(`standardize: table has ${t.nFeatures} features; expected ${nFeatures}`);
    return { ...t, x: Float32Array.from(t.x, (v, i) => (v - mean[i % nFeatures]) / std[i % nFeatures]) };
  });
  return { mean, std, tables: scaled };
}

/** x as { shape, values } for the model API. */
export function tableInputs(table: Table): { shape: number[]; values: Float32Array } {
  return { shape: [table.count, table.nFeatures], values: table.x };
}

/** Loads a table over HTTP (the browser, or any runtime with fetch). */
export async function fetchTable(url: string): Promise<Table> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`fetchTable: ${url} answered ${response.status} ${response.statusText}`);
  return parseTable(await response.text(), url);
}

/** Loads a table from the file system (Node only; the fs module is imported on call, not at load). */
export async function readTableFile(path: string): Promise<Table> {
  const { readFile } = await import('node:fs/promises');
  return parseTable(await readFile(path, 'utf8'), path);
}
