// Seeds are strings in the URL (TensorFlow Playground writes "0.35497"); the engine's RNG takes a u32.
// Each use (data, split, initialization) gets its own stream so changing one never shifts another.

export type SeedPurpose = 'data' | 'split' | 'init';

/** FNV-1a over "seed/purpose": a stable u32 for each (seed, purpose). */
export function seedNumber(seed: string, purpose: SeedPurpose): number {
  const text = `${seed}/${purpose}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A fresh seed in TensorFlow Playground's spelling (five decimals). */
export function randomSeed(random: () => number = Math.random): string {
  return random().toFixed(5);
}
