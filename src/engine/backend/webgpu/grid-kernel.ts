// Launches shaders/grid.wgsl: packs the layers' weights into one buffer (device-side copies, no readback),
// then one dispatch evaluates every neuron at every grid point.
import type { TensorHandle } from '../backend';
import { gridSetup, type GridLayer, type GridOptions } from '../../grid';
import { copy } from './array-kernels';
import { Executor } from './executor';
import { ACTIVATION_CODES } from './kernels';
import { GpuTensor, ParamWriter } from './memory';

export type { GridLayer, GridOptions } from '../../grid';

export function evaluateGridKernel(ex: Executor, layers: GridLayer<GpuTensor>[], options: GridOptions): TensorHandle {
  const shapes = layers.map((l, i) => {
    if (l.kernel.shape.length !== 2 || l.bias.shape.length !== 1 || l.bias.shape[0] !== l.kernel.shape[1]) {
      throw new Error(`evaluateGrid: layer ${i} needs kernel [inputs, units] and bias [units], got [${l.kernel.shape}] and [${l.bias.shape}]`);
    }
    if (ACTIVATION_CODES[l.activation] === undefined) throw new Error(`evaluateGrid: layer ${i} has unknown activation "${l.activation}"`);
    return { inputs: l.kernel.shape[0], units: l.kernel.shape[1] };
  });
  const { mask, low, high } = gridSetup(options, shapes);
  const table = new Uint32Array(layers.length * 4);
  let offset = 0;
  shapes.forEach((s, i) => {
    table.set([s.inputs, s.units, offset, ACTIVATION_CODES[layers[i].activation]], i * 4);
    offset += (s.inputs + 1) * s.units;
  });
  const packed = ex.alloc([offset]);
  layers.forEach((l, i) => {
    copy(ex, l.kernel.storage, packed.storage, l.kernel.size, table[i * 4 + 2]);
    copy(ex, l.bias.storage, packed.storage, l.bias.size, table[i * 4 + 2] + l.kernel.size);
  });
  const { n } = options;
  const neurons = shapes.reduce((s, l) => s + l.units, 0);
  const out = ex.alloc([neurons, n, n]);
  const params = new ParamWriter().u(n, mask, layers.length, 0).f(low, high).done();
  ex.dispatch('evaluate_grid', params, [{ table }, packed.storage, out.storage], Executor.groups1d(n * n));
  ex.release(packed.storage);
  return out;
}
