// The 'wasm' backend's WebAssembly kernels against the CPU reference backend, to 1e-4: every matmul
// transpose variant with the fused epilogue, at sizes that cut the 4×8 micro-tile and cross the 256-deep and
// 256-wide cache blocks; convolution and both its gradients through im2col + GEMM.
import { describe, expect, it } from 'vitest';
import type { ActivationKind, Conv2DInfo, OptimizerConfig, TensorHandle } from '../../../src/engine/backend/backend';
import { CpuBackend } from '../../../src/engine/backend/cpu/cpu-backend';
import { createWasmBackend } from '../../../src/engine/backend/wasm/wasm-backend';
import { getBackend, setBackend, useBackend } from '../../../src/index';
import { maxViolation, randomValues } from '../../gpu/compare';

const wasm = await createWasmBackend();
const cpu = new CpuBackend();

/** Run `f` on both backends with the same inputs; the wasm result must match the reference to 1e-4. */
async function agree(inputs: { values: Float32Array; shape: number[] }[], f: (b: CpuBackend, xs: TensorHandle[]) => TensorHandle): Promise<void> {
  const expectedT = f(cpu, inputs.map((x) => cpu.upload(x.values, x.shape)));
  const actualT = f(wasm, inputs.map((x) => wasm.upload(x.values, x.shape)));
  expect(actualT.shape).toEqual(expectedT.shape);
  expect(maxViolation(await wasm.read(actualT), await cpu.read(expectedT))).toBe(0);
}

let seed = 1;
const input = (shape: number[]) => ({ values: randomValues(shape.reduce((a, b) => a * b, 1), seed++), shape });

describe('wasm backend', () => {
  it('names itself and its SIMD flavour, and setBackend("wasm") creates it', async () => {
    expect(wasm.name).toBe('wasm');
    expect(wasm.description).toMatch(/^CPU · WebAssembly SIMD/);
    try {
      expect((await setBackend('wasm')).name).toBe('wasm');
      expect(getBackend()).toBe('wasm');
    } finally {
      useBackend(cpu);
    }
  });

  const sizes: [number, number, number][] = [
    [1, 1, 1],
    [3, 5, 7],
    [4, 8, 8],
    [9, 17, 13],
    [33, 300, 20], // k crosses the 256-deep block
    [6, 40, 270], // n crosses the 256-wide block
    [70, 513, 65],
  ];
  for (const [m, k, n] of sizes) {
    for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      it(`matmul ${m}×${k}·${k}×${n}${ta ? ', a transposed' : ''}${tb ? ', b transposed' : ''}`, async () => {
        await agree([input(ta ? [k, m] : [m, k]), input(tb ? [n, k] : [k, n])], (b, [x, y]) => b.matmul(x, y, ta, tb));
      });
    }
  }

  for (const activation of ['relu', 'tanh', 'sigmoid', 'linear'] as ActivationKind[]) {
    it(`matmul with bias and ${activation}`, async () => {
      await agree([input([11, 6]), input([6, 10]), input([10])], (b, [x, y, bias]) => b.matmul(x, y, false, false, bias, activation));
    });
  }

  it('the ReLU epilogue kernel is the reference ReLU on every lane and the tail, NaN and -0 included', () => {
    const k = wasm.kernels;
    const values = Float32Array.of(1.5, -1, 0, -0, NaN, Infinity, -Infinity, 2.5, -3, 7, NaN);
    const [at] = k.regions(values.length);
    k.write(at, values);
    k.exports.relu(at, values.length);
    const out = Array.from(k.read(at, values.length));
    out.forEach((v, i) => expect(Object.is(v, values[i] > 0 ? values[i] : 0), `element ${i}: ${v}`).toBe(true));
  });

  it('matmul with no inner dimension gives zeros, plus the bias', async () => {
    await agree([{ values: new Float32Array(0), shape: [3, 0] }, { values: new Float32Array(0), shape: [0, 5] }, input([5])], (b, [x, y, bias]) =>
      b.matmul(x, y, false, false, bias),
    );
  });

  it('matmul rejects mismatched shapes with the reference message', () => {
    const a = wasm.upload(new Float32Array(6), [2, 3]);
    expect(() => wasm.matmul(a, a, false, false)).toThrow(/inner dimensions differ/);
  });

  const convs: [string, number[], number[], Conv2DInfo][] = [
    ['3×3 same', [2, 7, 6, 3], [3, 3, 3, 5], { strides: [1, 1], padding: 'same' }],
    ['3×3 valid stride 2', [3, 9, 8, 2], [3, 3, 2, 4], { strides: [2, 2], padding: 'valid' }],
    ['5×3 same strides 2×1', [1, 8, 9, 4], [5, 3, 4, 6], { strides: [2, 1], padding: 'same' }],
    ['1×1', [2, 4, 4, 8], [1, 1, 8, 3], { strides: [1, 1], padding: 'valid' }],
    ['mnist-sized 3×3×1→32', [4, 28, 28, 1], [3, 3, 1, 32], { strides: [1, 1], padding: 'same' }],
  ];
  for (const [name, xShape, wShape, info] of convs) {
    it(`conv2d ${name} with bias and relu`, async () => {
      await agree([input(xShape), input(wShape), input([wShape[3]])], (b, [x, w, bias]) => b.conv2d(x, w, info, bias, 'relu'));
    });
    it(`conv2d ${name}: gradients of input and filter`, async () => {
      const y = cpu.conv2d(cpu.upload(input(xShape).values, xShape), cpu.upload(input(wShape).values, wShape), info);
      const dy = input(y.shape.slice());
      await agree([dy, input(wShape)], (b, [d, w]) => b.conv2dBackpropInput(d, w, xShape, info));
      await agree([input(xShape), dy], (b, [x, d]) => b.conv2dBackpropFilter(x, d, wShape, info));
    });
  }

  // Adam runs in WebAssembly in float64 like the reference loop: equal bit for bit, over several steps,
  // with both regularizations, weights of both signs and zero, and an odd length (the scalar tail).
  for (const regularization of [{ l1: 0, l2: 0 }, { l1: 0.01, l2: 0.003 }]) {
    it(`adam updates equal the reference's exactly (l1 ${regularization.l1}, l2 ${regularization.l2})`, async () => {
      const config: OptimizerConfig = { kind: 'adam', learningRate: 0.01, momentum: 0, nesterov: false, rho: 0.9, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, initialAccumulatorValue: 0.1 };
      const n = 1001;
      const w0 = randomValues(n, seed++);
      w0[3] = 0;
      const grads = [0, 1, 2].map(() => randomValues(n, seed++));
      const after = async (b: CpuBackend): Promise<Float32Array[]> => {
        const param = b.upload(w0.slice(), [n]);
        const slots = [b.fill([n], 0), b.fill([n], 0)];
        const counter = b.createCounter(0);
        for (const g of grads) {
          b.applyUpdates(config, [{ param, grad: b.upload(g, [n]), slots, regularization }], counter);
          b.increment(counter);
        }
        return Promise.all([param, ...slots].map((t) => b.read(t)));
      };
      expect(await after(wasm)).toEqual(await after(cpu));
    });
  }
});
