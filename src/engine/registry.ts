// Which backend runs the kernels. The WebGPU backend is loaded lazily so CPU-only users never touch WebGPU.
// One instance per backend name: setBackend('webgpu') twice uses one device, not two.
import type { Backend } from './backend/backend';
import { CpuBackend } from './backend/cpu/cpu-backend';

export type BackendName = 'cpu' | 'wasm' | 'webgpu';

let current: Backend = new CpuBackend();
const factories = new Map<BackendName, () => Promise<Backend>>([
  ['cpu', async () => new CpuBackend()],
  // Imported on first use: resolves once a small dense network's pipelines have compiled (see webgpu-backend.ts).
  ['webgpu', async () => (await import('./backend/webgpu/webgpu-backend')).createWebGPUBackend()],
  // The CPU backend with WebAssembly SIMD kernels; imported on first use like WebGPU.
  ['wasm', async () => (await import('./backend/wasm/wasm-backend')).createWasmBackend()],
]);
/** The instance of each backend created so far (a failed creation is forgotten, so it can be retried). */
const instances = new Map<BackendName, Promise<Backend>>();

/** Register how to create a backend; an instance made by the previous factory is released. */
export function registerBackend(name: BackendName, create: () => Promise<Backend>): void {
  factories.set(name, create);
  void releaseBackend(name);
}

/**
 * The backend of this name without making it active (a caller can keep training on the current one while
 * WebGPU compiles its pipelines, then switch with `useBackend`): created on the first call, the same
 * instance after, so a page holds one device however often it asks.
 */
export function createBackend(name: BackendName, caller = 'createBackend'): Promise<Backend> {
  const create = factories.get(name);
  if (!create) return Promise.reject(new Error(`${caller}: unknown backend "${name}"; expected one of ${[...factories.keys()].join(', ')}`));
  let instance = instances.get(name);
  if (!instance) {
    instance = create();
    instances.set(name, instance);
    instance.catch(() => {
      if (instances.get(name) === instance) instances.delete(name);
    });
  }
  return instance;
}

export async function setBackend(name: BackendName): Promise<Backend> {
  current = await createBackend(name, 'setBackend');
  return current;
}

/**
 * Destroy the instance of this name (its device, for WebGPU) so the next setBackend creates a new one,
 * e.g. after its device failed to recover. Tensors made on it are unusable afterwards.
 */
export async function releaseBackend(name: BackendName): Promise<void> {
  const instance = instances.get(name);
  if (!instance) return;
  instances.delete(name);
  const backend = await instance.catch(() => null);
  if (!backend) return;
  if (current === backend) current = new CpuBackend();
  (backend as Backend & { destroy?: () => void }).destroy?.();
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
