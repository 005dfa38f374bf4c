// Finite-difference gradient checking for the autograd ops on the CPU backend.
// The objective is L = Σ c ⊙ f(inputs) with fixed random weights c; its analytic gradient comes from
// `grad`, its numeric one from central differences whose sums are taken in float64 on the host.
import { expect } from 'vitest';
import * as ops from '../../../src/engine/ops';
import { grad, noGrad, type Tensor } from '../../../src/engine/tensor';
import { createRng, type Rng } from '../../../src/engine/random';
import { shapeSize } from '../../../src/engine/shape';

export interface Input {
  values: Float32Array;
  shape: number[];
}

/** Uniform values in [low, high), optionally kept at least `gap` away from every point in `avoid`. */
export function randomInput(rng: Rng, shape: number[], low = -1, high = 1, avoid: number[] = [], gap = 0.05): Input {
  const values = new Float32Array(shapeSize(shape));
  for (let i = 0; i < values.length; i++) {
    let v: number;
    do v = rng.uniform(low, high);
    while (avoid.some((a) => Math.abs(v - a) < gap));
    values[i] = v;
  }
  return { values, shape };
}

/** Distinct values at least `spacing` apart, in random order (no ties for max-type ops). */
export function distinctInput(rng: Rng, shape: number[], spacing = 0.05): Input {
  const n = shapeSize(shape);
  const order = rng.shuffle([...Array(n).keys()]);
  return { values: Float32Array.from(order, (k) => (k - n / 2) * spacing), shape };
}

/** A random shape of `rank` with dimensions in [1, maxDim]. */
export function randomShape(rng: Rng, rank: number, maxDim = 4): number[] {
  return Array.from({ length: rank }, () => 1 + rng.int(maxDim));
}

export interface GradCheckOptions {
  eps?: number;
  rtol?: number;
  atol?: number;
}

/** Σ c·f(inputs) in float64, evaluated without recording a graph. */
async function objective(f: (xs: Tensor[]) => Tensor, inputs: Input[], c: Float32Array): Promise<number> {
  const out = noGrad(() => f(inputs.map((x) => ops.tensor(x.values, x.shape))));
  const values = await out.data();
  let total = 0;
  for (let i = 0; i < values.length; i++) total += c[i] * values[i];
  return total;
}

export async function checkGradients(f: (xs: Tensor[]) => Tensor, inputs: Input[], options: GradCheckOptions = {}): Promise<void> {
  const { eps = 1e-2, rtol = 1e-2, atol = 2e-3 } = options;
  const rng = createRng(7);

  const leaves = inputs.map((x) => ops.tensor(x.values, x.shape, true));
  const out = f(leaves);
  const c = Float32Array.from({ length: out.size }, () => rng.uniform(-1, 1));
  const loss = ops.sum(ops.mul(out, ops.tensor(c, out.shape)));
  const analytic = grad(loss, leaves);

  for (let k = 0; k < inputs.length; k++) {
    expect(analytic[k].shape).toEqual(inputs[k].shape);
    const got = await analytic[k].data();
    const values = inputs[k].values;
    for (let i = 0; i < values.length; i++) {
      const original = values[i];
      const plus = Math.fround(original + eps);
      const minus = Math.fround(original - eps);
      const perturbed = (v: number): Input[] =>
        inputs.map((x, j) => (j === k ? { shape: x.shape, values: Float32Array.from(values, (u, m) => (m === i ? v : u)) } : x));
      const numeric = ((await objective(f, perturbed(plus), c)) - (await objective(f, perturbed(minus), c))) / (plus - minus);
      const tolerance = atol + rtol * Math.max(Math.abs(numeric), Math.abs(got[i]));
      if (!(Math.abs(got[i] - numeric) <= tolerance)) {
        throw new Error(`gradient of input ${k} [${inputs[k].shape}] at element ${i}: analytic ${got[i]}, numeric ${numeric}`);
      }
    }
  }
}

/** Expect every value within `tol` (absolute plus relative) of the reference. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const ok = Math.abs(actual[i] - expected[i]) <= tol * (1 + Math.abs(expected[i]));
    if (!ok) throw new Error(`element ${i}: got ${actual[i]}, expected ${expected[i]} (tolerance ${tol})`);
  }
}
