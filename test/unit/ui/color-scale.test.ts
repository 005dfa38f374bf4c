import { describe, expect, it } from 'vitest';
import { COLOR_LUT, LUT_SIZE, lutIndex, valueColor } from '../../../src/ui/heatmap/color-scale';

/** Unpack a LUT entry (little-endian ABGR) into [r, g, b, a]. */
const rgba = (packed: number) => [packed & 255, (packed >>> 8) & 255, (packed >>> 16) & 255, packed >>> 24];

describe('heatmap color scale', () => {
  it('runs orange → grey → blue with TensorFlow Playground colors at −1, 0 and 1', () => {
    expect(rgba(COLOR_LUT[0])).toEqual([0xf5, 0x93, 0x22, 255]);
    expect(rgba(COLOR_LUT[LUT_SIZE - 1])).toEqual([0x08, 0x77, 0xbd, 255]);
    const mid = rgba(COLOR_LUT[lutIndex(0, false)]);
    for (const [channel, want] of [0xe8, 0xea, 0xeb].entries()) expect(Math.abs(mid[channel] - want)).toBeLessThanOrEqual(2);
  });

  it('clamps out-of-range values and maps NaN to the neutral color', () => {
    expect(lutIndex(-7, false)).toBe(0);
    expect(lutIndex(42, false)).toBe(LUT_SIZE - 1);
    expect(lutIndex(Number.NaN, false)).toBe(lutIndex(0, false));
  });

  it('discretizes to the two end colors by sign', () => {
    expect(lutIndex(0.01, true)).toBe(LUT_SIZE - 1);
    expect(lutIndex(-0.01, true)).toBe(0);
    expect(lutIndex(0, true)).toBe(LUT_SIZE - 1);
    expect(lutIndex(0.01, false)).not.toBe(LUT_SIZE - 1);
  });

  it('gives CSS colors for points', () => {
    expect(valueColor(1)).toBe('rgb(8,119,189)');
    expect(valueColor(-1)).toBe('rgb(245,147,34)');
  });
});
