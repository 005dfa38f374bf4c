import { describe, expect, it } from 'vitest';
import { SnapshotKeeper, findNonFinite, type Snapshot } from '../../../src/app/snapshots';

const params = (w: number) => ({ weights: [[[w, 0.5]]], biases: [[], [0.1, 0.2]] });
const snapshot = (epoch: number, trainLoss: number, w = 0.3): Snapshot => ({ epoch, position: 0, trainLoss, testLoss: trainLoss, params: params(w) });

describe('snapshots', () => {
  it('names what is not finite: a loss, or a weight or bias', () => {
    expect(findNonFinite(snapshot(1, 0.2))).toBeNull();
    expect(findNonFinite(snapshot(1, NaN))).toBe('loss');
    expect(findNonFinite({ ...snapshot(1, 0.2), testLoss: Infinity })).toBe('loss');
    expect(findNonFinite(snapshot(1, 0.2, -Infinity))).toBe('weights');
    expect(findNonFinite({ ...snapshot(1, 0.2), params: { weights: [[[1]]], biases: [[], [NaN]] } })).toBe('weights');
  });

  it('keeps only finite states; the latest for a lost device, the lowest recent loss for a rollback', () => {
    const keeper = new SnapshotKeeper();
    expect(keeper.last()).toBeNull();
    keeper.offer(snapshot(1, 0.5));
    keeper.offer(snapshot(2, 0.3));
    // A divergence growing through finite values before it overflows.
    keeper.offer(snapshot(3, 4e3));
    keeper.offer(snapshot(4, 2e38));
    expect(keeper.offer(snapshot(5, Infinity))).toBe('loss');
    expect(keeper.last()?.epoch).toBe(4);
    expect(keeper.rollBack()?.epoch).toBe(2);
    // Rolled back: a lost device now gets the state rolled back to, not the huge one.
    expect(keeper.last()?.epoch).toBe(2);
    keeper.clear();
    expect(keeper.rollBack()).toBeNull();
    expect(keeper.last()).toBeNull();
  });

  it('goes back past a long run of huge finite losses', () => {
    const keeper = new SnapshotKeeper();
    keeper.offer(snapshot(0, 0.3));
    for (let e = 1; e <= 100; e++) keeper.offer(snapshot(e, 10 ** (e / 3)));
    expect(keeper.last()?.epoch).toBe(100);
    expect(keeper.rollBack()?.epoch).toBe(0);
  });
});
