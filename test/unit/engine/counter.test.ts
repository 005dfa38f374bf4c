// Step counters hold a u32: they count past 2^24, where an f32 stops (1 + 2^24 rounds back to 2^24).
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../../../src/engine/backend/cpu/cpu-backend';
import { counterBits, counterValue } from '../../../src/engine/counter';

const b = new CpuBackend();
const F32_LIMIT = 2 ** 24;

describe('step counters', () => {
  it('round-trip every u32 and refuse anything else, naming the range', () => {
    for (const v of [0, 1, F32_LIMIT + 1, 2 ** 31, 2 ** 32 - 1]) expect(counterValue(counterBits(v))).toBe(v);
    for (const v of [-1, 0.5, 2 ** 32, NaN]) expect(() => counterBits(v)).toThrow(`createCounter: value must be an integer in [0, 2^32), got ${v}`);
  });

  it('increment past 2^24 on the CPU backend, and wrap at 2^32 as the kernels do', async () => {
    const c = b.createCounter(F32_LIMIT - 1);
    for (let i = 0; i < 3; i++) b.increment(c);
    expect(counterValue(await b.read(c))).toBe(F32_LIMIT + 2);
    const top = b.createCounter(2 ** 32 - 1);
    b.increment(top);
    expect(counterValue(await b.read(top))).toBe(0);
  });

  it('dropout masks keep changing past 2^24 steps', async () => {
    const masks = await Promise.all([F32_LIMIT, F32_LIMIT + 1, F32_LIMIT + 2].map((s) => b.read(b.dropoutMask([64], 0.5, 3, b.createCounter(s)))));
    expect(masks[1]).not.toEqual(masks[0]);
    expect(masks[2]).not.toEqual(masks[1]);
  });
});
