// tidy: what a scope creates is disposed unless returned; returned tensors pass to the enclosing scope.
import { describe, expect, it } from 'vitest';
import * as ops from '../../../src/engine/ops';
import { disposeAll, tidy, type Tensor } from '../../../src/engine/tensor';

describe('tidy', () => {
  it('disposes the temporaries of a computation and keeps what it returns (a tensor, arrays, plain objects)', () => {
    const x = ops.tensor([1, 2, 3], [3]);
    let temp!: Tensor;
    const { sum, parts } = tidy(() => {
      temp = ops.mul(x, x);
      const half = ops.mul(temp, ops.fill([], 0.5));
      return { sum: ops.sum(half), parts: [half] };
    });
    expect(temp.handle.disposed).toBe(true);
    expect(x.handle.disposed).toBe(false);
    expect(sum.handle.disposed).toBe(false);
    expect(parts[0].handle.disposed).toBe(false);
    disposeAll({ sum, parts }, [x]);
    expect([sum.handle.disposed, parts[0].handle.disposed, x.handle.disposed]).toEqual([true, true, false]);
  });

  it('hands returned tensors to the enclosing tidy, and frees everything when the function throws', () => {
    let inner!: Tensor;
    const outer = tidy(() => {
      inner = tidy(() => ops.add(ops.fill([2], 1), ops.fill([2], 2)));
      return ops.mul(inner, inner);
    });
    expect(inner.handle.disposed).toBe(true);
    expect(outer.handle.disposed).toBe(false);
    let made!: Tensor;
    expect(() =>
      tidy(() => {
        made = ops.fill([2], 1);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(made.handle.disposed).toBe(true);
  });

  it('skips tensors the function disposed itself', () => {
    const kept = tidy(() => {
      const t = ops.fill([2], 3);
      t.dispose();
      return ops.fill([1], 0);
    });
    expect(kept.handle.disposed).toBe(false);
  });
});
