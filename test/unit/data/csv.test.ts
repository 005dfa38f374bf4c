import { describe, expect, it } from 'vitest';
import { CsvError, csvDataset, csvTable, parseCell, readCsv, readCsvFile } from '../../../src/data/csv';
import { splitTable } from '../../../src/data/tables';

function csvError(fn: () => unknown): CsvError {
  try {
    fn();
  } catch (error) {
    if (error instanceof CsvError) return error;
    throw error;
  }
  throw new Error('expected a CsvError');
}

describe('parseCell', () => {
  it('reads points always and commas only as a decimal mark when asked', () => {
    expect(parseCell(' 5.1 ', false)).toBe(5.1);
    expect(parseCell('5,1', true)).toBe(5.1);
    expect(parseCell('5,1', false)).toBeNaN();
    expect(parseCell('-.5e2', false)).toBe(-50);
    expect(parseCell('1.234,5', true)).toBeNaN();
    expect(parseCell('abc', true)).toBeNaN();
    expect(parseCell('', true)).toBeNaN();
  });
});

describe('readCsv', () => {
  it('reads a comma file with a header and numeric columns', () => {
    const f = readCsv('a,b,label\n1,2,0\n3,4.5,1\n', 'x.csv');
    expect([f.delimiter, f.hasHeader, f.decimalComma]).toEqual([',', true, false]);
    expect(f.columns.map((c) => [c.name, c.kind])).toEqual([['a', 'numeric'], ['b', 'numeric'], ['label', 'numeric']]);
    expect(Array.from(f.numbers)).toEqual([1, 2, 0, 3, 4.5, 1]);
    expect(f.lines).toEqual([2, 3]);
  });

  it('reads semicolons with decimal commas, as Spanish spreadsheets write them', () => {
    const f = readCsv('largo;ancho;especie\n5,1;3,5;setosa\r\n7,0;3,2;versicolor\r\n6,3;3,3;virginica\r\n');
    expect([f.delimiter, f.decimalComma, f.hasHeader]).toEqual([';', true, true]);
    expect(f.columns.map((c) => c.kind)).toEqual(['numeric', 'numeric', 'categorical']);
    expect(f.columns[2].categories).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(f.numbers[0]).toBeCloseTo(5.1, 6);
    expect(f.numbers[4]).toBeCloseTo(3.2, 6);
  });

  it('reads tabs, no header, a byte-order mark, quoted fields and blank lines', () => {
    const f = readCsv('\uFEFF1\t2\t0\n\n3\t4\t1\n"5"\t"6"\t0\n');
    expect([f.delimiter, f.hasHeader, f.rows.length]).toEqual(['\t', false, 3]);
    expect(f.columns.map((c) => c.name)).toEqual(['column 1', 'column 2', 'column 3']);
    expect(f.lines).toEqual([1, 3, 4]);
  });

  it('tells a comma-separated file of decimal points from a semicolon file', () => {
    expect(readCsv('x,y\n1.5,2\n2.5,3\n').delimiter).toBe(',');
    expect(readCsv('x;y\n1,5;2\n2,5;3\n').delimiter).toBe(';');
  });

  // Each malformed file: the error's key, and what its message must name.
  const malformed: Array<[string, string, CsvError['key'], RegExp]> = [
    ['empty file', '', 'empty', /file is empty/],
    ['only blanks', ' \n\n  \n', 'empty', /file is empty/],
    ['header only', 'a,b,c\n', 'noRows', /header but no data rows/],
    ['ragged row', 'a,b,c\n1,2,3\n4,5\n6,7,8\n', 'ragged', /line 3 has 2 fields; expected 3/],
    ['text in a numeric column', 'a,b,c\n1,2,0\n3,x,1\n4,5,0\n6,7,1\n8,9,0\n', 'textInNumeric', /line 3, column 2 \("b"\): "x" is not a number/],
    ['empty cell', 'a,b,c\n1,2,0\n3,,1\n', 'emptyCell', /line 3, column 2 \("b"\) is empty; expected a number/],
    ['unclosed quote', 'a,b\n1,"2\n3,4\n', 'quotes', /line 2: .*quote/],
    ['decimal comma in a semicolon file gone wrong', 'a;b;c\n1,5;2;0\n2,5;abc;1\n3,5;4;1\n4,5;5;0\n5,5;6;1\n', 'textInNumeric', /line 3, column 2 \("b"\): "abc" is not a number.*decimal comma/],
  ];
  for (const [name, text, key, message] of malformed) {
    it(`refuses: ${name}`, () => {
      const error = csvError(() => readCsv(text, 'mine.csv'));
      expect(error.key).toBe(key);
      expect(error.message).toMatch(/^mine\.csv: /);
      expect(error.message).toMatch(message);
    });
  }

  it('refuses more than 100,000 rows and more than 50 MB', () => {
    const rows = 'a,b\n' + '1,0\n'.repeat(100_001);
    expect(csvError(() => readCsv(rows)).key).toBe('tooManyRows');
    expect(csvError(() => readCsv(rows.padEnd(50 * 1024 * 1024 + 1, ' '))).key).toBe('tooLarge');
  });

  it('refuses a large Blob before reading it', async () => {
    const blob = { name: 'big.csv', size: 60 * 1024 * 1024, text: () => Promise.reject(new Error('must not be read')) };
    await expect(readCsvFile(blob as unknown as Blob & { name: string })).rejects.toThrow(/big\.csv: the file is larger than 50 MB/);
    const small = new Blob(['a,b\n1,0\n2,1\n']);
    expect((await readCsvFile(small)).rows.length).toBe(2);
  });
});

describe('csvDataset', () => {
  const text = 'id;colour;size;kind\n1;red;1,5;a\n2;blue;2,5;b\n3;red;3,5;a\n4;green;4,5;b\n';

  it('one-hot encodes categorical inputs and takes the target classes', () => {
    const d = csvDataset(readCsv(text), { target: 'kind', ignore: ['id'] });
    expect(d.featureNames).toEqual(['colour=red', 'colour=blue', 'colour=green', 'size']);
    expect(Array.from(d.x)).toEqual([1, 0, 0, 1.5, 0, 1, 0, 2.5, 1, 0, 0, 3.5, 0, 0, 1, 4.5]);
    expect(d.target).toEqual({ kind: 'classes', name: 'kind', classNames: ['a', 'b'], y: Int32Array.from([0, 1, 0, 1]) });
  });

  it('takes a numeric target with few integer values as classes, other numbers as regression', () => {
    const f = readCsv('x,label,price\n1,0,1.5\n2,1,2.25\n3,2,3.5\n4,1,9\n');
    const classes = csvDataset(f, { target: 1 });
    expect(classes.target.kind).toBe('classes');
    expect(classes.target.kind === 'classes' && classes.target.classNames).toEqual(['0', '1', '2']);
    const values = csvDataset(f, { target: 'price' });
    expect(values.target.kind).toBe('values');
    expect(Array.from(values.target.y)).toEqual([1.5, 2.25, 3.5, 9]);
    expect(csvDataset(f, { target: 'label', task: 'regression' }).target.kind).toBe('values');
  });

  it('names what is missing or wrong', () => {
    const f = readCsv(text, 'mine.csv');
    expect(csvError(() => csvDataset(f, { target: null })).key).toBe('noTarget');
    expect(csvError(() => csvDataset(f, { target: 'weight' })).message).toMatch(/no column "weight"; expected one of "id", "colour", "size", "kind"/);
    expect(csvError(() => csvDataset(f, { target: 'kind', ignore: ['id', 'colour', 'size'] })).key).toBe('noFeatures');
    expect(csvError(() => csvDataset(f, { target: 'colour', task: 'regression' })).message).toMatch(/holds text; expected numbers/);
    const one = readCsv('x,y\n1,a\n2,a\n');
    expect(csvError(() => csvDataset(one, { target: 'y' })).key).toBe('oneClass');
    const ids = readCsv('name,x,y\n' + Array.from({ length: 60 }, (_, i) => `p${i},${i},${i % 2}`).join('\n'));
    expect(csvError(() => csvDataset(ids, { target: 'y' })).message).toMatch(/column 1 \("name"\) has 60 different texts; expected at most 50/);
    expect(csvDataset(ids, { target: 'y', ignore: ['name'] }).featureNames).toEqual(['x']);
  });

  it('feeds the course tables\' split', () => {
    const rows = Array.from({ length: 40 }, (_, i) => `${i};${(i * 0.5).toString().replace('.', ',')};${i % 2 ? 'sí' : 'no'}`);
    const table = csvTable(csvDataset(readCsv(`n;v;clase\n${rows.join('\n')}`), { target: 'clase' }));
    const { train, test } = splitTable(table, { testFraction: 0.25, seed: 3 });
    expect([train.count, test.count, table.classNames]).toEqual([30, 10, ['no', 'sí']]);
  });
});
