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

/** One colour per class: TensorFlow Playground's orange and blue for the first two, then four more apart from them. */
export const CLASS_COLORS = [NEGATIVE_COLOR, POSITIVE_COLOR, '#2ca25f', '#8856a7', '#d7301f', '#6b4f2a'] as const;

const CLASS_RGB = CLASS_COLORS.map(parseHex);
const NEUTRAL_RGB = parseHex(NEUTRAL_COLOR);

export function classColor(index: number): string {
  return CLASS_COLORS[index % CLASS_COLORS.length];
}

/**
 * Colours a multi-output grid ([units, points]) into `pixels` (ABGR): each point in the colour of its argmax
 * class, lighter the closer the runner-up (margin best − second, divided by `span`, the outputs' range: 1 for
 * probabilities, 2 for tanh). Discretized: full colour.
 */
export function paintClassMap(pixels: Uint32Array, grid: Float32Array, units: number, points: number, span: number, discretize: boolean): void {
  for (let p = 0; p < points; p++) {
    let best = 0;
    let second = -Infinity;
    for (let j = 1; j < units; j++) {
      const v = grid[j * points + p];
      if (v > grid[best * points + p]) {
        second = grid[best * points + p];
        best = j;
      } else if (v > second) second = v;
    }
    if (units === 1) second = grid[p];
    const margin = grid[best * points + p] - second;
    const t = discretize ? 1 : !(margin === margin) ? 0 : Math.min(1, Math.max(0, margin / span));
    const [r, g, b] = mix(NEUTRAL_RGB, CLASS_RGB[best % CLASS_RGB.length], 0.15 + 0.85 * t);
    pixels[p] = (255 << 24) | (Math.round(b) << 16) | (Math.round(g) << 8) | Math.round(r);
  }
}
