// Pipeline compiles in priority order: the backend is ready once the first network's kernels have compiled,
// a kernel used before its background compile finished still gives the CPU's results, and every kernel
// compiles in the end.
import { describe, expect, it } from 'vitest';
import { firstKernels, KERNELS } from '../../src/engine/backend/webgpu/kernels';
import { WebGPUBackend } from '../../src/engine/backend/webgpu/webgpu-backend';
import { cpu, gpuSuite, maxViolation, randomValues, webgpuBackend } from './setup';

const gpu = await webgpuBackend();
const total = Object.keys(KERNELS).length;

describe.skipIf(typeof gpu === 'string')(gpuSuite('pipeline compiles in priority order', gpu), () => {
  it('is ready with the dense kernels compiled, runs a kernel not compiled yet, and compiles the rest', async () => {
    // A backend of its own, created here, so its background compiles are still running.
    const own = await WebGPUBackend.create();
    const cache = own.executor.pipelines;
    expect(cache.count).toBeLessThan(total);
    expect(cache.count).toBeGreaterThanOrEqual(firstKernels(own.executor.emulated).length);
    expect(cache.fallbacks).toBe(0);

    // The blocked matmul is not among the first kernels: used now, it compiles synchronously.
    const a = randomValues(40 * 50, 3);
    const w = randomValues(50 * 120, 4);
    const product = (b: typeof cpu | WebGPUBackend): Promise<Float32Array> =>
      b.read(b.matmul(b.upload(a, [40, 50]), b.upload(w, [50, 120]), false, false));
    const actual = await product(own);
    expect(cache.fallbacks).toBeGreaterThan(0);
    expect(maxViolation(actual, await product(cpu))).toBe(0);

    await cache.all;
    expect(cache.count).toBe(total);
    own.destroy();
  });
});
