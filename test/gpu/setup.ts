// Shared by the GPU tests: one WebGPU backend (Dawn in Node) for the whole file, or a reason it is missing.
// With REQUIRE_WEBGPU=1 (CI) a missing adapter fails the tests instead of skipping them.
import { CpuBackend } from '../../src/engine/backend/cpu/cpu-backend';
import { WebGPUBackend } from '../../src/engine/backend/webgpu/webgpu-backend';

process.env.VK_ICD_FILENAMES ??= '/usr/lib/chromium/vk_swiftshader_icd.json';

export const cpu = new CpuBackend();

let backend: Promise<WebGPUBackend | string> | undefined;

/** The shared backend, or the reason WebGPU is unavailable (a string). */
export function webgpuBackend(): Promise<WebGPUBackend | string> {
  backend ??= WebGPUBackend.create().catch((e: unknown) => {
    const reason = e instanceof Error ? e.message : String(e);
    if (process.env.REQUIRE_WEBGPU === '1') throw new Error(`REQUIRE_WEBGPU=1 but WebGPU is unavailable: ${reason}`);
    console.warn(`Skipping WebGPU tests: ${reason}`);
    return reason;
  });
  return backend;
}

export { maxViolation, randomValues } from './compare';
