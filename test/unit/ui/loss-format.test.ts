import { describe, expect, it } from 'vitest';
import { formatLoss } from '../../../src/ui/charts/LossChart';

describe('loss format', () => {
  it('prints three decimals, and "–" before the first evaluation', () => {
    expect(formatLoss(0.12044)).toBe('0.120');
    expect(formatLoss(999999.4)).toBe('999999.400');
    expect(formatLoss(undefined)).toBe('–');
    expect(formatLoss(Number.NaN)).toBe('–');
  });

  it('prints a huge loss (a run diverging) as four digits and a power of ten, not 13 digits or JavaScript\'s raw form', () => {
    expect(formatLoss(1e6)).toBe('1.000e+6');
    expect(formatLoss(5.626172825328437e26)).toBe('5.626e+26');
    expect(formatLoss(3.4e38)).toBe('3.400e+38');
  });
});
