import { describe, expect, it } from 'vitest';
import { FrameBudget } from '../../../src/app/frame-budget';

/** A clock the test moves by hand. */
class FakeClock {
  time = 0;
  now(): number {
    return this.time;
  }
}

/** A device whose steps complete `latencyMs + steps × msPerStep` after their submit: one frame through the budget. */
function frame(budget: FrameBudget, clock: FakeClock, limit: number, msPerStep: number, latencyMs = 0): number {
  const steps = budget.steps(limit);
  const timing = budget.start(steps);
  clock.time += latencyMs + steps * msPerStep;
  timing.finish();
  return steps;
}

function settle(msPerStep: number, latencyMs = 0, frames = 40): { budget: FrameBudget; clock: FakeClock; seen: number[] } {
  const clock = new FakeClock();
  const budget = new FrameBudget(clock, { budgetMs: 10 });
  const seen = Array.from({ length: frames }, () => frame(budget, clock, 100_000, msPerStep, latencyMs));
  return { budget, clock, seen };
}

describe('frame budget', () => {
  it('runs one step until a step has been timed', () => {
    const budget = new FrameBudget(new FakeClock(), { budgetMs: 10 });
    expect(budget.calibrated).toBe(false);
    expect(budget.steps(500)).toBe(1);
    expect(budget.steps(0)).toBe(0);
  });

  it('settles where the work the steps add fills the budget, whatever a step costs', () => {
    for (const msPerStep of [0.01, 0.3, 1.5]) {
      const { budget } = settle(msPerStep);
      const steps = budget.steps(100_000);
      // The one-step floor counts as latency: the work above it fills the budget to within a step.
      expect((steps - 1) * msPerStep, `${msPerStep} ms per step`).toBeLessThanOrEqual(10 + msPerStep);
      expect((steps - 1) * msPerStep, `${msPerStep} ms per step`).toBeGreaterThan(10 - 2 * msPerStep);
    }
  });

  it('a latency floor (the completion notice, however little the work) is not charged to the budget', () => {
    const { budget } = settle(0.01, 6, 60);
    // 6 ms of latency + 1,000 × 0.01 ms of work.
    expect(budget.steps(100_000)).toBeGreaterThanOrEqual(950);
    expect(budget.steps(100_000)).toBeLessThanOrEqual(1_010);
  });

  it('a step longer than the budget runs alone once that is clear, trying two again only once in a while', () => {
    const { seen } = settle(40, 0, 200);
    // Finding out takes a few frames (1, 2, 4, 8 steps, then back); after that two are tried for a few
    // frames out of every dozen.
    expect(Math.max(...seen)).toBeLessThanOrEqual(8);
    const later = seen.slice(12);
    expect(Math.max(...later)).toBe(2);
    expect(later.filter((s) => s === 2).length).toBeLessThanOrEqual(later.length / 3);
  });

  it('one slow completion notice does not shrink the next frame; a lasting slowdown does', () => {
    const clock = new FakeClock();
    const budget = new FrameBudget(clock, { budgetMs: 10 });
    for (let i = 0; i < 20; i++) frame(budget, clock, 100_000, 0.1, 5);
    const steady = budget.steps(100_000);
    expect(steady).toBeGreaterThan(90);
    // A notice 30 ms late, once.
    frame(budget, clock, 100_000, 0.1, 35);
    expect(budget.steps(100_000)).toBeGreaterThanOrEqual(steady);
    for (let i = 0; i < 3; i++) frame(budget, clock, 100_000, 1, 5);
    expect(budget.steps(100_000)).toBeLessThanOrEqual(11);
  });

  it('grows back when the device is fast again', () => {
    const clock = new FakeClock();
    const budget = new FrameBudget(clock, { budgetMs: 10 });
    for (let i = 0; i < 20; i++) frame(budget, clock, 100_000, 1);
    expect(budget.steps(100_000)).toBeLessThanOrEqual(11);
    for (let i = 0; i < 80; i++) frame(budget, clock, 100_000, 0.1);
    expect(budget.steps(100_000)).toBeGreaterThan(90);
  });

  it('where frames are slow anyway, training takes up to half of each', () => {
    const clock = new FakeClock();
    const budget = new FrameBudget(clock, { budgetMs: 10 });
    for (let i = 0; i < 30; i++) {
      frame(budget, clock, 100_000, 0.1);
      // 100 ms frames (a loaded machine): 50 ms of training work fits.
      budget.frameTook(100);
    }
    expect(budget.steps(100_000)).toBeGreaterThan(450);
    expect(budget.steps(100_000)).toBeLessThanOrEqual(510);
  });

  it('never exceeds the limit it is given, nor its maximum, and leaves frames whose budget is spent', () => {
    const clock = new FakeClock();
    const budget = new FrameBudget(clock, { budgetMs: 10, maxSteps: 32 });
    // Too fast to measure: grows by 64 at once.
    frame(budget, clock, 1, 0);
    expect(budget.steps(25)).toBe(25);
    expect(budget.steps(1_000)).toBe(32);
    expect(budget.steps(1_000, 10)).toBe(0);
  });

  it('forgets its measurements on reset', () => {
    const clock = new FakeClock();
    const budget = new FrameBudget(clock, { budgetMs: 10 });
    frame(budget, clock, 10, 1);
    budget.reset();
    expect(budget.calibrated).toBe(false);
    expect(budget.lastFrameMs).toBeNull();
    expect(() => new FrameBudget(clock, { budgetMs: 0 })).toThrow(/budgetMs must be positive/);
  });
});
