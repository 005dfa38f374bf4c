// Deterministic randomness. Two kinds:
//  - a sequential seeded generator (`createRng`) for initialization and shuffling on the host;
//  - a counter-based hash (`hashUniform`) for dropout, which any backend can evaluate per element
//    independently and which a WGSL kernel reproduces bit for bit with u32 arithmetic.

/** A seeded stream of pseudo-random numbers (mulberry32: 32-bit state, integer ops only). */
export interface Rng {
  /** Uniform in [0, 1), with 32 random bits. */
  next(): number;
  /** Uniform in [low, high). */
  uniform(low: number, high: number): number;
  /** Integer uniform in [0, n). */
  int(n: number): number;
  /** Normal (Box–Muller; two draws of `next` per call). */
  normal(mean?: number, std?: number): number;
  /** Normal, redrawn until within two standard deviations (Keras's truncated normal). */
  truncatedNormal(mean?: number, std?: number): number;
  /** Fisher–Yates shuffle in place; returns the same array. */
  shuffle<T>(array: T[]): T[];
}

export function createRng(seed: number): Rng {
  if (!Number.isFinite(seed)) throw new Error(`createRng: seed must be a finite number, got ${seed}`);
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = (mean = 0, std = 1): number => {
    const u = 1 - next(); // (0, 1], so the log is finite
    const v = next();
    return mean + std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  return {
    next,
    uniform: (low, high) => low + (high - low) * next(),
    int: (n) => {
      if (!(Number.isInteger(n) && n > 0)) throw new Error(`Rng.int: n must be a positive integer, got ${n}`);
      return Math.floor(next() * n);
    },
    normal,
    truncatedNormal: (mean = 0, std = 1) => {
      for (;;) {
        const z = normal();
        if (Math.abs(z) <= 2) return mean + std * z;
      }
    },
    shuffle: <T>(array: T[]): T[] => {
      for (let i = array.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        const tmp = array[i];
        array[i] = array[j];
        array[j] = tmp;
      }
      return array;
    },
  };
}

/**
 * PCG hash of one u32 (Jarzynski & Olano, "Hash Functions for GPU Rendering", 2020).
 * All arithmetic is modulo 2^32:
 *   state = x * 747796405 + 2891336453
 *   word  = ((state >> ((state >> 28) + 4)) ^ state) * 277803737
 *   return (word >> 22) ^ word
 */
export function pcgHash(x: number): number {
  const state = (Math.imul(x >>> 0, 747796405) + 2891336453) >>> 0;
  const word = Math.imul((state >>> ((state >>> 28) + 4)) ^ state, 277803737) >>> 0;
  return ((word >>> 22) ^ word) >>> 0;
}

/**
 * Uniform in [0, 1) from (seed, step, index), identical on every backend. Exact recipe, all u32 with
 * wrapping addition (seed, step and index are first taken modulo 2^32; in WGSL simply `u32(...)`):
 *   h = pcgHash(pcgHash(pcgHash(seed) + step) + index)
 *   u = f32(h >> 8) * 2^-24          // 24 bits, so exactly representable in f32
 * WGSL:
 *   fn hash_uniform(seed: u32, step: u32, index: u32) -> f32 {
 *     let h = pcg_hash(pcg_hash(pcg_hash(seed) + step) + index);
 *     return f32(h >> 8u) * (1.0 / 16777216.0);
 *   }
 */
export function hashUniform(seed: number, step: number, index: number): number {
  const h = pcgHash(((pcgHash(((pcgHash(seed) + (step >>> 0)) >>> 0)) + (index >>> 0)) >>> 0));
  return (h >>> 8) * 5.960464477539063e-8; // 2^-24
}
