// Points a user draws on the plane, written compactly enough for a link: each point's x₁ and x₂ rounded to
// 0.1 on [−6, 6] (0 … 120, 7 bits each) and its class (0 … 5, 3 bits) packed into 17 bits, written as three
// base64url characters (18 bits). 100 points take 300 characters.
import { PLANE_RADIUS, type Point2D } from './playground-datasets';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const STEPS = 120;
const MAX_CLASS = 5;
/** At most this many points travel in a link (3 characters each); more are for the CSV download. */
export const MAX_LINK_POINTS = 1000;
export const DRAWN_PATTERN = /^([A-Za-z0-9_-]{3})*$/;

const quantize = (v: number) => Math.round(((Math.max(-PLANE_RADIUS, Math.min(PLANE_RADIUS, v)) + PLANE_RADIUS) / (2 * PLANE_RADIUS)) * STEPS);
const dequantize = (q: number) => (q / STEPS) * 2 * PLANE_RADIUS - PLANE_RADIUS;

/** Points (labels are class indices 0–5) to the link form. Coordinates are rounded to 0.1. */
export function encodeDrawnPoints(points: readonly Point2D[]): string {
  if (points.length > MAX_LINK_POINTS) throw new Error(`encodeDrawnPoints: ${points.length} points; a link holds at most ${MAX_LINK_POINTS}`);
  return points
    .map((p) => {
      if (!(Number.isInteger(p.label) && p.label >= 0 && p.label <= MAX_CLASS)) throw new Error(`encodeDrawnPoints: class ${p.label} is not in 0–${MAX_CLASS}`);
      const bits = (quantize(p.x) << 10) | (quantize(p.y) << 3) | p.label;
      return ALPHABET[(bits >> 12) & 63] + ALPHABET[(bits >> 6) & 63] + ALPHABET[bits & 63];
    })
    .join('');
}

/** The link form back to points; throws naming the first bad point. */
export function decodeDrawnPoints(text: string): Point2D[] {
  if (!DRAWN_PATTERN.test(text)) throw new Error(`decodeDrawnPoints: expected groups of three base64url characters, got ${text.length} characters`);
  const points: Point2D[] = [];
  for (let i = 0; i < text.length; i += 3) {
    const bits = (ALPHABET.indexOf(text[i]) << 12) | (ALPHABET.indexOf(text[i + 1]) << 6) | ALPHABET.indexOf(text[i + 2]);
    const qx = bits >> 10;
    const qy = (bits >> 3) & 127;
    const label = bits & 7;
    if (qx > STEPS || qy > STEPS || label > MAX_CLASS) throw new Error(`decodeDrawnPoints: point ${i / 3 + 1} ("${text.slice(i, i + 3)}") is outside the plane or its class outside 0–${MAX_CLASS}`);
    points.push({ x: dequantize(qx), y: dequantize(qy), label });
  }
  return points;
}

/** The points as a CSV a spreadsheet opens (x1,x2,class). */
export function drawnPointsCsv(points: readonly Point2D[]): string {
  return ['x1,x2,class', ...points.map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)},${p.label}`)].join('\n') + '\n';
}
