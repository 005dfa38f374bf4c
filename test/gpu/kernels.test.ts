// Every WebGPU kernel against the CPU reference backend, on random shapes including odd and tile-crossing
// ones (tolerance 1e-4 relative, plus 1e-5 of the largest expected magnitude for sums that cancel).
import { describe, expect, it } from 'vitest';
import type {
  ActivationKind,
  Backend,
  BinaryOp,
  Conv2DInfo,
  LossKind,
  OptimizerConfig,
  Pool2DInfo,
  Shape,
  TensorHandle,
  UnaryOp,
} from '../../src/engine/backend/backend';
import { MAX_GENERATED_PIPELINES } from '../../src/engine/backend/webgpu/executor';
import { WebGPUBackend } from '../../src/engine/backend/webgpu/webgpu-backend';
import { evaluateGridCpu, GRID_FEATURES, GRID_MAX_WIDTH, type GridActivation, type GridFeature } from '../../src/engine/grid';
import { engineStats, statsDelta } from '../../src/engine/stats';
import { cpu, gpuSuite, maxViolation, randomValues, webgpuBackend } from './setup';

const gpu = await webgpuBackend();
const available = typeof gpu !== 'string';

type Upload = (values: Float32Array, shape: Shape) => TensorHandle;
type Run = (b: Backend, up: Upload) => TensorHandle | TensorHandle[];

/** Run `run` on both backends and compare every output (shape and values). */
async function agree(run: Run, rtol = 1e-4): Promise<void> {
  if (typeof gpu === 'string') throw new Error(gpu);
  const outputs = async (b: Backend): Promise<{ shape: Shape; values: Float32Array }[]> => {
    const r = run(b, (v, s) => b.upload(v, s));
    const list = Array.isArray(r) ? r : [r];
    return Promise.all(list.map(async (h) => ({ shape: h.shape, values: await b.read(h) })));
  };
  // Both runs draw the same random inputs.
  const firstSeed = seed;
  const expected = await outputs(cpu);
  seed = firstSeed;
  const actual = await outputs(gpu);
  expected.forEach((e, i) => {
    expect(actual[i].shape).toEqual(e.shape);
    expect(maxViolation(actual[i].values, e.values, rtol), `output ${i}`).toBe(0);
  });
}

const size = (s: Shape): number => s.reduce((a, b) => a * b, 1);
let seed = 1;
const rand = (up: Upload, shape: Shape, scale = 1): TensorHandle => up(randomValues(size(shape), seed++, scale), shape);
const positive = (up: Upload, shape: Shape): TensorHandle => up(randomValues(size(shape), seed++).map((v) => Math.abs(v) * 2 + 0.1), shape);

describe.skipIf(!available)(gpuSuite('WebGPU kernels agree with the CPU backend', gpu), () => {
  it('unary ops', async () => {
    const ops: UnaryOp[] = ['neg', 'exp', 'log', 'sqrt', 'abs', 'sign', 'square', 'reciprocal'];
    for (const op of ops) await agree((b, up) => b.unary(op, positive(up, [3, 5, 7])));
    await agree((b, up) => ['neg', 'abs', 'sign', 'square'].map((op) => b.unary(op as UnaryOp, rand(up, [65]))));
    // NaN in, NaN out, as JavaScript's Math gives it (WGSL leaves sign, max, min, exp and log of NaN to the
    // driver; log of 0 or below is undefined in WGSL, so it is left out).
    const special = Float32Array.of(NaN, -Infinity, -0, 0, Infinity, 2);
    const [a, b2] = [special, special.slice().reverse()];
    await agree((b, up) => [
      b.unary('sign', up(a, [6])),
      b.unary('exp', up(a, [6])),
      b.unary('log', up(Float32Array.of(NaN, Infinity, 2, 1e-30), [4])),
      b.binary('maximum', up(a, [6]), up(b2, [6])),
      b.binary('minimum', up(a, [6]), up(b2, [6])),
      b.reduce('max', up(Float32Array.of(1, NaN, 3, 4, 5, 6), [2, 3]), [1], false),
      b.softmax(up(Float32Array.of(1, NaN, 3, 4, 5, 6), [2, 3])),
    ]);
  });

  it('broadcasting binary ops', async () => {
    const pairs: [Shape, Shape][] = [
      [[4, 5], [4, 5]],
      [[4, 5], [5]],
      [[4, 1, 6], [3, 1]],
      [[1], [2, 3]],
      [[2, 3, 4, 5], [2, 1, 4, 1]],
      [[7], []],
      [[130, 3], [130, 1]],
    ];
    const ops: BinaryOp[] = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'equal', 'greater'];
    for (const op of ops) {
      for (const [sa, sb] of pairs) await agree((b, up) => b.binary(op, positive(up, sa), positive(up, sb)));
    }
    // equal needs ties, pow integer exponents of negative bases.
    await agree((b, up) => b.binary('equal', up(Float32Array.of(1, 2, 3), [3]), up(Float32Array.of(1, 0, 3), [3])));
    await agree((b, up) => b.binary('pow', up(Float32Array.of(-2, -3, 0, 2), [4]), up(Float32Array.of(3, 2, 0, 0.5), [4])));
  });

  it('activations and their gradients', async () => {
    const kinds: ActivationKind[] = ['linear', 'relu', 'leaky_relu', 'elu', 'sigmoid', 'tanh', 'softplus', 'swish', 'step'];
    for (const kind of kinds) {
      await agree((b, up) => {
        const x = rand(up, [129], 4);
        const y = b.activation(kind, x);
        return [y, b.activationGrad(kind, y, rand(up, [129]), x)];
      });
    }
    // Large and tiny arguments, where naive formulas overflow or lose precision; infinities, and NaN where
    // the CPU's comparisons give NaN (a diverged network must read NaN on both backends).
    const extremes = Float32Array.of(-90, -20, -1e-3, -1e-6, 0, 1e-6, 1e-3, 20, 90, Infinity, -Infinity, NaN);
    for (const kind of kinds) await agree((b, up) => b.activation(kind, up(extremes, [extremes.length])));
  });

  it('read into an array of the caller’s (returned, filled); one of the wrong size is refused on both backends', async () => {
    if (typeof gpu === 'string') throw new Error(gpu);
    const values = randomValues(1000, 77);
    for (const b of [cpu, gpu] as Backend[]) {
      const x = b.upload(values, [10, 100]);
      const into = new Float32Array(1000).fill(NaN);
      expect(await b.read(x, into)).toBe(into);
      expect(into).toEqual(values);
      await expect(b.read(x, new Float32Array(999))).rejects.toThrow('read: into must be a Float32Array of exactly 1000 values, got a Float32Array of 999');
      b.dispose(x);
    }
  });

  it('tanh is within 4e-7 of Math.tanh, relative, from 1e-30 to past saturation, never beyond ±1, exactly ±1 from ±9.5', async () => {
    if (typeof gpu === 'string') throw new Error(gpu);
    // Every magnitude: a fine linear sweep of [-12, 12] and a geometric one down to 1e-30, both signs.
    const linear = Array.from({ length: 240_001 }, (_, i) => -12 + i * 1e-4);
    const tiny = Array.from({ length: 3_001 }, (_, i) => 10 ** (-30 + i / 100));
    const x = Float32Array.from([...linear, ...tiny, ...tiny.map((v) => -v)]);
    const y = await gpu.read(gpu.activation('tanh', gpu.upload(x, [x.length])));
    let worst = 0;
    let worstAt = 0;
    for (let i = 0; i < x.length; i++) {
      const exact = Math.tanh(x[i]);
      const rel = exact === 0 ? Math.abs(y[i]) : Math.abs(y[i] - exact) / Math.abs(exact);
      if (!(rel <= worst)) [worst, worstAt] = [rel, x[i]];
      expect(Math.abs(y[i]) <= 1, `tanh(${x[i]}) = ${y[i]}`).toBe(true);
      if (Math.abs(x[i]) >= 9.5) expect(y[i], `tanh(${x[i]})`).toBe(Math.sign(x[i]));
    }
    expect(worst, `worst at x = ${worstAt}`).toBeLessThan(4e-7);
  });

  it('softmax', async () => {
    await agree((b, up) => b.softmax(rand(up, [5, 13], 10)));
    await agree((b, up) => b.softmax(rand(up, [2, 1000], 30)));
  });

  it('matmul: every transpose, odd and tile-crossing shapes, fused bias and activation', async () => {
    const shapes: [number, number, number][] = [
      [1, 1, 1],
      [1, 17, 9],
      [9, 17, 1],
      [10, 2, 8],
      [33, 65, 31],
      [130, 7, 257],
      [67, 129, 70],
    ];
    for (const [m, k, n] of shapes) {
      for (const ta of [false, true]) {
        for (const tb of [false, true]) {
          await agree((b, up) => {
            const a = rand(up, ta ? [k, m] : [m, k]);
            const w = rand(up, tb ? [n, k] : [k, n]);
            return [b.matmul(a, w, ta, tb), b.matmul(a, w, ta, tb, rand(up, [n]), 'tanh')];
          });
        }
      }
    }
    for (const act of ['relu', 'sigmoid', 'swish'] as ActivationKind[]) {
      await agree((b, up) => b.matmul(rand(up, [40, 50]), rand(up, [50, 120]), false, false, rand(up, [120]), act));
    }
  });

  it('matmul with more rows than 65,535 workgroups cover (2.2 million: wrapped into z), plain and transposed', async () => {
    const m = 2_200_000;
    await agree((b, up) => [b.matmul(rand(up, [m, 3]), rand(up, [3, 2]), false, false, rand(up, [2]), 'relu'), b.matmul(rand(up, [3, m]), rand(up, [2, 3]), true, true)]);
  });

  it('reductions over axes, both schedules', async () => {
    const cases: [Shape, number[]][] = [
      [[6, 7, 8], [1]],
      [[6, 7, 8], [0, 2]],
      [[6, 7, 8], [0, 1, 2]],
      [[300, 5], [0]],
      [[5, 300], [1]],
      [[1000], [0]],
      [[3, 1, 4], [1]],
    ];
    for (const op of ['sum', 'mean', 'max'] as const) {
      for (const [shape, axes] of cases) {
        for (const keep of [false, true]) await agree((b, up) => b.reduce(op, rand(up, shape), axes, keep));
      }
    }
  });

  it('transpose, slice, pad, concat, gatherRows, reshape and assign', async () => {
    await agree((b, up) => b.transpose(rand(up, [3, 4, 5]), [2, 0, 1]));
    await agree((b, up) => b.transpose(rand(up, [33, 65]), [1, 0]));
    await agree((b, up) => b.slice(rand(up, [5, 6, 7]), [1, 2, 3], [3, 4, 2]));
    await agree((b, up) => b.pad(rand(up, [3, 4]), [[1, 2], [0, 3]]));
    await agree((b, up) => b.concat([rand(up, [2, 3, 4]), rand(up, [2, 5, 4]), rand(up, [2, 1, 4])], 1));
    await agree((b, up) => b.concat([rand(up, [3, 2]), rand(up, [4, 2])], 0));
    await agree((b, up) => b.gatherRows(rand(up, [10, 3, 2]), up(Float32Array.of(9, 0, 3, 3, 7), [5])));
    await agree((b, up) => {
      const target = rand(up, [2, 6]);
      b.assign(target, b.reshape(rand(up, [3, 4]), [2, 6]));
      return target;
    });
  });

  it('conv2d forward, input gradient and filter gradient', async () => {
    const same = (s: number): Conv2DInfo => ({ strides: [s, s], padding: 'same' });
    const valid = (s: number): Conv2DInfo => ({ strides: [s, s], padding: 'valid' });
    // The kernels compute 4×4 blocks of pixels × channels: channel counts and pixel counts that are not
    // multiples of 4, batch 1, 1×1 and 5×5 kernels, strides 2; the filter gradient splits the batch's
    // output lines into partial sums (uneven last chunk at [7, 13, 13, 3]; hundreds of chunks at [64, 30, 30, 1]).
    const cases: [Shape, Shape, Conv2DInfo][] = [
      [[2, 7, 9, 3], [3, 3, 3, 4], same(1)],
      [[2, 7, 9, 3], [3, 3, 3, 4], valid(1)],
      [[3, 8, 7, 2], [3, 2, 2, 5], same(2)],
      [[1, 5, 5, 1], [2, 2, 1, 2], { strides: [2, 1], padding: 'valid' }],
      [[16, 12, 12, 2], [3, 3, 2, 3], same(1)],
      [[1, 6, 5, 1], [1, 1, 1, 5], valid(1)],
      [[1, 7, 7, 2], [1, 1, 2, 3], same(2)],
      [[2, 9, 8, 3], [5, 5, 3, 7], same(1)],
      [[3, 11, 10, 3], [5, 5, 3, 6], same(2)],
      [[2, 10, 9, 5], [3, 3, 5, 9], valid(2)],
      [[3, 17, 15, 6], [3, 3, 6, 13], same(1)],
      [[7, 13, 13, 3], [3, 3, 3, 4], valid(1)],
      [[64, 30, 30, 1], [3, 3, 1, 2], valid(1)],
    ];
    for (const [xs, ws, info] of cases) {
      await agree((b, up) => {
        const x = rand(up, xs);
        const w = rand(up, ws);
        const y = b.conv2d(x, w, info);
        const dy = rand(up, y.shape);
        return [y, b.conv2dBackpropInput(dy, w, xs, info), b.conv2dBackpropFilter(x, dy, ws, info)];
      });
    }
  });

  it('conv2d with the fused bias and activation', async () => {
    const info: Conv2DInfo = { strides: [1, 1], padding: 'same' };
    for (const act of [undefined, 'relu', 'sigmoid', 'tanh'] as (ActivationKind | undefined)[]) {
      await agree((b, up) => b.conv2d(rand(up, [2, 6, 7, 3]), rand(up, [3, 3, 3, 5]), info, rand(up, [5]), act));
      await agree((b, up) => b.conv2d(rand(up, [1, 5, 5, 2]), rand(up, [2, 2, 2, 6]), info, undefined, act));
    }
  });

  it('max and average pooling, forward and backward', async () => {
    const cases: [Shape, Omit<Pool2DInfo, 'type'>][] = [
      [[2, 6, 6, 3], { poolSize: [2, 2], strides: [2, 2], padding: 'valid' }],
      [[2, 7, 5, 2], { poolSize: [3, 3], strides: [2, 2], padding: 'same' }],
      [[1, 5, 5, 1], { poolSize: [3, 2], strides: [1, 1], padding: 'valid' }],
      // Windows that do not overlap (one thread per window), with rows and columns left over or padded.
      [[3, 11, 11, 4], { poolSize: [2, 2], strides: [2, 2], padding: 'valid' }],
      [[2, 7, 5, 2], { poolSize: [2, 2], strides: [2, 2], padding: 'same' }],
      [[1, 9, 8, 3], { poolSize: [2, 3], strides: [3, 3], padding: 'same' }],
      [[2, 10, 9, 1], { poolSize: [2, 2], strides: [3, 2], padding: 'valid' }],
    ];
    for (const type of ['max', 'avg'] as const) {
      for (const [xs, rest] of cases) {
        const info = { type, ...rest };
        await agree((b, up) => {
          const x = rand(up, xs);
          const y = b.pool2d(x, info);
          return [y, b.pool2dBackward(rand(up, y.shape), x, info)];
        });
      }
    }
    // Ties: the first maximum takes the gradient on both backends.
    await agree((b, up) => {
      const x = up(new Float32Array(16).fill(1), [1, 4, 4, 1]);
      const info: Pool2DInfo = { type: 'max', poolSize: [2, 2], strides: [1, 1], padding: 'same' };
      return b.pool2dBackward(b.fill([1, 4, 4, 1], 1), x, info);
    });
    await agree((b, up) => {
      const x = up(new Float32Array(25).fill(1), [1, 5, 5, 1]);
      const info: Pool2DInfo = { type: 'max', poolSize: [2, 2], strides: [2, 2], padding: 'valid' };
      return b.pool2dBackward(b.fill([1, 2, 2, 1], 1), x, info);
    });
  });

  it('every loss with its gradient, both paths', async () => {
    const elementwise: LossKind[] = ['mse', 'mae', 'huber', 'binary_crossentropy'];
    for (const kind of elementwise) {
      for (const fromLogits of [false, true]) {
        await agree((b, up) => {
          const pred = kind === 'binary_crossentropy' && !fromLogits ? up(randomValues(70, seed++).map((v) => (v + 1) / 2), [10, 7]) : rand(up, [10, 7], 3);
          const target = up(randomValues(70, seed++).map((v) => (v > 0 ? 1 : 0)), [10, 7]);
          const r = b.lossWithGrad({ kind, fromLogits }, pred, target);
          return [r.loss, r.grad];
        });
      }
    }
    for (const fromLogits of [false, true]) {
      await agree((b, up) => {
        const logits = rand(up, [9, 5], 3);
        const pred = fromLogits ? logits : b.softmax(logits);
        const labels = Float32Array.from({ length: 9 }, (_, i) => (i * 3) % 5);
        const oneHot = new Float32Array(45);
        labels.forEach((l, r) => (oneHot[r * 5 + l] = 1));
        const c = b.lossWithGrad({ kind: 'categorical_crossentropy', fromLogits }, pred, up(oneHot, [9, 5]));
        const s = b.lossWithGrad({ kind: 'sparse_categorical_crossentropy', fromLogits }, pred, up(labels, [9]));
        return [c.loss, c.grad, s.loss, s.grad];
      });
    }
    // A diverged network's NaN predictions give NaN losses and gradients on both backends, every kind and path.
    for (const kind of elementwise) {
      for (const fromLogits of [false, true]) {
        await agree((b, up) => {
          const r = b.lossWithGrad({ kind, fromLogits }, up(Float32Array.of(NaN, 0.3, NaN, 0.6), [2, 2]), up(Float32Array.of(1, 0, 0, 1), [2, 2]));
          return [r.loss, r.grad];
        });
      }
    }
    for (const fromLogits of [false, true]) {
      await agree((b, up) => {
        const pred = up(Float32Array.of(0.2, NaN, 0.5, 0.3, 0.3, 0.4), [2, 3]);
        const c = b.lossWithGrad({ kind: 'categorical_crossentropy', fromLogits }, pred, up(Float32Array.of(1, 0, 0, 0, 0, 1), [2, 3]));
        const s = b.lossWithGrad({ kind: 'sparse_categorical_crossentropy', fromLogits }, pred, up(Float32Array.of(0, 2), [2]));
        return [c.loss, c.grad, s.loss, s.grad];
      });
    }
    // Clipped probabilities (0 and 1 exactly) take the zero-gradient branch on both backends.
    await agree((b, up) => {
      const r = b.lossWithGrad({ kind: 'binary_crossentropy', fromLogits: false }, up(Float32Array.of(0, 1, 0.5, 1e-9), [4]), up(Float32Array.of(1, 0, 1, 0), [4]));
      return [r.loss, r.grad];
    });
  });

  it('dropout masks are identical (same hash of seed, step, index)', async () => {
    for (const step of [0, 1, 123456]) {
      await agree((b) => b.dropoutMask([7, 300], 0.35, 42, b.createCounter(step)), 0);
    }
  });

  it('optimizer updates with L1/L2, and the step counter', async () => {
    const base: OptimizerConfig = {
      kind: 'sgd', learningRate: 0.05, momentum: 0, nesterov: false, rho: 0.9, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, initialAccumulatorValue: 0.1,
    };
    const configs: OptimizerConfig[] = [
      base,
      { ...base, momentum: 0.9 },
      { ...base, momentum: 0.9, nesterov: true },
      { ...base, kind: 'rmsprop' },
      { ...base, kind: 'adam' },
      { ...base, kind: 'adagrad' },
    ];
    for (const config of configs) {
      await agree((b, up) => {
        const step = b.createCounter(3);
        const shapes: Shape[] = [[3, 5], [5], [70]];
        const slotCount = config.kind === 'adam' ? 2 : 1;
        const updates = shapes.map((s, k) => ({
          // A NaN weight under L1 stays NaN (sign of NaN) on both backends.
          param: k === 0 ? up(randomValues(15, seed++).map((v, i) => (i === 4 ? NaN : v)), s) : rand(up, s),
          grad: rand(up, s),
          slots: Array.from({ length: slotCount }, () => (config.kind === 'adagrad' ? b.fill(s, 0.1) : positive(up, s))),
          regularization: { l1: k === 0 ? 0.01 : 0, l2: k === 2 ? 0.02 : 0 },
        }));
        for (let i = 0; i < 3; i++) {
          b.applyUpdates(config, updates, step);
          b.increment(step);
        }
        return [...updates.flatMap((u) => [u.param, ...u.slots]), step];
      });
    }
  });

});

interface GridCase {
  features: GridFeature[];
  /** Units per layer. */
  units: number[];
  activations: GridActivation[];
  n: number;
  range?: [number, number];
}

/** Random layers for a grid case, as host arrays (the CPU reference) and as uploaded tensors (WebGPU). */
function gridLayers(b: Backend, c: GridCase, seedBase: number) {
  const widths = [c.features.length, ...c.units];
  const host = c.units.map((units, i) => ({
    kernel: randomValues(widths[i] * units, seedBase + 2 * i, 0.8),
    bias: randomValues(units, seedBase + 2 * i + 1, 0.5),
    activation: c.activations[i],
  }));
  const uploaded = host.map((l, i) => ({ kernel: b.upload(l.kernel, [widths[i], c.units[i]]), bias: b.upload(l.bias, [c.units[i]]), activation: l.activation }));
  return { host, uploaded };
}

/** The GPU grid equals the CPU's; by default after waiting for the generated kernel, where there is one. */
async function gridAgrees(c: GridCase, seedBase = 100, waitForCompile = true): Promise<void> {
  if (typeof gpu === 'string') throw new Error(gpu);
  const { host, uploaded } = gridLayers(gpu, c, seedBase);
  const neurons = c.units.reduce((a, b) => a + b, 0);
  const all = evaluateGridCpu(host, { n: c.n, range: c.range, features: c.features });
  for (const outputOnly of [false, true]) {
    const options = { n: c.n, range: c.range ?? ([-6, 6] as [number, number]), features: c.features, waitForCompile, outputOnly };
    const out = await gpu.evaluateGrid(uploaded, options);
    const kept = outputOnly ? c.units[c.units.length - 1] : neurons;
    expect(out.shape).toEqual([kept, c.n, c.n]);
    const expected = evaluateGridCpu(host, options);
    // The CPU reference's output-only grid is the last rows of its full one.
    expect(expected).toEqual(all.subarray(all.length - kept * c.n * c.n));
    // The output alone is read into an array of the caller's, as a view drawing every frame does.
    const into = outputOnly ? new Float32Array(expected.length) : undefined;
    const values = await gpu.read(out, into);
    if (into) expect(values).toBe(into);
    expect(maxViolation(values, expected)).toBe(0);
  }
}

describe.skipIf(!available)(gpuSuite('grid evaluation (generated and loop kernels) agrees with the CPU reference', gpu), () => {
  it('a small network on a grid that is not a multiple of the workgroup', async () => {
    await gridAgrees({ features: ['x', 'y', 'xSquared', 'xTimesY', 'sinY'], units: [8, 3, 1], activations: ['tanh', 'relu', 'sigmoid'], n: 37 });
  });

  it('every feature and activation in a generated kernel, many layers', async () => {
    // Nine layers need 19 storage bindings: past the limit of most devices, so the weights are packed.
    await gridAgrees({
      features: [...GRID_FEATURES],
      units: [8, 1, 5, 4, 3, 6, 2, 3, 1],
      activations: ['relu', 'leaky_relu', 'elu', 'sigmoid', 'tanh', 'softplus', 'swish', 'step', 'linear'],
      n: 23,
    });
  });

  it('the loop kernel, for networks too big to generate: every feature and activation, widths 1 and the maximum', async () => {
    await gridAgrees({
      features: [...GRID_FEATURES],
      units: [GRID_MAX_WIDTH, 1, 5, 4, 3, 6, 2, 3, 1],
      activations: ['relu', 'leaky_relu', 'elu', 'sigmoid', 'tanh', 'softplus', 'swish', 'step', 'linear'],
      n: 23,
    });
    await gridAgrees({ features: ['ySquared', 'sinX'], units: [GRID_MAX_WIDTH, GRID_MAX_WIDTH, 2], activations: ['tanh', 'swish', 'sigmoid'], n: 9, range: [-2, 3] });
  });

  it('a new architecture is answered at once (loop kernel) while its generated kernel compiles', async () => {
    const c: GridCase = { features: ['x', 'xSquared'], units: [6, 5, 1], activations: ['elu', 'relu', 'tanh'], n: 20 };
    await gridAgrees(c, 800, false);
    await gridAgrees(c, 810, true);
    await gridAgrees(c, 820, false);
  });

  it('softmax layers (a multi-class output; a hidden one too), generated and loop kernels, every neuron and output only', async () => {
    // 2→8→8→4 softmax, the multi-class playground's network; waitForCompile false answers from the loop kernel.
    const multiclass: GridCase = { features: ['x', 'y'], units: [8, 8, 4], activations: ['tanh', 'relu', 'softmax'], n: 29 };
    await gridAgrees(multiclass, 900, false);
    await gridAgrees(multiclass, 910, true);
    await gridAgrees({ features: ['x', 'y', 'sinX'], units: [5, 3, 6], activations: ['softmax', 'elu', 'softmax'], n: 17, range: [-9, 9] }, 920);
    // One class: softmax is 1 everywhere. A network too big to generate keeps the loop kernel.
    await gridAgrees({ features: ['x', 'y'], units: [3, 1], activations: ['sigmoid', 'softmax'], n: 8 }, 930);
    await gridAgrees({ features: ['x', 'y'], units: [GRID_MAX_WIDTH, 6], activations: ['tanh', 'softmax'], n: 11 }, 940);
  });

  it('a 1×1 grid, and one larger than a dispatch covers at one point per thread', async () => {
    await gridAgrees({ features: ['x', 'y'], units: [2, 1], activations: ['elu', 'tanh'], n: 1 });
    await gridAgrees({ features: ['x', 'y'], units: [3, 1], activations: ['softplus', 'sigmoid'], n: 211 });
  });

  it('compiles each architecture once: new weights or another grid size reuse the pipeline', async () => {
    const c: GridCase = { features: ['y', 'sinX'], units: [7, 2], activations: ['leaky_relu', 'tanh'], n: 16 };
    await gridAgrees(c, 300);
    const before = engineStats();
    await gridAgrees(c, 400);
    await gridAgrees({ ...c, n: 31 }, 500);
    expect(statsDelta(before, engineStats()).pipelinesCompiled).toBe(0);
    await gridAgrees({ ...c, activations: ['leaky_relu', 'sigmoid'] }, 600);
    // A new architecture: its kernel for every neuron and its output-only kernel.
    expect(statsDelta(before, engineStats()).pipelinesCompiled).toBe(2);
  });

  it('a generated kernel that fails to compile names the offending line', async () => {
    if (typeof gpu === 'string') throw new Error(gpu);
    const code = '@compute @workgroup_size(1)\nfn main() {\n  let x: f32 = 1u;\n}\n';
    await expect(gpu.executor.prepare({ label: 'broken', code, entry: 'main', uniform: false, storage: [] })).rejects.toThrow(
      /generated kernel broken failed to compile: line 3:\d+: .*\n\s+let x: f32 = 1u;/,
    );
  });

  it('keeps at most MAX_GENERATED_PIPELINES generated pipelines, forgetting the least recently used', async () => {
    if (typeof gpu === 'string') throw new Error(gpu);
    const kernel = (k: number) => ({ label: `tiny ${k}`, code: `// ${k}\n@compute @workgroup_size(1)\nfn main() {}\n`, entry: 'main', uniform: false, storage: [] });
    const ex = gpu.executor;
    for (let k = 0; k < MAX_GENERATED_PIPELINES; k++) await ex.prepare(kernel(k));
    await ex.prepare(kernel(0)); // used again: now the most recent
    await ex.prepare(kernel(MAX_GENERATED_PIPELINES)); // one too many: kernel 1 goes
    expect(ex.isCompiled(kernel(0))).toBe(true);
    expect(ex.isCompiled(kernel(1))).toBe(false);
    expect(ex.isCompiled(kernel(MAX_GENERATED_PIPELINES))).toBe(true);
    const before = engineStats();
    await ex.prepare(kernel(1));
    expect(statsDelta(before, engineStats()).pipelinesCompiled).toBe(1);
  });

  it('a new device after a loss compiles the kernel again', async () => {
    // A backend of its own: this test destroys its device.
    const own = await WebGPUBackend.create();
    const c: GridCase = { features: ['x', 'y'], units: [4, 1], activations: ['tanh', 'tanh'], n: 12 };
    const options = { n: c.n, features: c.features };
    const first = gridLayers(own, c, 700);
    const expected = evaluateGridCpu(first.host, options);
    expect(maxViolation(await own.read(await own.evaluateGrid(first.uploaded, options)), expected)).toBe(0);
    const restored = new Promise<void>((resolve) => own.onDeviceEvent((e) => e.type !== 'lost' && resolve()));
    own.executor.simulateLoss();
    await restored;
    const again = gridLayers(own, c, 700);
    expect(maxViolation(await own.read(await own.evaluateGrid(again.uploaded, options)), expected)).toBe(0);
    own.destroy();
  });
});
