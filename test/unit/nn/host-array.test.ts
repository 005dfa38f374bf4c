import { describe, expect, it } from 'vitest';
import { sliceRows, toCategorical, toHostArray } from '../../../src/nn/host-array';

describe('host arrays', () => {
  it('flattens nested arrays row-major with their shape', () => {
    const a = toHostArray([[[1], [2]], [[3], [4]]], 'x');
    expect(a.shape).toEqual([2, 2, 1]);
    expect(Array.from(a.values)).toEqual([1, 2, 3, 4]);
  });

  it('accepts { shape, values } and checks the size', () => {
    expect(toHostArray({ shape: [2, 2], values: [1, 2, 3, 4] }, 'x').shape).toEqual([2, 2]);
    expect(() => toHostArray({ shape: [2, 3], values: [1, 2] }, 'x')).toThrow('x: 2 values do not fill shape [2, 3] (6 expected)');
  });

  it('rejects ragged arrays, non-numbers and non-finite values, naming the argument', () => {
    expect(() => toHostArray([[1, 2], [3]], 'x')).toThrow(/x\[1\]: ragged array/);
    expect(() => toHostArray([[1, 'a']], 'y')).toThrow(/y\[0\]\[1\]: expected a number, got string/);
    expect(() => toHostArray([[1, 2], [3, -Infinity]], 'x')).toThrow(/x: value -Infinity at flat index 3 \(row 1\)/);
    expect(() => toHostArray(5, 'x')).toThrow(/x: expected a nested array of numbers or \{ shape, values \}, got 5/);
  });

  it('slices rows and builds one-hot rows', () => {
    const a = toHostArray([[1, 2], [3, 4], [5, 6]], 'x');
    expect(Array.from(sliceRows(a, 1, 3).values)).toEqual([3, 4, 5, 6]);
    expect(Array.from(toCategorical([2, 0], 3).values)).toEqual([0, 0, 1, 1, 0, 0]);
    expect(() => toCategorical([3], 3)).toThrow(/label 3 at index 0 is not a class index in \[0, 3\)/);
  });
});
