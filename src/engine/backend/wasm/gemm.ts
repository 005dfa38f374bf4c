// op(A)·op(B) (+ bias) on the WebAssembly micro-kernel, for host arrays or for operands written straight
// into linear memory (convolution's patch matrix), so nothing is staged twice.
import type { ActivationKind } from '../backend';
import { activate } from '../cpu/elementwise';
import type { WasmKernels } from './wasm-kernels';

/** A host array, or a writer that fills the operand's floats in `heap` from float index `at`. */
export type Operand = Float32Array | ((heap: Float32Array, at: number) => void);

export interface GemmDims {
  m: number;
  n: number;
  k: number;
  transposeA: boolean;
  transposeB: boolean;
}

/**
 * C [m, n] = activation(op(A)·op(B) (+ bias[n] per row)), left in linear memory: the returned float index is
 * where C starts in `kernels.heap` and stays valid until the next kernel call. `activation` must be checked
 * (checkActivation) by the caller, which names the op in its message.
 */
export function gemm(kernels: WasmKernels, d: GemmDims, a: Operand, b: Operand, bias?: Float32Array, activation: ActivationKind = 'linear'): number {
  const { m, n, k, transposeA, transposeB } = d;
  const scratch = kernels.matmulScratchBytes() / 4;
  const [aAt, bAt, cAt, biasAt, scratchAt] = kernels.regions(m * k, k * n, m * n, bias ? n : 0, scratch);
  const put = (operand: Operand, at: number): void => {
    if (typeof operand === 'function') operand(kernels.heap, at >> 2);
    else kernels.write(at, operand);
  };
  put(a, aAt);
  put(b, bAt);
  // Element (i, p) of op(A) sits at i·aRow + p·aCol; element (p, j) of op(B) at p·bRow + j·bCol.
  const [aRow, aCol] = transposeA ? [1, m] : [k, 1];
  const [bRow, bCol] = transposeB ? [1, k] : [n, 1];
  kernels.matmul(aAt, aRow, aCol, bAt, bRow, bCol, cAt, m, n, k, scratchAt);
  if (bias) {
    kernels.write(biasAt, bias);
    kernels.exports.addBias(cAt, biasAt, m, n);
  }
  const c = cAt >> 2;
  // ReLU, the hidden layers' usual activation, in WebAssembly: the host loop cost ~3 % of an MNIST MLP step.
  if (activation === 'relu') kernels.exports.relu(cAt, m * n);
  else if (activation !== 'linear') {
    const heap = kernels.heap;
    for (let i = c; i < c + m * n; i++) heap[i] = activate(activation, heap[i]);
  }
  return c;
}
