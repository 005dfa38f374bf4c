// The wasm backend's grid kernel (assembly/grid.ts) against the CPU reference, evaluateGridCpu, to 1e-4:
// every activation over a sweep of pre-activations into both tails, softmax layers, every feature, 1 to 10
// layers, widths 1 to the maximum, grid sizes that cut the kernel's 128-point blocks, NaN weights; and that
// evaluateGrid on the wasm backend goes through it.
import { describe, expect, it, vi } from 'vitest';
import { CpuBackend } from '../../../src/engine/backend/cpu/cpu-backend';
import { CpuTensor } from '../../../src/engine/backend/cpu/cpu-tensor';
import { createWasmBackend } from '../../../src/engine/backend/wasm/wasm-backend';
import { evaluateGridCpu, GRID_FEATURES, GRID_MAX_WIDTH, type GridActivation, type GridFeature, type GridLayer, type GridOptions } from '../../../src/engine/grid';
import { evaluateGrid, ops, useBackend } from '../../../src/index';
import { maxViolation, randomValues } from '../../gpu/compare';

const wasm = await createWasmBackend();

const ELEMENTWISE: GridActivation[] = ['linear', 'relu', 'leaky_relu', 'elu', 'sigmoid', 'tanh', 'softplus', 'swish', 'step'];

interface GridCase {
  features: GridFeature[];
  units: number[];
  activations: GridActivation[];
  n: number;
  range?: [number, number];
  /** Scale of the random kernels (pre-activations grow with it). */
  scale?: number;
}

function hostLayers(c: GridCase, seed: number): GridLayer<Float32Array>[] {
  const widths = [c.features.length, ...c.units];
  return c.units.map((units, i) => ({
    kernel: randomValues(widths[i] * units, seed + 2 * i, c.scale ?? 0.8),
    bias: randomValues(units, seed + 2 * i + 1, 0.5),
    activation: c.activations[i],
  }));
}

const tensors = (layers: GridLayer<Float32Array>[]) =>
  layers.map((l) => ({ kernel: new CpuTensor([l.kernel.length / l.bias.length, l.bias.length], l.kernel), bias: new CpuTensor([l.bias.length], l.bias), activation: l.activation }));

/** Every neuron and the output alone, fresh and into an array: the reference's values to 1e-4. */
function agrees(layers: GridLayer<Float32Array>[], options: GridOptions): void {
  for (const outputOnly of [false, true]) {
    const o = { ...options, outputOnly };
    const expected = evaluateGridCpu(layers, o);
    const fresh = wasm.evaluateGridValues(tensors(layers), o);
    expect(fresh).toHaveLength(expected.length);
    expect(maxViolation(fresh, expected)).toBe(0);
    const into = new Float32Array(expected.length).fill(NaN);
    expect(wasm.evaluateGridValues(tensors(layers), { ...o, into })).toBe(into);
    expect(maxViolation(into, fresh, 0, 0)).toBe(0);
  }
}

const gridAgrees = (c: GridCase, seed = 100) => agrees(hostLayers(c, seed), { n: c.n, range: c.range, features: c.features });

describe('wasm grid kernel', () => {
  for (const activation of [...ELEMENTWISE, 'softmax'] as GridActivation[]) {
    it(`${activation} over pre-activations from −60 to 60 (both tails), at every lane of a block`, () => {
      // z = 60·x₁ − 0.7·x₂ (+ a second unit for softmax), 211² points: 330 blocks, the last one partial.
      const layer = { kernel: Float32Array.of(60, -20, -0.7, 0.3), bias: Float32Array.of(0.1, -0.2), activation };
      agrees([layer], { n: 211, range: [-1, 1], features: ['x', 'y'] });
    });
  }

  it('the heatmap network: 2→8→8→8→1 tanh, a 200² grid', () => {
    gridAgrees({ features: ['x', 'y'], units: [8, 8, 8, 1], activations: ['tanh', 'tanh', 'tanh', 'tanh'], n: 200, range: [-1, 1] });
  });

  it('every feature and activation, many layers (10), odd grid sizes', () => {
    const c: GridCase = {
      features: [...GRID_FEATURES],
      units: [8, 1, 5, 4, 3, 6, 2, 3, 7, 1],
      activations: ['relu', 'leaky_relu', 'elu', 'sigmoid', 'tanh', 'softplus', 'swish', 'step', 'linear', 'tanh'],
      n: 23,
    };
    for (const n of [1, 2, 11, 23, 129]) gridAgrees({ ...c, n }, 200 + n);
  });

  it('one layer to ten, each activation as the output', () => {
    for (let depth = 1; depth <= 10; depth++) {
      const units = Array.from({ length: depth }, (_, i) => (i === depth - 1 ? 2 : 3 + ((i * 5) % 7)));
      const activations = units.map((_, i) => (i === depth - 1 ? ([...ELEMENTWISE, 'softmax'] as GridActivation[])[depth % 10] : ELEMENTWISE[(i * 4) % 9]));
      gridAgrees({ features: ['x', 'y', 'sinX'], units, activations, n: 37, range: [-4, 5] }, 300 + depth);
    }
  });

  it('widths 1 and the maximum, large weights', () => {
    gridAgrees({ features: ['ySquared', 'sinX'], units: [GRID_MAX_WIDTH, GRID_MAX_WIDTH, 1], activations: ['tanh', 'swish', 'sigmoid'], n: 9, range: [-2, 3] }, 400);
    gridAgrees({ features: ['x'], units: [1, GRID_MAX_WIDTH, 3], activations: ['softplus', 'elu', 'softmax'], n: 19, scale: 4 }, 410);
  });

  it('softmax layers, hidden and output; one class is 1 everywhere', () => {
    gridAgrees({ features: ['x', 'y'], units: [8, 8, 4], activations: ['tanh', 'relu', 'softmax'], n: 29 }, 500);
    gridAgrees({ features: ['x', 'y', 'sinX'], units: [5, 3, 6], activations: ['softmax', 'elu', 'softmax'], n: 17, range: [-9, 9], scale: 3 }, 510);
    gridAgrees({ features: ['x', 'y'], units: [3, 1], activations: ['sigmoid', 'softmax'], n: 8 }, 520);
  });

  it('a NaN weight gives NaN where the reference has NaN, for every activation', () => {
    for (const activation of [...ELEMENTWISE, 'softmax'] as GridActivation[]) {
      const layers = hostLayers({ features: ['x', 'y'], units: [4, 3], activations: ['tanh', activation], n: 5 }, 600);
      layers[1].kernel[0] = NaN;
      const expected = evaluateGridCpu(layers, { n: 5, features: ['x', 'y'] });
      const actual = wasm.evaluateGridValues(tensors(layers), { n: 5, features: ['x', 'y'] });
      expect(maxViolation(actual, expected), activation).toBe(0);
    }
  });

  it('rejects bad layers with the message the WebGPU kernel gives', () => {
    const bias = new CpuTensor([2], new Float32Array(2));
    expect(() => wasm.evaluateGridValues([{ kernel: new CpuTensor([4], new Float32Array(4)), bias, activation: 'tanh' }], { n: 4, features: ['x', 'y'] })).toThrow(
      'evaluateGrid: layer 0 needs kernel [inputs, units] and bias [units], got [4] and [2]',
    );
    const kernel = new CpuTensor([2, 2], new Float32Array(4));
    expect(() => wasm.evaluateGridValues([{ kernel, bias, activation: 'gelu' as never }], { n: 4, features: ['x', 'y'] })).toThrow(
      /^evaluateGrid: layer 0 has unknown activation "gelu"; expected one of linear, relu, .*, softmax$/,
    );
    expect(() => wasm.evaluateGridValues([{ kernel, bias, activation: 'tanh' }], { n: 4, features: ['x'] })).toThrow('evaluateGrid: layer 0 takes 2 inputs, but receives 1');
  });

  it('evaluateGrid on the wasm backend runs the kernel, into the given array', async () => {
    useBackend(wasm);
    try {
      const spy = vi.spyOn(wasm, 'evaluateGridValues');
      const host = hostLayers({ features: ['x', 'y'], units: [6, 1], activations: ['tanh', 'sigmoid'], n: 30 }, 700);
      const layers = host.map((l) => ({ kernel: ops.tensor(l.kernel, [l.kernel.length / l.bias.length, l.bias.length]), bias: ops.tensor(l.bias, [l.bias.length]), activation: l.activation }));
      const into = new Float32Array(7 * 900);
      expect(await evaluateGrid(layers, { n: 30, features: ['x', 'y'], into })).toBe(into);
      expect(spy).toHaveBeenCalledTimes(1);
      expect(maxViolation(into, evaluateGridCpu(host, { n: 30, features: ['x', 'y'] }))).toBe(0);
      for (const l of layers) [l.kernel, l.bias].forEach((t) => t.dispose());
    } finally {
      useBackend(new CpuBackend());
    }
  });
});
