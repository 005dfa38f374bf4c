// Early stopping's best-weights copies belong to the backend that took them (the app moves a network from
// the CPU to WebGPU mid-training): freed there, and never restored into a model on another backend.
import { afterAll, describe, expect, it } from 'vitest';
import { Sequential, layers, useBackend } from '../../../src/index';
import { CpuBackend } from '../../../src/engine/backend/cpu/cpu-backend';

afterAll(() => useBackend(new CpuBackend()));

describe('weight snapshots', () => {
  it('are freed on the backend that took them and refused by a model on another', () => {
    const first = new CpuBackend();
    const second = new CpuBackend();
    useBackend(first);
    const model = new Sequential([layers.input({ shape: [2] }), layers.dense({ units: 3 })], { seed: 1 });
    const snapshot = model.snapshotWeights();
    const freed: unknown[] = [];
    const dispose = first.dispose.bind(first);
    first.dispose = (h) => {
      freed.push(h);
      dispose(h);
    };
    useBackend(second);
    const other = new Sequential([layers.input({ shape: [2] }), layers.dense({ units: 3 })], { seed: 1 });
    expect(() => other.restoreWeights(snapshot)).toThrow(/the snapshot lives on the cpu backend, the model on cpu; take a snapshot on the model's backend/);
    snapshot.dispose();
    expect(freed.length).toBe(2);
  });
});
