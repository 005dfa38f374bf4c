// Launches the grid kernel generated for the network's architecture (grid-shader.ts): compiled on first use
// (the executor caches it by its WGSL text), then one dispatch evaluates every neuron at every grid point.
// Each layer's kernel and bias are bound where they live; only a network with more layers than the
// device's storage bindings allow has them packed into one buffer first (device-side copies).
import type { TensorHandle } from '../backend';
import { gridSetup, type GridLayer, type GridOptions } from '../../grid';
import { copy } from './array-kernels';
import type { Binding, Executor } from './executor';
import { ACTIVATION_CODES } from './kernels';
import { gridGroups, gridKernel } from './grid-shader';
import { GpuTensor, ParamWriter } from './memory';
import { loadShaders } from './shaders';

export type { GridLayer, GridOptions } from '../../grid';

export async function evaluateGridKernel(ex: Executor, layers: GridLayer<GpuTensor>[], options: GridOptions): Promise<TensorHandle> {
  const shapes = layers.map((l, i) => {
    if (l.kernel.shape.length !== 2 || l.bias.shape.length !== 1 || l.bias.shape[0] !== l.kernel.shape[1]) {
      throw new Error(`evaluateGrid: layer ${i} needs kernel [inputs, units] and bias [units], got [${l.kernel.shape}] and [${l.bias.shape}]`);
    }
    if (ACTIVATION_CODES[l.activation] === undefined) throw new Error(`evaluateGrid: layer ${i} has unknown activation "${l.activation}"`);
    return { inputs: l.kernel.shape[0], units: l.kernel.shape[1], activation: l.activation };
  });
  const { low, high } = gridSetup(options, shapes);
  // Binding 0 is the parameter block, the last one the output.
  const packed = 2 * layers.length + 1 > ex.device.limits.maxStorageBuffersPerShaderStage;
  const kernel = gridKernel({ features: options.features, layers: shapes, packed }, await loadShaders());
  await ex.prepare(kernel);

  let weights: Binding[];
  let packedWeights: GpuTensor | undefined;
  if (packed) {
    packedWeights = ex.alloc([layers.reduce((s, l) => s + l.kernel.size + l.bias.size, 0)]);
    let offset = 0;
    for (const l of layers) {
      copy(ex, l.kernel.storage, packedWeights.storage, l.kernel.size, offset);
      copy(ex, l.bias.storage, packedWeights.storage, l.bias.size, offset + l.kernel.size);
      offset += l.kernel.size + l.bias.size;
    }
    weights = [packedWeights.storage];
  } else {
    weights = layers.flatMap((l) => [l.kernel.storage, l.bias.storage]);
  }
  const { n } = options;
  const out = ex.alloc([shapes.reduce((s, l) => s + l.units, 0), n, n]);
  const params = new ParamWriter().u(n).f(low, high).done();
  ex.dispatch(kernel, params, [...weights, out.storage], gridGroups(n * n));
  if (packedWeights) ex.release(packedWeights.storage);
  return out;
}
