import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseTable, readTableFile, splitTable, standardize } from '../../../src/data/tables';

const small = '4,2,a,b\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n';

describe('tables', () => {
  it('parses the header (count, features, class names) and the rows', () => {
    const t = parseTable(small);
    expect([t.count, t.nFeatures, t.classNames]).toEqual([4, 2, ['a', 'b']]);
    expect(Array.from(t.x)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(Array.from(t.y)).toEqual([0, 1, 0, 1]);
  });

  it('rejects malformed files naming the line', () => {
    expect(() => parseTable('')).toThrow(/empty file/);
    expect(() => parseTable('x,2,a\n')).toThrow(/is not "count,nFeatures,className0/);
    expect(() => parseTable('2,2,a,b\n1,2,0\n')).toThrow(/header says 2 rows, found 1/);
    expect(() => parseTable('1,2,a,b\n1,zz,0\n', 'f.csv')).toThrow('f.csv: line 2, column 2: "zz" is not a finite number');
    expect(() => parseTable('1,2,a,b\n1,2,2\n')).toThrow(/class "2" is not an index in \[0, 2\)/);
    expect(() => parseTable('1,2,a,b\n1,2\n')).toThrow(/line 2 has 2 fields; expected 3/);
  });

  it('reads the three course datasets (shipped in public/data)', async () => {
    for (const [file, count, features, classes] of [
      ['iris.csv', 150, 4, 3],
      ['wine_data.csv', 178, 13, 3],
      ['breast_cancer.csv', 569, 30, 2],
    ] as const) {
      const t = await readTableFile(new URL(`../../../public/data/${file}`, import.meta.url).pathname);
      expect([t.count, t.nFeatures, t.classNames.length]).toEqual([count, features, classes]);
    }
  });

  it('splits deterministically by seed, stratified by class', () => {
    const iris = parseTable(readFileSync(new URL('../../../public/data/iris.csv', import.meta.url), 'utf8'));
    const a = splitTable(iris, { testFraction: 0.2, seed: 5 });
    const b = splitTable(iris, { testFraction: 0.2, seed: 5 });
    const c = splitTable(iris, { testFraction: 0.2, seed: 6 });
    expect(a).toEqual(b);
    expect(Array.from(c.test.x)).not.toEqual(Array.from(a.test.x));
    expect([a.train.count, a.test.count]).toEqual([120, 30]);
    expect([0, 1, 2].map((k) => a.test.y.filter((v) => v === k).length)).toEqual([10, 10, 10]);
    expect(() => splitTable(iris, { testFraction: 1, seed: 1 })).toThrow(/testFraction must be in \(0, 1\)/);
  });

  it('standardizes with the statistics of the first table', () => {
    const t = parseTable(small);
    const { mean, std, tables } = standardize(t, t);
    expect(Array.from(mean)).toEqual([4, 5]);
    expect(std[0]).toBeCloseTo(Math.sqrt(5));
    expect(tables[0].x[0]).toBeCloseTo(-3 / Math.sqrt(5), 6);
  });
});
