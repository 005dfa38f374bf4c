// Which backend runs the kernels. The WebGPU backend is loaded lazily so CPU-only users never touch WebGPU.
import type { Backend } from './backend/backend';
import { CpuBackend } from './backend/cpu/cpu-backend';

export type BackendName = 'cpu' | 'webgpu';

let current: Backend = new CpuBackend();
const factories = new Map<BackendName, () => Promise<Backend>>([
  ['cpu', async () => new CpuBackend()],
  // Imported on first use: compiles every WGSL pipeline before resolving (see webgpu-backend.ts).
  ['webgpu', async () => (await import('./backend/webgpu/webgpu-backend')).createWebGPUBackend()],
]);

/** Register how to create a backend (the WebGPU module registers itself when imported). */
export function registerBackend(name: BackendName, create: () => Promise<Backend>): void {
  factories.set(name, create);
}

export async function setBackend(name: BackendName): Promise<Backend> {
  current = await createBackend(name, 'setBackend');
  return current;
}

/**
 * A new backend that is not made active: a caller can keep training on the current one while this one
 * starts (WebGPU compiling its pipelines), then switch with `useBackend`.
 */
export async function createBackend(name: BackendName, caller = 'createBackend'): Promise<Backend> {
  const create = factories.get(name);
  if (!create) throw new Error(`${caller}: unknown backend "${name}"; expected one of ${[...factories.keys()].join(', ')}`);
  return create();
}

/** Use an already-created backend instance (tests, device-loss recovery). */
export function useBackend(b: Backend): void {
  current = b;
}

export function getBackend(): BackendName {
  return current.name;
}

export function activeBackend(): Backend {
  return current;
}
