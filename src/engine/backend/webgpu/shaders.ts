// WGSL sources from shaders/*.wgsl. Under Vite (app, bench, vitest) they are bundled with `?raw` imports;
// in plain Node (`npx tsx`) `import.meta.env` is undefined and they are read from disk instead, through a
// dynamic import that the browser bundle never follows.

export type ShaderFile =
  | 'common'
  | 'elementwise'
  | 'matmul'
  | 'conv2d'
  | 'pool'
  | 'reduce'
  | 'softmax'
  | 'loss'
  | 'loss_terms'
  | 'metrics'
  | 'optimizer'
  | 'update_rules'
  | 'dense_step'
  | 'dropout'
  | 'layout'
  | 'grid'
  | 'grid_loop';

const bundled: Record<string, string> | undefined = import.meta.env
  ? import.meta.glob('/shaders/*.wgsl', { query: '?raw', import: 'default', eager: true })
  : undefined;

let cache: Promise<Map<ShaderFile, string>> | undefined;

/** Every shader file's text by name (e.g. 'matmul'). */
export function loadShaders(): Promise<Map<ShaderFile, string>> {
  cache ??= bundled ? Promise.resolve(fromBundle(bundled)) : fromDisk();
  return cache;
}

function fromBundle(files: Record<string, string>): Map<ShaderFile, string> {
  const out = new Map<ShaderFile, string>();
  for (const [path, text] of Object.entries(files)) out.set(baseName(path) as ShaderFile, text);
  return out;
}

async function fromDisk(): Promise<Map<ShaderFile, string>> {
  // Held in variables so bundlers leave these Node-only modules alone.
  const fsName = 'node:fs/promises';
  const fs = (await import(/* @vite-ignore */ fsName)) as typeof import('node:fs/promises');
  const dir = new URL('../../../../shaders/', import.meta.url);
  const out = new Map<ShaderFile, string>();
  for (const name of await fs.readdir(dir)) {
    if (name.endsWith('.wgsl')) out.set(baseName(name) as ShaderFile, await fs.readFile(new URL(name, dir), 'utf8'));
  }
  return out;
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1).replace(/\.wgsl$/, '');
}
