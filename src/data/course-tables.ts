// The course's tables: what each file holds (inputs, classes, layout) and how the course prepares it:
// a seeded stratified split, then standardization fitted on the training part only (StandardScaler).
// Two layouts: scikit-learn's bundled CSVs (tables.ts's parseTable) and a named-column CSV whose last
// column is the class, written as a word (weight_height.csv's F/M) or a number (xor.csv's 0/1).
import { parseTable, splitTable, standardize, type Table } from './tables';

export const COURSE_TABLES = ['iris', 'wine', 'breast-cancer', 'weight-height', 'xor-table'] as const;
export type CourseTable = (typeof COURSE_TABLES)[number];

export interface CourseTableInfo {
  file: string;
  layout: 'sklearn' | 'named';
  inputNames: readonly string[];
  classNames: readonly string[];
  /** Named layout: columns that only name a row (dropped). */
  idColumns?: readonly string[];
  /** So few rows that the course trains on all of them: no test part. */
  trainOnAll?: boolean;
}

const BREAST_CANCER_BASE = [
  'radius', 'texture', 'perimeter', 'area', 'smoothness', 'compactness', 'concavity', 'concave points', 'symmetry', 'fractal dimension',
];

export const COURSE_TABLE_INFO: Readonly<Record<CourseTable, CourseTableInfo>> = {
  iris: {
    file: 'iris.csv',
    layout: 'sklearn',
    inputNames: ['sepal length', 'sepal width', 'petal length', 'petal width'],
    classNames: ['setosa', 'versicolor', 'virginica'],
  },
  wine: {
    file: 'wine_data.csv',
    layout: 'sklearn',
    inputNames: [
      'alcohol', 'malic acid', 'ash', 'alcalinity of ash', 'magnesium', 'total phenols', 'flavanoids',
      'nonflavanoid phenols', 'proanthocyanins', 'color intensity', 'hue', 'OD280/OD315', 'proline',
    ],
    classNames: ['class_0', 'class_1', 'class_2'],
  },
  'breast-cancer': {
    file: 'breast_cancer.csv',
    layout: 'sklearn',
    inputNames: [
      ...BREAST_CANCER_BASE.map((n) => `mean ${n}`),
      ...BREAST_CANCER_BASE.map((n) => `${n} error`),
      ...BREAST_CANCER_BASE.map((n) => `worst ${n}`),
    ],
    classNames: ['malignant', 'benign'],
  },
  // The course codes F as 1 and M as 0.
  'weight-height': {
    file: 'weight_height.csv',
    layout: 'named',
    inputNames: ['peso_kg', 'altura_cm'],
    classNames: ['M', 'F'],
    idColumns: ['nombre'],
    trainOnAll: true,
  },
  'xor-table': { file: 'xor.csv', layout: 'named', inputNames: ['x1', 'x2'], classNames: ['0', '1'], trainOnAll: true },
};

/** Parse a course table's file text; the result is checked against the table's description. */
export function parseCourseTable(name: CourseTable, text: string): Table {
  const info = COURSE_TABLE_INFO[name];
  const table = info.layout === 'sklearn' ? parseTable(text, info.file) : parseNamedTable(text, info);
  if (table.nFeatures !== info.inputNames.length) {
    throw new Error(`${info.file}: ${table.nFeatures} input columns; expected ${info.inputNames.length} (${info.inputNames.join(', ')})`);
  }
  return { ...table, classNames: [...info.classNames] };
}

/** Header line of column names, then rows; id columns dropped, the last column the class. */
function parseNamedTable(text: string, info: CourseTableInfo): Table {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length < 2) throw new Error(`${info.file}: expected a header line and at least one row`);
  const header = lines[0].split(',').map((s) => s.trim());
  const ids = new Set(info.idColumns ?? []);
  const inputColumns = header.slice(0, -1).flatMap((name, i) => (ids.has(name) ? [] : [i]));
  const names = inputColumns.map((i) => header[i]);
  if (names.join(',') !== info.inputNames.join(',')) {
    throw new Error(`${info.file}: input columns ${names.join(', ')}; expected ${info.inputNames.join(', ')}`);
  }
  const count = lines.length - 1;
  const x = new Float32Array(count * names.length);
  const y = new Int32Array(count);
  for (let r = 0; r < count; r++) {
    const cells = lines[r + 1].split(',').map((s) => s.trim());
    const line = r + 2;
    if (cells.length !== header.length) throw new Error(`${info.file}: line ${line} has ${cells.length} fields; expected ${header.length}`);
    inputColumns.forEach((c, j) => {
      const v = Number(cells[c]);
      if (cells[c] === '' || !Number.isFinite(v)) throw new Error(`${info.file}: line ${line}, column "${header[c]}": "${cells[c]}" is not a number`);
      x[r * names.length + j] = v;
    });
    const label = info.classNames.indexOf(cells[cells.length - 1]);
    if (label < 0) throw new Error(`${info.file}: line ${line}: class "${cells[cells.length - 1]}" is not one of ${info.classNames.join(', ')}`);
    y[r] = label;
  }
  return { x, y, count, nFeatures: names.length, classNames: [...info.classNames] };
}

export interface PreparedTable {
  train: Table;
  /** Empty (count 0) for a table the course trains on whole. */
  test: Table;
  /** The training part's per-column mean and standard deviation, as fitted. */
  mean: Float64Array;
  std: Float64Array;
}

/**
 * Seeded stratified split (`percTrain`% for training; all of it with `trainOnAll`), then standardization
 * fitted on the training part. Serves the course's tables and a user's CSV alike.
 */
export function prepareTable(table: Table, percTrain: number, seed: number, trainOnAll = false): PreparedTable {
  const whole = trainOnAll;
  const parts = whole ? { train: table, test: { ...table, x: new Float32Array(0), y: new Int32Array(0), count: 0 } } : splitTable(table, { testFraction: 1 - percTrain / 100, seed });
  const { mean, std, tables } = standardize(parts.train, parts.train, parts.test);
  return { train: tables[0], test: tables[1], mean, std };
}
