import { describe, expect, it } from 'vitest';
import { centreDigit, digitBox } from '../../../src/data/digit-centring';

/** A side×side drawing with ink on the rectangle [x0, x1) × [y0, y1). */
function rect(side: number, x0: number, y0: number, x1: number, y1: number): Float32Array {
  const ink = new Float32Array(side * side);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) ink[y * side + x] = 1;
  return ink;
}

function bounds(image: Float32Array, size: number) {
  let top = size, left = size, bottom = -1, right = -1, mass = 0, mx = 0, my = 0;
  image.forEach((v, i) => {
    if (v <= 0) return;
    const x = i % size, y = Math.floor(i / size);
    top = Math.min(top, y); bottom = Math.max(bottom, y); left = Math.min(left, x); right = Math.max(right, x);
    mass += v; mx += v * (x + 0.5); my += v * (y + 0.5);
  });
  return { width: right - left + 1, height: bottom - top + 1, cx: mx / mass, cy: my / mass };
}

describe('centreDigit', () => {
  it('scales a stroke in a corner of a 280² canvas to a 20-pixel box centred by mass in 28×28 (MNIST)', () => {
    // A tall bar 40 wide, 200 high, near the top-left corner.
    const image = centreDigit(rect(280, 10, 5, 50, 205), 280, 28);
    const b = bounds(image, 28);
    expect(b.height).toBe(20);
    expect(b.width).toBe(4);
    expect(b.cx).toBeCloseTo(14, 0);
    expect(b.cy).toBeCloseTo(14, 0);
    for (const v of image) expect(v).toBeLessThanOrEqual(1);
  });

  it('keeps the aspect: a wide stroke fills 20 across', () => {
    const b = bounds(centreDigit(rect(280, 100, 100, 260, 140), 280, 28), 28);
    expect(b.width).toBe(20);
    expect(b.height).toBe(5);
  });

  it('centres by mass, not by box: an L shape sits off the box centre', () => {
    const ink = rect(280, 0, 0, 20, 200);
    ink.set(rect(280, 0, 180, 200, 200).subarray(180 * 280), 180 * 280);
    const b = bounds(centreDigit(ink, 280, 28), 28);
    expect(Math.abs(b.cx - 14)).toBeLessThan(1);
    expect(Math.abs(b.cy - 14)).toBeLessThan(1);
  });

  it('the 8×8 digits fill their square; nothing drawn gives an empty image; a wrong size is refused', () => {
    expect(digitBox(8)).toBe(8);
    expect(digitBox(28)).toBe(20);
    expect(bounds(centreDigit(rect(280, 50, 20, 230, 260), 280, 8), 8).height).toBe(8);
    expect(Array.from(centreDigit(new Float32Array(100), 10, 28)).every((v) => v === 0)).toBe(true);
    expect(() => centreDigit(new Float32Array(99), 10, 28)).toThrow(/expected 10×10/);
  });
});
