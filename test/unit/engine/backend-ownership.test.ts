// Tensors know their backend, and each backend name has one instance.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CpuBackend } from '../../../src/engine/backend/cpu/cpu-backend';
import { activeBackend, createBackend, registerBackend, releaseBackend, setBackend, useBackend } from '../../../src/engine/registry';
import * as ops from '../../../src/engine/ops';
import { tidy } from '../../../src/engine/tensor';

describe('tensors and backends', () => {
  afterEach(() => useBackend(new CpuBackend()));

  it('data() and dispose() go to the backend that made the tensor, not the active one', async () => {
    const maker = new CpuBackend();
    const other = new CpuBackend();
    useBackend(maker);
    const t = ops.tensor([1, 2, 3], [3]);
    const kept = tidy(() => ops.tensor([4], [1]));
    useBackend(other);
    const read = vi.spyOn(maker, 'read');
    const dispose = vi.spyOn(maker, 'dispose');
    const otherRead = vi.spyOn(other, 'read');
    const otherDispose = vi.spyOn(other, 'dispose');
    expect(Array.from(await t.data())).toEqual([1, 2, 3]);
    t.dispose();
    tidy(() => {
      ops.tensor([5], [1]); // made on `other`, freed there by the tidy
    });
    kept.dispose();
    expect(read).toHaveBeenCalledTimes(1);
    expect(dispose).toHaveBeenCalledTimes(2);
    expect(otherRead).not.toHaveBeenCalled();
    expect(otherDispose).toHaveBeenCalledTimes(1);
  });

  it('setBackend reuses one instance per name; releaseBackend destroys it and the next call creates another', async () => {
    let created = 0;
    const destroyed: number[] = [];
    registerBackend('cpu', async () => {
      const id = ++created;
      return Object.assign(new CpuBackend(), { destroy: () => destroyed.push(id) });
    });
    try {
      const first = await setBackend('cpu');
      expect(await setBackend('cpu')).toBe(first);
      expect(await createBackend('cpu')).toBe(first);
      expect(created).toBe(1);
      await releaseBackend('cpu');
      expect(destroyed).toEqual([1]);
      expect(activeBackend()).not.toBe(first);
      const second = await setBackend('cpu');
      expect(second).not.toBe(first);
      expect(created).toBe(2);
    } finally {
      registerBackend('cpu', async () => new CpuBackend());
    }
  });

  it('a failed creation is not kept: the next setBackend tries again', async () => {
    let attempts = 0;
    registerBackend('cpu', async () => {
      attempts++;
      if (attempts === 1) throw new Error('no device yet');
      return new CpuBackend();
    });
    try {
      await expect(setBackend('cpu')).rejects.toThrow('no device yet');
      await expect(setBackend('cpu')).resolves.toBeInstanceOf(CpuBackend);
      expect(attempts).toBe(2);
    } finally {
      registerBackend('cpu', async () => new CpuBackend());
    }
  });
});
