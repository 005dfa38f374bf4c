// The diverging orange–grey–blue scale TensorFlow Playground uses for values in [−1, 1].
// Colors are looked up in a precomputed table so drawing a 200×200 grid is one pass of array reads.

export const NEGATIVE_COLOR = '#f59322';
export const NEUTRAL_COLOR = '#e8eaeb';
export const POSITIVE_COLOR = '#0877bd';

/** Entries in the lookup table; value v maps to index round((v + 1) / 2 · (LUT_SIZE − 1)). Odd, so 0 has its own entry. */
export const LUT_SIZE = 511;

function parseHex(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function mix(a: [number, number, number], b: [number, number, number], t: number): [number, number, number] {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

/** RGBA bytes for LUT_SIZE evenly spaced values from −1 to 1, packed little-endian into Uint32 (ABGR). */
function buildLut(): Uint32Array {
  const neg = parseHex(NEGATIVE_COLOR);
  const mid = parseHex(NEUTRAL_COLOR);
  const pos = parseHex(POSITIVE_COLOR);
  const lut = new Uint32Array(LUT_SIZE);
  for (let i = 0; i < LUT_SIZE; i++) {
    const v = (i / (LUT_SIZE - 1)) * 2 - 1;
    const [r, g, b] = v < 0 ? mix(mid, neg, -v) : mix(mid, pos, v);
    lut[i] = (255 << 24) | (Math.round(b) << 16) | (Math.round(g) << 8) | Math.round(r);
  }
  return lut;
}

export const COLOR_LUT = buildLut();
const NEG_INDEX = 0;
const MID_INDEX = (LUT_SIZE - 1) / 2;
const POS_INDEX = LUT_SIZE - 1;

/** Index into COLOR_LUT for a value; clamps to [−1, 1]; NaN maps to the neutral color. */
export function lutIndex(value: number, discretize: boolean): number {
  if (!(value === value)) return MID_INDEX;
  // As TensorFlow Playground: a discretized 0 counts as the positive class, so dead regions are not grey.
  if (discretize) return value >= 0 ? POS_INDEX : NEG_INDEX;
  const clamped = value < -1 ? -1 : value > 1 ? 1 : value;
  return Math.round(((clamped + 1) / 2) * (LUT_SIZE - 1));
}

/** CSS color of a value, for SVG points and legends. */
export function valueColor(value: number): string {
  const c = COLOR_LUT[lutIndex(value, false)];
  return `rgb(${c & 255},${(c >> 8) & 255},${(c >> 16) & 255})`;
}
