import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src/engine/random';
import { fans, initialValues } from '../../../src/nn/initializers';

const std = (v: Float32Array): number => {
  const m = v.reduce((a, c) => a + c, 0) / v.length;
  return Math.sqrt(v.reduce((a, c) => a + (c - m) ** 2, 0) / v.length);
};

describe('initializers (Keras formulas)', () => {
  it('fans of dense and conv kernels', () => {
    expect(fans([4, 3])).toEqual({ fanIn: 4, fanOut: 3 });
    expect(fans([3, 3, 2, 8])).toEqual({ fanIn: 18, fanOut: 72 });
  });

  it('glorotUniform stays within ±√(6/(in+out)) and fills it', () => {
    const v = initialValues('glorotUniform', [100, 50], createRng(1));
    const limit = Math.sqrt(6 / 150);
    expect(Math.max(...v)).toBeLessThanOrEqual(limit);
    expect(Math.min(...v)).toBeGreaterThanOrEqual(-limit);
    expect(std(v)).toBeCloseTo(limit / Math.sqrt(3), 2);
  });

  it('heNormal has standard deviation √(2/in) after truncation; heUniform within √(6/in)', () => {
    expect(std(initialValues('heNormal', [200, 100], createRng(2)))).toBeCloseTo(Math.sqrt(2 / 200), 2);
    expect(Math.max(...initialValues('heUniform', [50, 10], createRng(3)))).toBeLessThanOrEqual(Math.sqrt(6 / 50));
  });

  it('constant and small random initializers; the same seed gives the same values', () => {
    expect(Array.from(initialValues('zeros', [2], createRng(1)))).toEqual([0, 0]);
    expect(Array.from(initialValues('ones', [2], createRng(1)))).toEqual([1, 1]);
    expect(Math.max(...initialValues('randomUniform', [100], createRng(1)).map(Math.abs))).toBeLessThanOrEqual(0.05);
    expect(initialValues('glorotNormal', [5, 5], createRng(9))).toEqual(initialValues('glorotNormal', [5, 5], createRng(9)));
  });
});
