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

describe('class map', () => {
  it('colours each point by its argmax class, paler as the runner-up comes closer, full colour when discretized', async () => {
    const { paintClassMap, CLASS_COLORS, NEUTRAL_COLOR } = await import('../../../src/ui/heatmap/color-scale');
    const rgb = (packed: number) => [packed & 255, (packed >> 8) & 255, (packed >> 16) & 255];
    const hex = (h: string) => [1, 3, 5].map((i) => Number.parseInt(h.slice(i, i + 2), 16));
    // Three classes over three points: sure of class 2, sure of class 0, undecided between 1 and 2.
    const grid = Float32Array.of(0, 1, 0.05, 0, 0, 0.475, 1, 0, 0.475);
    const pixels = new Uint32Array(3);
    paintClassMap(pixels, grid, 3, 3, 1, false);
    expect(rgb(pixels[0])).toEqual(hex(CLASS_COLORS[2]));
    expect(rgb(pixels[1])).toEqual(hex(CLASS_COLORS[0]));
    const undecided = rgb(pixels[2]);
    const neutral = hex(NEUTRAL_COLOR);
    // At a tie only a faint tint (15 %) of the winning class is left.
    undecided.forEach((v, i) => expect(Math.abs(v - neutral[i])).toBeLessThan(40));
    paintClassMap(pixels, grid, 3, 3, 1, true);
    expect(rgb(pixels[2])).toEqual(hex(CLASS_COLORS[1]));
  });
});
