// Which backend runs the kernels. The WebGPU backend is loaded lazily so CPU-only users never touch WebGPU.
import type { Backend } from './backend/backend';
import { CpuBackend } from './backend/cpu/cpu-backend';

export type BackendName = 'cpu' | 'wasm' | 'webgpu';

let current: Backend = new CpuBackend();
const factories = new Map<BackendName, () => Promise<Backend>>([
  ['cpu', async () => new CpuBackend()],
  // Imported on first use: compiles every WGSL pipeline before resolving (see webgpu-backend.ts).
  ['webgpu', async () => (await import('./backend/webgpu/webgpu-backend')).createWebGPUBackend()],
  // The CPU backend with WebAssembly SIMD kernels; imported on first use like WebGPU.
  ['wasm', async () => (await import('./backend/wasm/wasm-backend')).createWasmBackend()],
]);

/** Register how to create a backend (the WebGPU module registers itself when imported). */
export function registerBackend(name: BackendName, create: () => Promise<Backend>): void {
  factories.set(name, create);
}

export async function setBackend(name: BackendName): Promise<Backend> {
  const create = factories.get(name);
  if (!create) throw new Error(`setBackend: unknown backend "${name}"; expected one of ${[...factories.keys()].join(', ')}`);
  current = await create();
  return current;
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
