// The wasm backend on worker threads (Node's worker_threads sharing one WebAssembly.Memory): products large
// enough to split, by rows and by columns, at sizes that leave ragged blocks, every transpose variant and
// convolution's GEMMs, against the CPU reference to 1e-4 and bit for bit against the one-thread kernels.
import { afterAll, describe, expect, it } from 'vitest';
import type { Conv2DInfo, TensorHandle } from '../../../src/engine/backend/backend';
import { CpuBackend } from '../../../src/engine/backend/cpu/cpu-backend';
import { createWasmBackend } from '../../../src/engine/backend/wasm/wasm-backend';
import { THREADED_MIN_MACS } from '../../../src/engine/backend/wasm/wasm-kernels';
import { maxViolation, randomValues } from '../../gpu/compare';

const THREADS = 3;
const threaded = await createWasmBackend({ threads: THREADS });
const single = await createWasmBackend({ threads: 1 });
const cpu = new CpuBackend();
afterAll(() => threaded.kernels.dispose());

let seed = 1;
const input = (shape: number[]) => ({ values: randomValues(shape.reduce((a, b) => a * b, 1), seed++), shape });

/** `f` on the threaded backend, split into blocks, must equal the one-thread kernels exactly and the reference to 1e-4. */
async function agree(inputs: { values: Float32Array; shape: number[] }[], f: (b: CpuBackend, xs: TensorHandle[]) => TensorHandle): Promise<void> {
  const blocksBefore = threaded.kernels.threads!.blocksRun;
  const run = (b: CpuBackend) => b.read(f(b, inputs.map((x) => b.upload(x.values, x.shape))));
  const [actual, oneThread, reference] = [await run(threaded), await run(single), await run(cpu)];
  expect(threaded.kernels.threads!.blocksRun).toBeGreaterThan(blocksBefore);
  expect(maxViolation(actual, reference)).toBe(0);
  expect(actual).toEqual(oneThread);
}

describe('wasm backend on worker threads', () => {
  it('runs on the threads it was given and says so', () => {
    expect(threaded.kernels.threadCount).toBe(THREADS);
    expect(threaded.description).toMatch(/· 3 threads$/);
    expect(single.kernels.threads).toBeNull();
  });

  it('rejects a thread count that is not a whole number ≥ 1', async () => {
    await expect(createWasmBackend({ threads: 0 })).rejects.toThrow(/threads must be a whole number ≥ 1, got 0/);
  });

  const sizes: [number, number, number][] = [
    [256, 128, 64], // split by rows, even blocks
    [301, 70, 97], // rows, a ragged last block
    [10, 300, 700], // wider than tall: split by columns, across the 256-wide block
    [66, 513, 45], // k crosses the 256-deep block
  ];
  for (const [m, k, n] of sizes) {
    expect(m * n * k).toBeGreaterThanOrEqual(THREADED_MIN_MACS);
    for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      it(`matmul ${m}×${k}·${k}×${n}${ta ? ', a transposed' : ''}${tb ? ', b transposed' : ''}`, async () => {
        await agree([input(ta ? [k, m] : [m, k]), input(tb ? [n, k] : [k, n])], (b, [x, y]) => b.matmul(x, y, ta, tb));
      });
    }
  }

  it('the workers ran blocks, not only the calling thread', () => {
    const pool = threaded.kernels.threads!;
    expect(pool.blocksRun - pool.callerBlocks).toBeGreaterThan(0);
  });

  it('matmul with bias and relu', async () => {
    await agree([input([200, 90]), input([90, 100]), input([100])], (b, [x, y, bias]) => b.matmul(x, y, false, false, bias, 'relu'));
  });

  const info: Conv2DInfo = { strides: [1, 1], padding: 'same' };
  const [xShape, wShape] = [
    [16, 28, 28, 3],
    [3, 3, 3, 16],
  ];
  it('conv2d and both its gradients (cnn-mnist-sized)', async () => {
    await agree([input(xShape), input(wShape)], (b, [x, w]) => b.conv2d(x, w, info));
    const dy = input([16, 28, 28, 16]);
    await agree([dy, input(wShape)], (b, [d, w]) => b.conv2dBackpropInput(d, w, xShape, info));
    await agree([input(xShape), dy], (b, [x, d]) => b.conv2dBackpropFilter(x, d, wShape, info));
  });
});
