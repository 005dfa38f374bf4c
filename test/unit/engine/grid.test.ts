// The CPU grid reference (layer by layer over blocks of points) against a plain per-point evaluation.
import { describe, expect, it } from 'vitest';
import { activationFn } from '../../../src/engine/backend/cpu/elementwise';
import { evaluateGridCpu, GRID_FEATURES, type GridActivation, type GridLayer } from '../../../src/engine/grid';

function layer(inputs: number, units: number, activation: GridActivation, seed: number): GridLayer<Float32Array> {
  const values = (n: number, k: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 7.1 + k * 3.3 + i * 1.7));
  return { kernel: values(inputs * units, 1), bias: values(units, 2), activation };
}

/** Every neuron at one point (x1, x2), hidden layers then the output. */
function atPoint(layers: GridLayer<Float32Array>[], x1: number, x2: number): number[] {
  let a = [x1, x2, x1 * x1, x2 * x2, x1 * x2, Math.sin(x1), Math.sin(x2)];
  const all: number[] = [];
  for (const l of layers) {
    const units = l.bias.length;
    const z = Array.from({ length: units }, (_, j) => {
      let s = l.bias[j];
      a.forEach((v, i) => (s += v * l.kernel[i * units + j]));
      return s;
    });
    if (l.activation === 'softmax') {
      const e = z.map((v) => Math.exp(v - Math.max(...z)));
      const total = e.reduce((x, y) => x + y, 0);
      a = e.map((v) => v / total);
    } else {
      a = z.map(activationFn(l.activation, 'test'));
    }
    all.push(...a);
  }
  return all;
}

describe('evaluateGridCpu', () => {
  it('matches a per-point evaluation exactly: pixel centers, top row first, neuron-major', () => {
    const layers = [layer(7, 5, 'tanh', 1), layer(5, 3, 'relu', 2), layer(3, 1, 'sigmoid', 3)];
    // 33² points: more than one block of the reference, the last one partial.
    const n = 33;
    const out = evaluateGridCpu(layers, { n, range: [-3, 3], features: [...GRID_FEATURES] });
    const points = n * n;
    expect(out).toHaveLength(9 * points);
    const cell = 6 / n;
    for (let point = 0; point < points; point++) {
      const x1 = -3 + ((point % n) + 0.5) * cell;
      const x2 = 3 - (Math.floor(point / n) + 0.5) * cell;
      atPoint(layers, x1, x2).forEach((v, neuron) => expect(out[neuron * points + point]).toBe(Math.fround(v)));
    }
  });

  it('a softmax layer: the probabilities over the layer at each point, as a per-point evaluation', () => {
    // A softmax hidden layer too: the grid evaluates any layer's softmax, not only the output's.
    const layers = [layer(7, 4, 'softmax', 11), layer(4, 6, 'elu', 12), layer(6, 4, 'softmax', 13)];
    const n = 35;
    const out = evaluateGridCpu(layers, { n, range: [-5, 5], features: [...GRID_FEATURES] });
    const points = n * n;
    const cell = 10 / n;
    for (let point = 0; point < points; point++) {
      const x1 = -5 + ((point % n) + 0.5) * cell;
      const x2 = 5 - (Math.floor(point / n) + 0.5) * cell;
      atPoint(layers, x1, x2).forEach((v, neuron) => expect(out[neuron * points + point]).toBe(Math.fround(v)));
      const probabilities = [10, 11, 12, 13].map((neuron) => out[neuron * points + point]);
      expect(probabilities.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 6);
    }
  });

  it('writes into a given array and returns it; one of the wrong size is refused', () => {
    const layers = [layer(2, 3, 'tanh', 5), layer(3, 1, 'tanh', 6)];
    const options = { n: 40, features: ['x', 'y'] as const };
    const fresh = evaluateGridCpu(layers, options);
    const into = new Float32Array(4 * 40 * 40).fill(NaN);
    expect(evaluateGridCpu(layers, { ...options, into })).toBe(into);
    expect(into).toEqual(fresh);
    const outputInto = new Float32Array(40 * 40);
    expect(evaluateGridCpu(layers, { ...options, outputOnly: true, into: outputInto })).toEqual(fresh.subarray(3 * 1600));
    expect(() => evaluateGridCpu(layers, { ...options, into: new Float32Array(1600) })).toThrow(
      'evaluateGrid (4 neurons × 40²): into must be a Float32Array of exactly 6400 values, got a Float32Array of 1600',
    );
  });

  it('rejects bad options with the expected message', () => {
    const layers = [layer(2, 1, 'linear', 4)];
    expect(() => evaluateGridCpu(layers, { n: 0, features: ['x', 'y'] })).toThrow('evaluateGrid: n must be a positive integer, got 0');
    expect(() => evaluateGridCpu(layers, { n: 4, features: ['y', 'x'] })).toThrow(/features must be distinct and in the order/);
  });
});
