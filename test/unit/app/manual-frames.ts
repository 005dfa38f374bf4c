// A frame scheduler for trainer tests: frames run only when the test says so, on a fake clock.
import type { FrameScheduler, Trainer } from '../../../src/app/trainer';

export class ManualFrames implements FrameScheduler {
  private pending: (() => void)[] = [];
  /** Fake clock: each reading advances it by `msPerReading` (0: work is free and the budget never runs out). */
  private time = 0;
  constructor(private readonly msPerReading = 0) {}
  now(): number {
    this.time += this.msPerReading;
    return this.time;
  }
  /** Move the clock on (work that takes time). */
  advance(ms: number): void {
    this.time += ms;
  }
  request(callback: () => void): void {
    this.pending.push(callback);
  }
  async run(trainer: Trainer, frames: number): Promise<void> {
    for (let i = 0; i < frames; i++) {
      const callback = this.pending.shift();
      if (!callback) return;
      callback();
      await trainer.idle();
    }
  }
}
