import { describe, expect, it } from 'vitest';
import { FrameBudget } from '../../../src/app/frame-budget';

/** A clock the test moves by hand. */
class FakeClock {
  time = 0;
  now(): number {
    return this.time;
  }
}

/** A device whose steps take `overheadMs + steps × msPerStep` to complete: run one frame's worth through the budget. */
function frame(budget: FrameBudget, clock: FakeClock, limit: number, msPerStep: number, overheadMs = 0): number {
  const steps = budget.steps(limit);
  const timing = budget.start(steps);
  clock.time += overheadMs + steps * msPerStep;
  timing.finish();
  return steps;
}

describe('frame budget', () => {
  it('runs one step until a step has been timed', () => {
    const budget = new FrameBudget(new FakeClock(), { budgetMs: 10 });
    expect(budget.calibrated).toBe(false);
    expect(budget.steps(500)).toBe(1);
    expect(budget.steps(0)).toBe(0);
  });

  it('fits the measured completion time to the budget, whatever a step costs', () => {
    for (const msPerStep of [0.01, 0.3, 4, 40]) {
      const clock = new FakeClock();
      const budget = new FrameBudget(clock, { budgetMs: 10 });
      for (let i = 0; i < 20; i++) frame(budget, clock, 100_000, msPerStep);
      const steps = frame(budget, clock, 100_000, msPerStep);
      expect(steps, `${msPerStep} ms per step`).toBe(Math.max(1, Math.floor(10 / msPerStep)));
      expect(budget.lastFrameMs!, `${msPerStep} ms per step`).toBeLessThanOrEqual(Math.max(10, msPerStep));
    }
  });

  it('settles where a fixed per-frame overhead plus the steps meets the budget', () => {
    const clock = new FakeClock();
    const budget = new FrameBudget(clock, { budgetMs: 10 });
    for (let i = 0; i < 60; i++) frame(budget, clock, 100_000, 0.1, 4);
    const steps = frame(budget, clock, 100_000, 0.1, 4);
    // 4 ms + 60 × 0.1 ms = 10 ms.
    expect(steps).toBeGreaterThanOrEqual(55);
    expect(steps).toBeLessThanOrEqual(60);
  });

  it('shrinks in one frame when the device slows down, and grows back gradually', () => {
    const clock = new FakeClock();
    const budget = new FrameBudget(clock, { budgetMs: 10 });
    for (let i = 0; i < 10; i++) frame(budget, clock, 100_000, 0.1);
    expect(budget.steps(100_000)).toBe(100);
    // A frame whose 100 steps took 100 ms (a bigger network, another tab on the GPU): the next fits again.
    frame(budget, clock, 100_000, 1);
    expect(budget.steps(100_000)).toBe(10);
    frame(budget, clock, 100_000, 0.1);
    const after = budget.steps(100_000);
    expect(after).toBeGreaterThan(10);
    expect(after).toBeLessThan(100);
  });

  it('never exceeds the limit it is given, nor its maximum, and leaves frames already spent', () => {
    const clock = new FakeClock();
    const budget = new FrameBudget(clock, { budgetMs: 10, maxSteps: 64 });
    frame(budget, clock, 1, 0);
    expect(budget.steps(25)).toBe(25);
    expect(budget.steps(1_000)).toBe(64);
    expect(budget.steps(1_000, 10)).toBe(0);
  });

  it('forgets its estimate on reset', () => {
    const clock = new FakeClock();
    const budget = new FrameBudget(clock, { budgetMs: 10 });
    frame(budget, clock, 10, 1);
    budget.reset();
    expect(budget.calibrated).toBe(false);
    expect(budget.lastFrameMs).toBeNull();
    expect(() => new FrameBudget(clock, { budgetMs: 0 })).toThrow(/budgetMs must be positive/);
  });
});
