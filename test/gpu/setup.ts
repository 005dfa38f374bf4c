// Shared by the GPU tests: one WebGPU backend (Dawn in Node) for the whole file, or a reason it is missing.
// Only a machine without an adapter skips (each suite is reported as skipped, with the reason); any other
// failure (a kernel that does not compile, a device error) fails the tests. With REQUIRE_WEBGPU=1 (CI) a
// missing adapter fails them too.
import { CpuBackend } from '../../src/engine/backend/cpu/cpu-backend';
import { WebGPUUnavailableError } from '../../src/engine/backend/webgpu/device';
import type { WebGPUBackend } from '../../src/engine/backend/webgpu/webgpu-backend';
import { createBackend } from '../../src/engine/registry';

process.env.VK_ICD_FILENAMES ??= '/usr/lib/chromium/vk_swiftshader_icd.json';

export const cpu = new CpuBackend();

let backend: Promise<WebGPUBackend | string> | undefined;

/** The shared backend (the one setBackend('webgpu') uses too, every pipeline compiled), or the reason WebGPU is unavailable (a string). */
export function webgpuBackend(): Promise<WebGPUBackend | string> {
  // Once every pipeline has compiled: tests that count compiles must not see background ones.
  backend ??= (createBackend('webgpu') as Promise<WebGPUBackend>).then(async (b) => {
    await b.executor.pipelines.all;
    return b;
  }).catch((e: unknown) => {
    if (!(e instanceof WebGPUUnavailableError)) throw e;
    if (process.env.REQUIRE_WEBGPU === '1') throw new Error(`REQUIRE_WEBGPU=1 but WebGPU is unavailable: ${e.message}`);
    console.warn(`Skipping WebGPU tests: ${e.message}`);
    return e.message;
  });
  return backend;
}

/** A suite title that carries the reason when the suite is skipped. */
export function gpuSuite(title: string, gpu: WebGPUBackend | string): string {
  return typeof gpu === 'string' ? `${title} (skipped: ${gpu})` : title;
}

export { maxViolation, randomValues } from './compare';
