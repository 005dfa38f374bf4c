import { describe, expect, it } from 'vitest';
import { appendLoss, emptyLossHistory, truncateLoss } from '../../../src/app/loss-history';

describe('loss history', () => {
  it('keeps every sample until full, then halves its resolution and keeps the whole span', () => {
    let h = emptyLossHistory();
    for (let epoch = 0; epoch < 10_000; epoch++) h = appendLoss(h, epoch, 1 / (epoch + 1), 2 / (epoch + 1), 100);
    expect(h.epochs.length).toBeLessThanOrEqual(100);
    expect(h.epochs.length).toBeGreaterThan(50);
    expect(h.epochs[0]).toBe(0);
    expect(h.epochs.at(-1)).toBeGreaterThan(10_000 - 2 * h.stride);
    // Evenly spaced, and train/test stay paired with their epoch.
    const gaps = new Set(h.epochs.slice(1).map((e, i) => e - h.epochs[i]));
    expect([...gaps]).toEqual([h.stride]);
    h.epochs.forEach((e, i) => expect(h.test[i]).toBe(2 / (e + 1)));
  });

  it('does not change the history it is given', () => {
    const h = emptyLossHistory();
    const next = appendLoss(h, 0, 1, 1);
    expect(h.epochs).toEqual([]);
    expect(next.epochs).toEqual([0]);
  });
});

describe('truncateLoss', () => {
  it('drops the samples after an epoch, and returns the same history when there are none', () => {
    let h = emptyLossHistory();
    for (let e = 0; e < 5; e++) h = appendLoss(h, e, e / 10, e / 5);
    const cut = truncateLoss(h, 2);
    expect(cut.epochs).toEqual([0, 1, 2]);
    expect(cut.train).toEqual([0, 0.1, 0.2]);
    expect(cut.test).toEqual([0, 0.2, 0.4]);
    expect(truncateLoss(h, 4)).toBe(h);
  });
});
