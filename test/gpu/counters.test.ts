// Step counters on WebGPU hold a u32 as on the CPU (src/engine/counter.ts): they count past 2^24, where an
// f32 stops, and kernels that read them (dropout, optimizer updates) see the exact count.
import { describe, expect, it } from 'vitest';
import type { Backend } from '../../src/engine/backend/backend';
import { counterValue } from '../../src/engine/counter';
import { cpu, webgpuBackend } from './setup';

const gpu = await webgpuBackend();
const available = typeof gpu !== 'string';

describe.skipIf(!available)('step counters on WebGPU', () => {
  it('increment past 2^24 and wrap at 2^32 as on the CPU; dropout masks follow every step', async () => {
    if (typeof gpu === 'string') throw new Error(gpu);
    const run = async (b: Backend): Promise<{ counts: number[]; masks: Float32Array[] }> => {
      const c = b.createCounter(2 ** 24 - 1);
      const counts: number[] = [];
      const masks: Float32Array[] = [];
      for (let i = 0; i < 3; i++) {
        b.increment(c);
        counts.push(counterValue(await b.read(c)));
        masks.push(await b.read(b.dropoutMask([256], 0.5, 5, c)));
      }
      const top = b.createCounter(2 ** 32 - 1);
      b.increment(top);
      counts.push(counterValue(await b.read(top)));
      return { counts, masks };
    };
    const onGpu = await run(gpu);
    const onCpu = await run(cpu);
    expect(onGpu.counts).toEqual([2 ** 24, 2 ** 24 + 1, 2 ** 24 + 2, 0]);
    expect(onGpu).toEqual(onCpu);
    expect(onGpu.masks[1]).not.toEqual(onGpu.masks[0]);
    expect(onGpu.masks[2]).not.toEqual(onGpu.masks[1]);
  });

  it('assign copies a counter exactly, small counts (subnormal as f32 bits) too', async () => {
    if (typeof gpu === 'string') throw new Error(gpu);
    for (const value of [0, 5, 2 ** 23 - 1, 2 ** 24 + 7, 2 ** 32 - 1]) {
      const c = gpu.createCounter(0);
      const source = gpu.createCounter(value);
      gpu.assign(c, source);
      expect(counterValue(await gpu.read(c))).toBe(value);
      gpu.dispose(c);
      gpu.dispose(source);
    }
  });
});
