// Launches the grid kernel generated for the network's architecture (grid-shader.ts) once it is compiled
// (the executor caches it by its WGSL text), else the loop kernel of grid_loop.wgsl: one dispatch
// evaluates every neuron at every grid point. The generated kernel binds each layer's kernel and bias
// where they live; the loop kernel, or a network with more layers than the device's storage bindings
// allow, has them packed into one buffer first (device-side copies).
import type { TensorHandle } from '../backend';
import { GRID_FEATURES, gridLayerShapes, gridSetup, type GridLayer, type GridOptions } from '../../grid';
import { copy, stridedCopy } from './array-kernels';
import { Executor, MAX_GENERATED_PIPELINES, type Binding } from './executor';
import { ACTIVATION_CODES, SOFTMAX_CODE, type GeneratedKernel } from './kernels';
import { gridGroups, gridKernel, type GridArchitecture } from './grid-shader';
import { gridParams } from './layouts';
import { GpuTensor } from './memory';
import { loadShaders } from './shaders';

export type { GridLayer, GridOptions } from '../../grid';

/**
 * Networks up to this many weights and biases get a generated kernel. Its compile time grows steeply with
 * them: SwiftShader takes 1.4-2.4 s for the 433 of TensorFlow Playground's largest network (7 features,
 * 6 layers of 8), 7 minutes for the 4,417 of 2→64→64→1; bigger ones keep the loop kernel.
 */
const GENERATED_MAX_WEIGHTS = 512;

export async function evaluateGridKernel(ex: Executor, layers: GridLayer<GpuTensor>[], options: GridOptions): Promise<TensorHandle> {
  const shapes = gridLayerShapes(layers, Object.keys(ACTIVATION_CODES));
  const { low, high } = gridSetup(options, shapes);
  const { n } = options;
  const neurons = shapes.reduce((s, l) => s + l.units, 0);
  const outputs = shapes[shapes.length - 1].units;
  const outputOnly = options.outputOnly === true;
  const params = gridParams.write({ n, low, high, layer_count: layers.length, feature_count: options.features.length });
  const weightCount = layers.reduce((s, l) => s + l.kernel.size + l.bias.size, 0);
  // Binding 0 is the parameter block, the last one the output.
  const packed = 2 * layers.length + 1 > ex.device.limits.maxStorageBuffersPerShaderStage;
  const generated = weightCount <= GENERATED_MAX_WEIGHTS ? await generatedKernel({ features: options.features, layers: shapes, packed, outputOnly }) : null;
  if (generated) {
    const compiling = ex.prepare(generated);
    if (options.waitForCompile) await compiling;
    else compiling.catch((e: unknown) => console.warn(`evaluateGrid: the generated kernel failed, the loop kernel stays in use: ${e instanceof Error ? e.message : e}`));
  }
  if (generated && ex.isCompiled(generated)) {
    const out = ex.alloc([outputOnly ? outputs : neurons, n, n]);
    const weights = packed ? packWeights(ex, layers) : null;
    const bindings: Binding[] = weights ? [weights.storage] : layers.flatMap((l) => [l.kernel.storage, l.bias.storage]);
    ex.dispatch(generated, params, [...bindings, out.storage], gridGroups(n * n));
    if (weights) ex.release(weights.storage);
    return out;
  }
  const out = loopKernel(ex, layers, shapes, options, params, neurons);
  if (!outputOnly) return out;
  const last = ex.alloc([outputs, n, n]);
  stridedCopy(ex, out.storage, last.storage, [last.size], [1], [1], (neurons - outputs) * n * n, 0);
  ex.release(out.storage);
  return last;
}

/** grid_loop.wgsl over every neuron: it reads each layer's inputs back from its output, so it writes them all. */
function loopKernel(
  ex: Executor,
  layers: GridLayer<GpuTensor>[],
  shapes: { inputs: number; units: number; activation: GridLayer<GpuTensor>['activation'] }[],
  options: GridOptions,
  params: Uint32Array,
  neurons: number,
): GpuTensor {
  const { n } = options;
  const out = ex.alloc([neurons, n, n]);
  const weights = packWeights(ex, layers);
  const table = new Uint32Array(layers.length * 4);
  let offset = 0;
  shapes.forEach((l, i) => {
    table.set([l.inputs, l.units, offset, l.activation === 'softmax' ? SOFTMAX_CODE : ACTIVATION_CODES[l.activation]], i * 4);
    offset += (l.inputs + 1) * l.units;
  });
  const features = Uint32Array.from(options.features, (f) => GRID_FEATURES.indexOf(f));
  ex.dispatch('evaluate_grid_loop', params, [{ table }, weights.storage, { table: features }, out.storage], Executor.groups1d(n * n));
  ex.release(weights.storage);
  return out;
}

/** The generated kernels by architecture, so a frame does not write the same WGSL again (up to as many as the executor keeps). */
const generatedByArchitecture = new Map<string, GeneratedKernel>();

async function generatedKernel(arch: GridArchitecture): Promise<GeneratedKernel> {
  const key = JSON.stringify(arch);
  let kernel = generatedByArchitecture.get(key);
  if (!kernel) {
    kernel = gridKernel(arch, await loadShaders());
    if (generatedByArchitecture.size >= MAX_GENERATED_PIPELINES) generatedByArchitecture.clear();
    generatedByArchitecture.set(key, kernel);
  }
  return kernel;
}

/** Every layer's kernel then bias, one after the other in one buffer (device-side copies). */
function packWeights(ex: Executor, layers: GridLayer<GpuTensor>[]): GpuTensor {
  const packed = ex.alloc([layers.reduce((s, l) => s + l.kernel.size + l.bias.size, 0)]);
  let offset = 0;
  for (const l of layers) {
    copy(ex, l.kernel.storage, packed.storage, l.kernel.size, offset);
    copy(ex, l.bias.storage, packed.storage, l.bias.size, offset + l.kernel.size);
    offset += l.kernel.size + l.bias.size;
  }
  return packed;
}
