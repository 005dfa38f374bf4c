import { describe, expect, it } from 'vitest';
import { appendParams, emptyParamHistory } from '../../../src/app/param-history';
import type { NetworkParams } from '../../../src/app/store';

const params = (v: number): NetworkParams => ({ weights: [[[v]]], biases: [[], [v]] });

describe('parameter snapshots for the histograms', () => {
  it('keeps the whole run in at most ten snapshots, thinning evenly and always keeping the newest', () => {
    let h = emptyParamHistory();
    for (let epoch = 0; epoch <= 100; epoch++) h = appendParams(h, epoch, params(epoch));
    expect(h.snapshots.length).toBeLessThanOrEqual(10);
    expect(h.snapshots[0].epoch).toBe(0);
    const epochs = h.snapshots.map((s) => s.epoch);
    const gaps = epochs.slice(1).map((e, i) => e - epochs[i]);
    expect(new Set(gaps).size).toBe(1);
    expect(epochs.at(-1)! + h.stride).toBeGreaterThan(100);
    expect(h.snapshots.at(-1)!.params.weights[0][0][0]).toBe(epochs.at(-1));
  });

  it('a republished epoch replaces its snapshot; frames within the stride add nothing and keep identity', () => {
    let h = appendParams(emptyParamHistory(), 0, params(1));
    h = appendParams(h, 0, params(2));
    expect(h.snapshots).toEqual([{ epoch: 0, params: params(2) }]);
    const thinned = { snapshots: h.snapshots, stride: 4 };
    expect(appendParams(thinned, 3, params(3))).toBe(thinned);
    expect(appendParams(thinned, 4, params(4)).snapshots.map((s) => s.epoch)).toEqual([0, 4]);
  });
});
