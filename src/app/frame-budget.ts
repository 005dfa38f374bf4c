// How many training steps fit in one animation frame. The time that counts is when the work is finished,
// not when it was queued: on WebGPU a call returns as soon as its steps are encoded, so the trainer
// measures from the submit to the queue's completion (onSubmittedWorkDone), and the CPU's time is the
// call itself. From those measurements the budget keeps an estimate of the cost of a step and sizes the
// next frame's work to fit, so a frame never queues more than the device finishes in a frame, whatever the
// network (a tiny MLP or a CNN on images).

export interface Clock {
  /** Milliseconds, monotonic. */
  now(): number;
}

export interface FrameBudgetOptions {
  /** Device time per frame the training may take, ms. */
  budgetMs: number;
  /** Never more steps per frame than this. */
  maxSteps?: number;
}

/** A measurement in progress: `finish` it when the steps' work is complete. */
export interface StepTiming {
  finish(): void;
}

export class FrameBudget {
  private readonly budgetMs: number;
  private readonly maxSteps: number;
  /** Estimated milliseconds per step, including the per-call overhead spread over the call's steps; null until measured. */
  private msPerStep: number | null = null;
  /** The latest frame's completion time, ms (for the engine panel). */
  lastFrameMs: number | null = null;

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
    return this.msPerStep !== null;
  }

  /**
   * Steps for this frame, at most `limit` (e.g. what is left of the epoch), given `spentMs` already used
   * in it; at least one while any budget is left. Before the first measurement: one.
   */
  steps(limit: number, spentMs = 0): number {
    if (limit <= 0) return 0;
    if (this.msPerStep === null) return 1;
    const left = this.budgetMs - spentMs;
    if (left <= 0) return 0;
    const fit = this.msPerStep > 0 ? Math.floor(left / this.msPerStep) : this.maxSteps;
    return Math.max(1, Math.min(fit, limit, this.maxSteps));
  }

  /** Start timing `steps` steps just submitted. */
  start(steps: number): StepTiming {
    const began = this.clock.now();
    return { finish: () => this.record(steps, this.clock.now() - began) };
  }

  /**
   * One measurement. A frame that overran replaces the estimate at once (the next frame shrinks in one
   * go); a faster one moves it halfway (no jumps from one lucky frame). Because the call overhead is spread
   * over the steps, the step count settles where overhead + steps × cost meets the budget.
   */
  record(steps: number, ms: number): void {
    if (steps <= 0) return;
    this.lastFrameMs = ms;
    const sample = Math.max(0, ms) / steps;
    this.msPerStep = this.msPerStep === null || sample > this.msPerStep ? sample : (this.msPerStep + sample) / 2;
  }

  /** Forget the estimate (a new network or backend costs differently). */
  reset(): void {
    this.msPerStep = null;
    this.lastFrameMs = null;
  }
}
