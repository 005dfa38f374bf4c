// Comparison helpers shared by the Node GPU tests and the browser kernel page (no Node APIs here).

/** Deterministic values in [-1, 1) (mulberry32-like), so failures reproduce. */
export function randomValues(n: number, seed: number, scale = 1): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = scale * ((((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1);
  }
  return out;
}

/**
 * Largest violation of |a − e| ≤ rtol·|e| + atol·scale, where scale is the largest |e| (so sums that cancel
 * are judged against the size of their terms). 0 when every element passes.
 */
export function maxViolation(actual: Float32Array, expected: Float32Array, rtol = 1e-4, atol = 1e-5): number {
  if (actual.length !== expected.length) return Infinity;
  let scale = 1;
  for (const v of expected) if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i];
    const a = actual[i];
    if (Number.isNaN(e) && Number.isNaN(a)) continue;
    if (e === a) continue;
    const excess = Math.abs(a - e) - (rtol * Math.abs(e) + atol * scale);
    if (!(excess <= 0)) worst = Math.max(worst, Number.isNaN(excess) ? Infinity : excess);
  }
  return worst;
}
