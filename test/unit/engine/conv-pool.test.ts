import { describe, expect, it } from 'vitest';
import * as ops from '../../../src/engine/ops';
import { grad } from '../../../src/engine/tensor';
import { activeBackend } from '../../../src/engine/registry';
import { createRng } from '../../../src/engine/random';
import type { Conv2DInfo, Padding, Pool2DInfo } from '../../../src/engine/backend/backend';
import { checkGradients, distinctInput, expectClose, randomInput, type Input } from './grad-check';

const rng = createRng(4242);

/** TensorFlow's rule, written out: output size and the padding before (the odd pixel goes after). */
function tfAxis(inSize: number, k: number, s: number, padding: Padding): { out: number; before: number } {
  if (padding === 'valid') return { out: Math.floor((inSize - k) / s) + 1, before: 0 };
  const out = Math.ceil(inSize / s);
  return { out, before: Math.floor(Math.max((out - 1) * s + k - inSize, 0) / 2) };
}

/** y[n,oy,ox,o] = Σ x[n, oy·s + ky − top, ox·s + kx − left, c] · w[ky,kx,c,o], zero outside the image. */
function naiveConv(x: Input, w: Input, info: Conv2DInfo): number[] {
  const [N, H, W, C] = x.shape;
  const [KH, KW, , O] = w.shape;
  const r = tfAxis(H, KH, info.strides[0], info.padding);
  const c = tfAxis(W, KW, info.strides[1], info.padding);
  const out: number[] = [];
  for (let n = 0; n < N; n++)
    for (let oy = 0; oy < r.out; oy++)
      for (let ox = 0; ox < c.out; ox++)
        for (let o = 0; o < O; o++) {
          let s = 0;
          for (let ky = 0; ky < KH; ky++)
            for (let kx = 0; kx < KW; kx++)
              for (let ch = 0; ch < C; ch++) {
                const iy = oy * info.strides[0] + ky - r.before;
                const ix = ox * info.strides[1] + kx - c.before;
                if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
                s += x.values[((n * H + iy) * W + ix) * C + ch] * w.values[((ky * KW + kx) * C + ch) * O + o];
              }
          out.push(s);
        }
  return out;
}

function naivePool(x: Input, info: Pool2DInfo): number[] {
  const [N, H, W, C] = x.shape;
  const r = tfAxis(H, info.poolSize[0], info.strides[0], info.padding);
  const c = tfAxis(W, info.poolSize[1], info.strides[1], info.padding);
  const out: number[] = [];
  for (let n = 0; n < N; n++)
    for (let oy = 0; oy < r.out; oy++)
      for (let ox = 0; ox < c.out; ox++)
        for (let ch = 0; ch < C; ch++) {
          const window: number[] = [];
          for (let ky = 0; ky < info.poolSize[0]; ky++)
            for (let kx = 0; kx < info.poolSize[1]; kx++) {
              const iy = oy * info.strides[0] + ky - r.before;
              const ix = ox * info.strides[1] + kx - c.before;
              if (iy >= 0 && iy < H && ix >= 0 && ix < W) window.push(x.values[((n * H + iy) * W + ix) * C + ch]);
            }
          out.push(info.type === 'max' ? Math.max(...window) : window.reduce((a, b) => a + b, 0) / window.length);
        }
  return out;
}

const convCases: { x: number[]; w: number[]; info: Conv2DInfo }[] = [
  { x: [2, 5, 5, 2], w: [3, 3, 2, 3], info: { strides: [1, 1], padding: 'valid' } },
  { x: [2, 5, 5, 2], w: [3, 3, 2, 3], info: { strides: [1, 1], padding: 'same' } },
  { x: [1, 5, 5, 2], w: [2, 2, 2, 2], info: { strides: [2, 2], padding: 'same' } },
  { x: [2, 6, 5, 1], w: [2, 3, 1, 2], info: { strides: [2, 2], padding: 'valid' } },
  { x: [1, 4, 7, 3], w: [3, 2, 3, 2], info: { strides: [2, 1], padding: 'same' } },
  { x: [1, 3, 3, 1], w: [1, 1, 1, 2], info: { strides: [3, 3], padding: 'same' } },
];

describe('conv2d', () => {
  for (const { x: xs, w: ws, info } of convCases) {
    const label = `x [${xs}] w [${ws}] strides [${info.strides}] ${info.padding}`;
    it(`${label}: forward equals the direct formula; both gradients match finite differences`, async () => {
      const x = randomInput(rng, xs);
      const w = randomInput(rng, ws);
      const y = ops.conv2d(ops.tensor(x.values, x.shape), ops.tensor(w.values, w.shape), info);
      const r = tfAxis(xs[1], ws[0], info.strides[0], info.padding);
      const c = tfAxis(xs[2], ws[1], info.strides[1], info.padding);
      expect(y.shape).toEqual([xs[0], r.out, c.out, ws[3]]);
      expectClose(await y.data(), naiveConv(x, w, info), 1e-5);
      await checkGradients(([a, b]) => ops.conv2d(a, b, info), [x, w]);
    });
  }

  it('the fused bias and activation equal conv2d, add, activation; gradients reach x, w and the bias', async () => {
    const info: Conv2DInfo = { strides: [1, 1], padding: 'same' };
    const x = randomInput(rng, [2, 4, 5, 2]);
    const w = randomInput(rng, [3, 3, 2, 3]);
    const bias = randomInput(rng, [3]);
    const t = (i: Input) => ops.tensor(i.values, i.shape);
    for (const act of ['linear', 'relu', 'tanh'] as const) {
      const fused = ops.conv2d(t(x), t(w), info, t(bias), act);
      const apart = ops.activation(act, ops.add(ops.conv2d(t(x), t(w), info), t(bias)));
      expectClose(await fused.data(), await apart.data(), 1e-6);
    }
    await checkGradients(([a, b, c]) => ops.conv2d(a, b, info, c, 'tanh'), [x, w, bias]);
  });

  it('SAME padding on an odd size puts the extra pixel at the bottom/right', async () => {
    const x = ops.tensor(Array.from({ length: 25 }, (_, i) => i + 1), [1, 5, 5, 1]);
    const y = await ops.conv2d(x, ops.ones([2, 2, 1, 1]), { strides: [2, 2], padding: 'same' }).data();
    // 3×3 output; windows start at rows/cols 0, 2, 4 (no top/left padding), the last one half outside.
    expect(Array.from(y)).toEqual([1 + 2 + 6 + 7, 3 + 4 + 8 + 9, 5 + 10, 11 + 12 + 16 + 17, 13 + 14 + 18 + 19, 15 + 20, 21 + 22, 23 + 24, 25]);
  });

  it('rejects mismatched channels and a dy of the wrong shape', () => {
    expect(() => ops.conv2d(ops.zeros([1, 4, 4, 2]), ops.zeros([3, 3, 3, 1]), { strides: [1, 1], padding: 'same' })).toThrow(/2 channels/);
    const info: Conv2DInfo = { strides: [1, 1], padding: 'valid' };
    expect(() => ops.conv2d(ops.zeros([1, 2, 2, 1]), ops.zeros([3, 3, 1, 1]), info)).toThrow(/window 3 is larger than the input 2/);
    const b = activeBackend();
    expect(() => b.conv2dBackpropInput(b.fill([1, 2, 2, 1], 1), b.fill([2, 2, 1, 1], 1), [1, 4, 4, 1], info)).toThrow(
      'conv2dBackpropInput: dy is [1, 2, 2, 1], expected the conv2d output shape [1, 3, 3, 1]',
    );
  });
});

const poolCases: Omit<Pool2DInfo, 'type'>[] = [
  { poolSize: [2, 2], strides: [2, 2], padding: 'valid' },
  { poolSize: [2, 2], strides: [2, 2], padding: 'same' },
  { poolSize: [3, 3], strides: [1, 1], padding: 'same' },
  { poolSize: [2, 3], strides: [2, 1], padding: 'valid' },
];

describe('pooling', () => {
  for (const type of ['max', 'avg'] as const) {
    for (const c of poolCases) {
      const info: Pool2DInfo = { type, ...c };
      it(`${type} pool [${c.poolSize}] strides [${c.strides}] ${c.padding}: forward and gradient`, async () => {
        const x = type === 'max' ? distinctInput(rng, [2, 5, 6, 2]) : randomInput(rng, [2, 5, 6, 2]);
        expectClose(await ops.pool2d(ops.tensor(x.values, x.shape), info).data(), naivePool(x, info), 1e-6);
        await checkGradients(([t]) => ops.pool2d(t, info), [x]);
      });
    }
  }

  it('avg pooling with SAME padding averages only the valid pixels', async () => {
    const x = ops.tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
    const info = { poolSize: [2, 2] as [number, number], strides: [2, 2] as [number, number], padding: 'same' as const };
    expectClose(await ops.pool2d(x, { type: 'avg', ...info }).data(), [3, 4.5, 7.5, 9]);
    expectClose(await ops.pool2d(x, { type: 'max', ...info }).data(), [5, 6, 8, 9]);
  });

  it('max pooling routes the gradient to the first maximum of each window, summing overlaps', async () => {
    const x = ops.tensor([0, 0, 0, 0, 5, 5, 0, 5, 5], [1, 3, 3, 1], true);
    const [dx] = grad(ops.sum(ops.pool2d(x, { type: 'max', poolSize: [2, 2], strides: [1, 1], padding: 'valid' })), [x]);
    // All four windows contain (1,1) = 5, the first maximum in row-major window order; the ties get nothing.
    expect(Array.from(await dx.data())).toEqual([0, 0, 0, 0, 4, 0, 0, 0, 0]);
  });
});
