// The 'wasm' backend: the CPU reference backend with its compute-bound kernels (matmul, convolution, the
// decision-boundary grid) moved to WebAssembly SIMD (assembly/kernels.ts, assembly/grid.ts) and a fused
// training step for dense networks (dense-step.ts, which compileTrainer runs through the `fusedDenseStep` capability).
//
// Tensors stay Float32Arrays (the CPU backend's CpuTensor) and operands are copied into linear memory per
// kernel: the copy is O(size) against O(size^1.5) arithmetic for a matmul (measured 2-8% of a 512² product,
// best of 8, on a loaded 2-core machine), every other op keeps the reference's code, and a disposed tensor's
// array goes back to the CPU backend's pool (cpu/array-pool.ts) for the next op of its size. Element-wise ops,
// reductions, losses and updates stay in TypeScript: they are memory-bound, so copying their operands in and
// out would cost more than SIMD saves.
import type { ActivationKind, Conv2DInfo, Shape, TensorHandle } from '../backend';
import { CpuBackend } from '../cpu/cpu-backend';
import { checkShape, cpu, CpuTensor } from '../cpu/cpu-tensor';
import { checkActivation } from '../cpu/elementwise';
import { matmulDims } from '../cpu/matmul';
import type { UpdateOne } from '../cpu/optimizer';
import * as conv from './conv';
import type { GridLayer, GridOptions } from '../../grid-layout';
import { gemm } from './gemm';
import { evaluateGridWasm } from './grid';
import { loadWasmKernels, type WasmKernelOptions, type WasmKernels } from './wasm-kernels';

export class WasmBackend extends CpuBackend {
  override readonly name = 'wasm' as const;
  override readonly description: string;
  readonly capabilities = { fusedDenseStep: true };

  constructor(readonly kernels: WasmKernels) {
    super();
    this.description = `CPU · WebAssembly SIMD${kernels.relaxed ? ' + relaxed FMA' : ''}${kernels.threadCount > 1 ? ` · ${kernels.threadCount} threads` : ''}`;
  }

  override matmul(
    a: TensorHandle,
    b: TensorHandle,
    transposeA: boolean,
    transposeB: boolean,
    bias?: TensorHandle,
    activation?: ActivationKind,
  ): TensorHandle {
    const at = cpu(a, 'matmul', 'a');
    const bt = cpu(b, 'matmul', 'b');
    const biasT = bias && cpu(bias, 'matmul', 'bias');
    const [m, k, n] = matmulDims(at.shape, bt.shape, transposeA, transposeB, biasT?.shape);
    const act = checkActivation(activation ?? 'linear', 'matmul');
    const c = gemm(this.kernels, { m, n, k, transposeA, transposeB }, at.data, bt.data, biasT?.data, act);
    return new CpuTensor([m, n], this.kernels.readInto(c * 4, this.pool.take(m * n)));
  }

  /** The decision-boundary grid in one WebAssembly SIMD call, into `options.into` when given (grid.ts). */
  evaluateGridValues(layers: GridLayer<TensorHandle>[], options: GridOptions): Float32Array {
    const host = layers.map((l, i) => ({
      kernel: cpu(l.kernel, 'evaluateGrid', `layers[${i}].kernel`),
      bias: cpu(l.bias, 'evaluateGrid', `layers[${i}].bias`),
      activation: l.activation,
    }));
    return evaluateGridWasm(this.kernels, host, options);
  }

  /**
   * Adam in WebAssembly (assembly/kernels.ts adam: the reference's float64 arithmetic, bit for bit),
   * operands copied in and out like a matmul's; every other optimizer is the reference's loop.
   */
  protected override updateParameter(...args: Parameters<UpdateOne>): void {
    const [config, step, w, g, m, v, { l1, l2, clipAtZero }, live] = args;
    // TensorFlow Playground's zero crossing (a live mask) is the reference loop's.
    if (config.kind !== 'adam' || !(g instanceof Float32Array) || !v || clipAtZero || (live !== undefined && live.length > 0)) return super.updateParameter(...args);
    const n = w.length;
    const k = this.kernels;
    const [wAt, gAt, mAt, vAt] = k.regions(n, n, n, n);
    k.write(wAt, w);
    k.write(gAt, g);
    k.write(mAt, m);
    k.write(vAt, v);
    // Adam's bias corrections use t = step + 1 (as updateParameter).
    const t = step + 1;
    k.exports.adam(wAt, gAt, mAt, vAt, n, config.learningRate, config.beta1, config.beta2, config.epsilon, 1 - Math.pow(config.beta1, t), 1 - Math.pow(config.beta2, t), l1, 2 * l2);
    const heap = k.heap;
    w.set(heap.subarray(wAt >> 2, (wAt >> 2) + n));
    m.set(heap.subarray(mAt >> 2, (mAt >> 2) + n));
    v.set(heap.subarray(vAt >> 2, (vAt >> 2) + n));
  }

  override conv2d(x: TensorHandle, w: TensorHandle, info: Conv2DInfo, bias?: TensorHandle, activation?: ActivationKind): TensorHandle {
    return conv.conv2d(this.kernels, this.pool, cpu(x, 'conv2d', 'x'), cpu(w, 'conv2d', 'w'), info, bias && cpu(bias, 'conv2d', 'bias'), activation);
  }

  override conv2dBackpropInput(dy: TensorHandle, w: TensorHandle, xShape: Shape, info: Conv2DInfo): TensorHandle {
    const k = 'conv2dBackpropInput';
    checkShape(xShape, k);
    return conv.conv2dBackpropInput(this.kernels, this.pool, cpu(dy, k, 'dy'), cpu(w, k, 'w'), xShape, info);
  }

  override conv2dBackpropFilter(x: TensorHandle, dy: TensorHandle, wShape: Shape, info: Conv2DInfo): TensorHandle {
    const k = 'conv2dBackpropFilter';
    checkShape(wShape, k);
    return conv.conv2dBackpropFilter(this.kernels, this.pool, cpu(x, k, 'x'), cpu(dy, k, 'dy'), wShape, info);
  }
}

/**
 * Loads the kernels (relaxed SIMD where the engine has it, unless `allowRelaxed` is false; worker threads
 * where the page is cross-origin isolated, or `threads` of them).
 */
export async function createWasmBackend(options: WasmKernelOptions = {}): Promise<WasmBackend> {
  return new WasmBackend(await loadWasmKernels(options));
}
