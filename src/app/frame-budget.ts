// How many training steps fit in one animation frame. The time that counts is when the work is finished,
// not when it was queued: on WebGPU a call returns as soon as its steps are encoded, so the trainer
// measures from the submit to the queue's completion (onSubmittedWorkDone), and the CPU's time is the
// call itself. A completion time is a latency floor (the submit, the completion notice crossing to the
// page: 4–25 ms in Chromium on SwiftShader however little work there is) plus the work the steps add. The
// budget is for that work: steps are sized so the work they add fits `budgetMs`, and a frame never queues
// more than the device finishes in a frame, whatever the network (a tiny MLP or a CNN on images). Where
// frames are slow anyway, the budget grows to half a frame.

export interface Clock {
  /** Milliseconds, monotonic. */
  now(): number;
}

export interface FrameBudgetOptions {
  /** Device work per frame the training steps may add, ms. */
  budgetMs: number;
  /** Never more steps per frame than this. */
  maxSteps?: number;
}

/** A measurement in progress: `finish` it when the steps' work is complete. */
export interface StepTiming {
  finish(): void;
}

/** Measurements the latency floor is the lowest of (a few seconds of frames: it follows a changing load). */
const FLOOR_WINDOW = 120;
/** Frames a step count that overran stays barred (then twice as many are allowed: the load may have changed). */
const OVERRUN_MEMORY = 8;
/** Growth per frame when a measurement shows no work above the floor (below the clock's resolution: 64). */
const GROWTH = 2;
const GROWTH_UNMEASURED = 64;
/** Work past this share of the budget bars its step count for a while (less is only shrunk). */
const OVERRUN = 1.25;
/** Of a frame that is slow anyway, the share training may take. */
const FRAME_SHARE = 0.5;
/** Frames whose lowest per-step work is taken as the cost of a step. */
const RATE_WINDOW = 3;

export class FrameBudget {
  private readonly budgetMs: number;
  private readonly maxSteps: number;
  /** Steps for the next frame; null until a measurement. */
  private fit: number | null = null;
  /** Recent completion times, for the latency floor. */
  private recent: number[] = [];
  /** The last frames' step counts and work per step. */
  private lastRates: { steps: number; rate: number }[] = [];
  /** The smallest step count that overran recently, and how many measurements ago. */
  private overran: { steps: number; age: number } | null = null;
  /** The latest completion time, ms (for the engine panel). */
  lastFrameMs: number | null = null;
  /** The latest whole frame's duration, ms (see frameTook). */
  private frameMs = 0;

  constructor(
    private readonly clock: Clock,
    { budgetMs, maxSteps = 1 << 16 }: FrameBudgetOptions,
  ) {
    if (!(budgetMs > 0)) throw new Error(`FrameBudget: budgetMs must be positive, got ${budgetMs}`);
    this.budgetMs = budgetMs;
    this.maxSteps = maxSteps;
  }

  /** Whether a step has been timed yet (until then a frame runs one step and times it before going on). */
  get calibrated(): boolean {
    return this.fit !== null;
  }

  /**
   * Steps for this frame, at most `limit` (e.g. what is left of the epoch), given `spentMs` of the
   * budget already used in it; at least one unless the budget is spent. Before the first measurement: one.
   */
  steps(limit: number, spentMs = 0): number {
    if (limit <= 0) return 0;
    if (this.fit === null) return 1;
    const share = Math.max(0, this.budgetMs - spentMs) / this.budgetMs;
    if (share === 0) return 0;
    return Math.max(1, Math.min(Math.floor(this.fit * share), limit));
  }

  /** Start timing `steps` steps just submitted. */
  start(steps: number): StepTiming {
    const began = this.clock.now();
    return { finish: () => this.record(steps, this.clock.now() - began) };
  }

  /**
   * One measurement. The work the steps added is the time above the latency floor (the lowest recent
   * completion time). The completion notice is noisy (tens of ms on a loaded machine), so the cost of a
   * step is the lowest per-step work of the last few frames: one slow notice does not shrink the next
   * frame, an overrun that persists does, in proportion and at once, and that step count is barred (one
   * measurement cannot tell latency from work, so growth is found by trying, and a failed try is not
   * repeated every few frames). Within budget
   * the steps grow in proportion to the room left, at most twofold per frame.
   */
  record(steps: number, ms: number): void {
    if (steps <= 0) return;
    this.lastFrameMs = ms;
    this.recent.push(ms);
    if (this.recent.length > FLOOR_WINDOW) this.recent.shift();
    // An old bar is doubled, so a network that got cheaper (or a load that went) is found again quickly.
    if (this.overran && ++this.overran.age > OVERRUN_MEMORY) this.overran = { steps: 2 * this.overran.steps, age: 0 };
    const floor = Math.min(...this.recent);
    this.lastRates.push({ steps, rate: Math.max(0, ms - floor) / steps });
    if (this.lastRates.length > RATE_WINDOW) this.lastRates.shift();
    const perStep = Math.min(...this.lastRates.map((r) => r.rate));
    let next: number;
    const budget = this.effectiveBudget();
    if (perStep * steps > budget) {
      next = Math.floor(budget / perStep);
      const clearly = perStep * steps > OVERRUN * budget;
      if (clearly && (!this.overran || steps <= this.overran.steps)) this.overran = { steps, age: 0 };
    } else {
      const growth = ms <= 0 ? GROWTH_UNMEASURED : perStep > 0 ? Math.min(GROWTH, budget / (perStep * steps)) : GROWTH;
      next = Math.floor(steps * growth);
      if (this.overran && next >= this.overran.steps) next = Math.max(Math.min(steps, this.overran.steps - 1), 1);
    }
    this.fit = Math.max(1, Math.min(next, this.maxSteps));
  }

  /**
   * How long the latest frame took, start to drawn (its publish included). Where frames are slow for
   * other reasons (a loaded machine, big heatmaps to read back), training may take a share of that time
   * without making them slower still.
   */
  frameTook(ms: number): void {
    this.frameMs = ms;
  }

  private effectiveBudget(): number {
    return Math.max(this.budgetMs, FRAME_SHARE * this.frameMs);
  }

  /** Forget the measurements (a new network or backend costs differently). */
  reset(): void {
    this.fit = null;
    this.recent = [];
    this.lastRates = [];
    this.overran = null;
    this.lastFrameMs = null;
  }
}
