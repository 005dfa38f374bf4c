// Convolution as im2col + the WebAssembly GEMM. The patch matrix P [batch·outH·outW, kh·kw·inC] (one row
// per output pixel, zeros where a tap falls in the padding) is written straight into linear memory; then
//   conv2d               y  = P · W            (W as [kh·kw·inC, outC])
//   conv2dBackpropFilter dW = Pᵀ · dy
//   conv2dBackpropInput  dP = dy · Wᵀ, scattered back onto the input pixels (col2im).
// Geometry and argument checks are the CPU reference's (cpu/conv.ts).
import type { ActivationKind, Conv2DInfo, Shape } from '../backend';
import { checkDy, geometry, type ConvGeometry } from '../cpu/conv';
import type { ArrayPool } from '../cpu/array-pool';
import { CpuTensor, fmt } from '../cpu/cpu-tensor';
import { checkActivation } from '../cpu/elementwise';
import { gemm } from './gemm';
import type { WasmKernels } from './wasm-kernels';

/**
 * visit(row, column, xBase) for every output pixel (row of P) and kernel tap (P's columns column …
 * column + inC − 1): xBase is the offset of the input pixel's channels, −1 when the tap is in the padding.
 */
function forEachPatch(g: ConvGeometry, visit: (row: number, column: number, xBase: number) => void): void {
  const { batch, inH, inW, inC, kh, kw, sh, sw, rows, cols } = g;
  let row = 0;
  for (let n = 0; n < batch; n++) {
    for (let oy = 0; oy < rows.out; oy++) {
      for (let ox = 0; ox < cols.out; ox++, row++) {
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * sh - rows.padBefore + ky;
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox * sw - cols.padBefore + kx;
            const inside = iy >= 0 && iy < inH && ix >= 0 && ix < inW;
            visit(row, (ky * kw + kx) * inC, inside ? ((n * inH + iy) * inW + ix) * inC : -1);
          }
        }
      }
    }
  }
}

const patchRows = (g: ConvGeometry): number => g.batch * g.rows.out * g.cols.out;
const patchWidth = (g: ConvGeometry): number => g.kh * g.kw * g.inC;

/** Writes P for input `x` at float index `at` of `heap`. */
function im2col(g: ConvGeometry, x: Float32Array) {
  const width = patchWidth(g);
  const inC = g.inC;
  return (heap: Float32Array, at: number): void => {
    forEachPatch(g, (row, column, xBase) => {
      const dst = at + row * width + column;
      if (xBase < 0) heap.fill(0, dst, dst + inC);
      else for (let c = 0; c < inC; c++) heap[dst + c] = x[xBase + c];
    });
  };
}

export function conv2d(kernels: WasmKernels, pool: ArrayPool, x: CpuTensor, w: CpuTensor, info: Conv2DInfo, bias?: CpuTensor, activation?: ActivationKind): CpuTensor {
  const g = geometry(x.shape, w.shape, info, 'conv2d');
  if (bias && (bias.shape.length !== 1 || bias.shape[0] !== g.outC)) throw new Error(`conv2d: bias ${fmt(bias.shape)} does not match ${g.outC} output channels`);
  const act = checkActivation(activation ?? 'linear', 'conv2d');
  const m = patchRows(g);
  const at = gemm(kernels, { m, n: g.outC, k: patchWidth(g), transposeA: false, transposeB: false }, im2col(g, x.data), w.data, bias?.data, act);
  return new CpuTensor([g.batch, g.rows.out, g.cols.out, g.outC], kernels.readInto(at * 4, pool.take(m * g.outC)));
}

export function conv2dBackpropFilter(kernels: WasmKernels, pool: ArrayPool, x: CpuTensor, dy: CpuTensor, wShape: Shape, info: Conv2DInfo): CpuTensor {
  const g = geometry(x.shape, wShape, info, 'conv2dBackpropFilter');
  checkDy(dy, g, 'conv2dBackpropFilter');
  const k = patchWidth(g);
  const at = gemm(kernels, { m: k, n: g.outC, k: patchRows(g), transposeA: true, transposeB: false }, im2col(g, x.data), dy.data);
  return new CpuTensor(wShape.slice(), kernels.readInto(at * 4, pool.take(k * g.outC)));
}

export function conv2dBackpropInput(kernels: WasmKernels, pool: ArrayPool, dy: CpuTensor, w: CpuTensor, xShape: Shape, info: Conv2DInfo): CpuTensor {
  const g = geometry(xShape, w.shape, info, 'conv2dBackpropInput');
  checkDy(dy, g, 'conv2dBackpropInput');
  const width = patchWidth(g);
  const at = gemm(kernels, { m: patchRows(g), n: width, k: g.outC, transposeA: false, transposeB: true }, dy.data, w.data);
  const heap = kernels.heap;
  const dx = pool.zeros(g.batch * g.inH * g.inW * g.inC);
  const inC = g.inC;
  forEachPatch(g, (row, column, xBase) => {
    if (xBase < 0) return;
    const src = at + row * width + column;
    for (let c = 0; c < inC; c++) dx[xBase + c] += heap[src + c];
  });
  return new CpuTensor(xShape.slice(), dx);
}
