import { describe, expect, it } from 'vitest';
import { chooseBackend, measureStepsPerSecond } from '../../../src/app/backend-choice';

describe('chooseBackend', () => {
  const cpuFaster = { webgpu: 3000, cpu: 5000 };
  const gpuFaster = { webgpu: 90_000, cpu: 5000 };

  it('auto takes the path measured faster', () => {
    expect(chooseBackend('auto', cpuFaster, true)).toBe('cpu');
    expect(chooseBackend('auto', gpuFaster, true)).toBe('webgpu');
  });

  it('auto keeps the CPU worker on a tie and until WebGPU has been measured', () => {
    expect(chooseBackend('auto', { webgpu: 4000, cpu: 4000 }, true)).toBe('cpu');
    expect(chooseBackend('auto', { webgpu: null, cpu: 4000 }, true)).toBe('cpu');
    expect(chooseBackend('auto', { webgpu: null, cpu: null }, true)).toBe('cpu');
    expect(chooseBackend('auto', { webgpu: 10, cpu: null }, true)).toBe('webgpu');
  });

  it("the user's choice wins over the measurement", () => {
    expect(chooseBackend('cpu', gpuFaster, true)).toBe('cpu');
    expect(chooseBackend('webgpu', cpuFaster, true)).toBe('webgpu');
  });

  it('without a usable WebGPU device every preference trains on the CPU', () => {
    for (const preference of ['auto', 'webgpu', 'cpu'] as const) expect(chooseBackend(preference, gpuFaster, false)).toBe('cpu');
  });
});

describe('measureStepsPerSecond', () => {
  /** A fake path: each step costs `msPerStep` on a fake clock, plus `overheadMs` per call; records the bursts. */
  function fakePath(msPerStep: number, overheadMs = 0) {
    let clock = 0;
    const bursts: number[] = [];
    return {
      bursts,
      now: () => clock,
      run: async (steps: number) => {
        bursts.push(steps);
        clock += overheadMs + steps * msPerStep;
      },
    };
  }

  it('warms up with one step, then doubles the burst until it lasts the minimum, and reports its rate', async () => {
    const path = fakePath(0.25);
    const rate = await measureStepsPerSecond(path.run, path.now, 100);
    expect(path.bursts).toEqual([1, 4, 8, 16, 32, 64, 128, 256, 512]);
    expect(rate).toBeCloseTo(4000, 6);
  });

  it('the per-call overhead counts once per burst, as in training (many steps per call)', async () => {
    const path = fakePath(0.1, 50);
    const rate = await measureStepsPerSecond(path.run, path.now, 100);
    // The 512-step burst takes 50 + 51.2 ms.
    expect(path.bursts.at(-1)).toBe(512);
    expect(rate).toBeCloseTo((512 * 1000) / 101.2, 6);
  });

  it('a path whose steps take no measurable time still ends, with a finite rate', async () => {
    const path = fakePath(0);
    const rate = await measureStepsPerSecond(path.run, path.now, 100);
    expect(Number.isFinite(rate)).toBe(true);
    expect(path.bursts.at(-1)).toBe(1 << 20);
  });
});
