// A drawn digit prepared as MNIST prepared its digits: the ink's bounding box scaled (aspect kept, area
// averaged) to fit a box×box square, then placed in the size×size image so that its centre of mass is the
// image's centre (LeCun et al.: 20×20 box in 28×28). The 8×8 digits were scaled to fill their square,
// which is the same rule with box = size.

/** Ink below this (0–1) is paper: anti-aliasing fringes do not widen the bounding box. */
const INK = 0.05;

/** The box a digit is scaled into for a size×size dataset: 20 of 28 as MNIST; the whole square below 16. */
export function digitBox(size: number): number {
  return size < 16 ? size : Math.round((size * 20) / 28);
}

/**
 * `ink`: a side×side drawing, row-major, 0 (paper) to 1 (ink). Returns the size×size image in [0, 1]
 * (all zeros when nothing is drawn).
 */
export function centreDigit(ink: ArrayLike<number>, side: number, size: number, box = digitBox(size)): Float32Array {
  if (ink.length !== side * side) throw new Error(`centreDigit: ${ink.length} values; expected ${side}×${side} = ${side * side}`);
  const out = new Float32Array(size * size);
  let top = side, left = side, bottom = -1, right = -1;
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      if (ink[y * side + x] < INK) continue;
      top = Math.min(top, y);
      bottom = Math.max(bottom, y);
      left = Math.min(left, x);
      right = Math.max(right, x);
    }
  }
  if (bottom < 0) return out;
  const w = right - left + 1;
  const h = bottom - top + 1;
  const scale = box / Math.max(w, h);
  const tw = Math.max(1, Math.min(box, Math.round(w * scale)));
  const th = Math.max(1, Math.min(box, Math.round(h * scale)));
  // Area average: every source pixel of the box adds to the cell it falls in.
  const sum = new Float32Array(tw * th);
  const count = new Float32Array(tw * th);
  for (let y = top; y <= bottom; y++) {
    const ty = Math.min(th - 1, Math.floor((y - top) * (th / h)));
    for (let x = left; x <= right; x++) {
      const tx = Math.min(tw - 1, Math.floor((x - left) * (tw / w)));
      sum[ty * tw + tx] += ink[y * side + x];
      count[ty * tw + tx]++;
    }
  }
  let mass = 0, mx = 0, my = 0;
  for (let i = 0; i < sum.length; i++) {
    sum[i] = count[i] ? Math.min(1, sum[i] / count[i]) : 0;
    mass += sum[i];
    mx += sum[i] * ((i % tw) + 0.5);
    my += sum[i] * (Math.floor(i / tw) + 0.5);
  }
  // Shift so the centre of mass lands on the image's centre, keeping the whole digit inside.
  const ox = Math.min(size - tw, Math.max(0, Math.round(size / 2 - mx / mass)));
  const oy = Math.min(size - th, Math.max(0, Math.round(size / 2 - my / mass)));
  for (let y = 0; y < th; y++) for (let x = 0; x < tw; x++) out[(oy + y) * size + ox + x] = sum[y * tw + x];
  return out;
}
