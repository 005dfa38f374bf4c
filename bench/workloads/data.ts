// Deterministic inputs shared by every engine, so they train on exactly the same numbers.

/** mulberry32: a tiny seeded PRNG, enough for benchmark inputs. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Batches {
  /** One Float32Array per batch, row-major [batch, ...features]. */
  x: Float32Array[];
  y: Float32Array[];
}

/**
 * TensorFlow Playground's "circle" data: half the points inside radius 0.5·r (label +1),
 * half in the ring 0.7·r..r (label −1), scaled to [−1, 1]. Returned as batches of `batch` rows.
 */
export function circleBatches(samples: number, batch: number, seed = 1): Batches {
  const rand = rng(seed);
  const xs = new Float32Array(samples * 2);
  const ys = new Float32Array(samples);
  for (let i = 0; i < samples; i++) {
    const inside = i % 2 === 0;
    const r = inside ? rand() * 0.5 : 0.7 + rand() * 0.3;
    const angle = rand() * 2 * Math.PI;
    xs[2 * i] = r * Math.sin(angle);
    xs[2 * i + 1] = r * Math.cos(angle);
    ys[i] = inside ? 1 : -1;
  }
  return split(xs, ys, samples, 2, 1, batch);
}

/** Synthetic "images": uniform pixels in [0, 1) and random one-hot labels over `classes`. */
export function imageBatches(count: number, batch: number, pixels: number, classes: number, seed = 2): Batches {
  const rand = rng(seed);
  const n = count * batch;
  const xs = new Float32Array(n * pixels);
  for (let i = 0; i < xs.length; i++) xs[i] = rand();
  const ys = new Float32Array(n * classes);
  for (let i = 0; i < n; i++) ys[i * classes + Math.floor(rand() * classes)] = 1;
  return split(xs, ys, n, pixels, classes, batch);
}

/** The input plane as a grid×grid list of (x, y) points over [−1, 1]², row by row. */
export function gridPoints(grid: number): Float32Array {
  const out = new Float32Array(grid * grid * 2);
  for (let r = 0; r < grid; r++) {
    for (let c = 0; c < grid; c++) {
      const i = r * grid + c;
      out[2 * i] = -1 + (2 * (c + 0.5)) / grid;
      out[2 * i + 1] = 1 - (2 * (r + 0.5)) / grid;
    }
  }
  return out;
}

export function randomMatrix(rows: number, cols: number, seed: number): Float32Array {
  const rand = rng(seed);
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < out.length; i++) out[i] = rand() * 2 - 1;
  return out;
}

/** Glorot (Xavier) uniform values for a [fanIn, fanOut] kernel: ±√(6 / (fanIn + fanOut)). */
export function glorotUniform(fanIn: number, fanOut: number, seed: number, count = fanIn * fanOut): Float32Array {
  const rand = rng(seed);
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  return Float32Array.from({ length: count }, () => (rand() * 2 - 1) * limit);
}

function split(xs: Float32Array, ys: Float32Array, n: number, xw: number, yw: number, batch: number): Batches {
  const out: Batches = { x: [], y: [] };
  for (let start = 0; start + batch <= n; start += batch) {
    out.x.push(xs.subarray(start * xw, (start + batch) * xw));
    out.y.push(ys.subarray(start * yw, (start + batch) * yw));
  }
  return out;
}
