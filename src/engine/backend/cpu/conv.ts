// 2-D convolution, NHWC input, [kh, kw, inC, outC] kernel, TensorFlow's VALID/SAME padding
// (SAME puts the odd extra pixel at the bottom/right), and its two gradients.
import type { ActivationKind, Conv2DInfo, Padding, Shape } from '../backend';
import type { ArrayPool } from './array-pool';
import { activationFn } from './elementwise';
import { convOutSize, samePadBefore } from '../../shape';
import { CpuTensor, fmt, sameShape } from './cpu-tensor';

/** Output size and top/left padding of one spatial axis. */
export interface AxisGeometry {
  out: number;
  padBefore: number;
}

export function axisGeometry(inSize: number, kernel: number, stride: number, padding: Padding, kernelName: string): AxisGeometry {
  if (!Number.isInteger(stride) || stride < 1) throw new Error(`${kernelName}: strides must be positive integers, got ${stride}`);
  if (padding !== 'valid' && padding !== 'same') throw new Error(`${kernelName}: padding must be 'valid' or 'same', got "${padding}"`);
  if (padding === 'valid' && kernel > inSize) {
    throw new Error(`${kernelName}: window ${kernel} is larger than the input ${inSize} with 'valid' padding`);
  }
  return {
    out: convOutSize(inSize, kernel, stride, padding),
    padBefore: padding === 'same' ? samePadBefore(inSize, kernel, stride) : 0,
  };
}

export interface ConvGeometry {
  batch: number;
  inH: number;
  inW: number;
  inC: number;
  outC: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  rows: AxisGeometry;
  cols: AxisGeometry;
}

export function geometry(xShape: Shape, wShape: Shape, info: Conv2DInfo, kernel: string): ConvGeometry {
  if (xShape.length !== 4 || wShape.length !== 4) {
    throw new Error(`${kernel}: expected NHWC input and [kh, kw, inC, outC] kernel, got ${fmt(xShape)} and ${fmt(wShape)}`);
  }
  const [batch, inH, inW, inC] = xShape;
  const [kh, kw, kc, outC] = wShape;
  if (kc !== inC) throw new Error(`${kernel}: input ${fmt(xShape)} has ${inC} channels, kernel ${fmt(wShape)} expects ${kc}`);
  const [sh, sw] = info.strides;
  return {
    batch, inH, inW, inC, outC, kh, kw, sh, sw,
    rows: axisGeometry(inH, kh, sh, info.padding, kernel),
    cols: axisGeometry(inW, kw, sw, info.padding, kernel),
  };
}

/**
 * Calls visit(xBase, wBase, yBase) for every (batch, output pixel, kernel tap) whose input pixel lies
 * inside the image: xBase is the offset of that input pixel's channels, wBase of the tap's [inC, outC]
 * block, yBase of the output pixel's channels. All three kernels below are sums over these triples.
 */
function forEachTap(g: ConvGeometry, visit: (xBase: number, wBase: number, yBase: number) => void): void {
  const { batch, inH, inW, inC, outC, kh, kw, sh, sw, rows, cols } = g;
  for (let n = 0; n < batch; n++) {
    for (let oy = 0; oy < rows.out; oy++) {
      for (let ox = 0; ox < cols.out; ox++) {
        const yBase = ((n * rows.out + oy) * cols.out + ox) * outC;
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * sh - rows.padBefore + ky;
          if (iy < 0 || iy >= inH) continue;
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox * sw - cols.padBefore + kx;
            if (ix < 0 || ix >= inW) continue;
            visit(((n * inH + iy) * inW + ix) * inC, (ky * kw + kx) * inC * outC, yBase);
          }
        }
      }
    }
  }
}

/** With the matmul's epilogue: + bias[o], then the activation. */
export function conv2d(pool: ArrayPool, x: CpuTensor, w: CpuTensor, info: Conv2DInfo, bias?: CpuTensor, activation?: ActivationKind): CpuTensor {
  const g = geometry(x.shape, w.shape, info, 'conv2d');
  const { inC, outC } = g;
  if (bias && (bias.shape.length !== 1 || bias.shape[0] !== outC)) throw new Error(`conv2d: bias ${fmt(bias.shape)} does not match ${outC} output channels`);
  const act = activationFn(activation ?? 'linear', 'conv2d');
  const size = g.batch * g.rows.out * g.cols.out * outC;
  const acc = pool.accumulator(size);
  const xd = x.data;
  const wd = w.data;
  forEachTap(g, (xBase, wBase, yBase) => {
    for (let c = 0; c < inC; c++) {
      const xv = xd[xBase + c];
      const wRow = wBase + c * outC;
      for (let o = 0; o < outC; o++) acc[yBase + o] += xv * wd[wRow + o];
    }
  });
  const out = pool.take(size);
  for (let i = 0; i < size; i++) out[i] = act(bias ? acc[i] + bias.data[i % outC] : acc[i]);
  return new CpuTensor([g.batch, g.rows.out, g.cols.out, outC], out);
}

export function checkDy(dy: CpuTensor, g: ConvGeometry, kernel: string): void {
  const expected = [g.batch, g.rows.out, g.cols.out, g.outC];
  if (!sameShape(dy.shape, expected)) throw new Error(`${kernel}: dy is ${fmt(dy.shape)}, expected the conv2d output shape ${fmt(expected)}`);
}

export function conv2dBackpropInput(pool: ArrayPool, dy: CpuTensor, w: CpuTensor, xShape: Shape, info: Conv2DInfo): CpuTensor {
  const g = geometry(xShape, w.shape, info, 'conv2dBackpropInput');
  checkDy(dy, g, 'conv2dBackpropInput');
  const { inC, outC } = g;
  const size = g.batch * g.inH * g.inW * inC;
  const acc = pool.accumulator(size);
  const dyd = dy.data;
  const wd = w.data;
  forEachTap(g, (xBase, wBase, yBase) => {
    for (let c = 0; c < inC; c++) {
      const wRow = wBase + c * outC;
      let s = 0;
      for (let o = 0; o < outC; o++) s += dyd[yBase + o] * wd[wRow + o];
      acc[xBase + c] += s;
    }
  });
  return new CpuTensor(xShape.slice(), pool.rounded(acc, size));
}

export function conv2dBackpropFilter(pool: ArrayPool, x: CpuTensor, dy: CpuTensor, wShape: Shape, info: Conv2DInfo): CpuTensor {
  const g = geometry(x.shape, wShape, info, 'conv2dBackpropFilter');
  checkDy(dy, g, 'conv2dBackpropFilter');
  const { inC, outC } = g;
  const size = g.kh * g.kw * inC * outC;
  const acc = pool.accumulator(size);
  const xd = x.data;
  const dyd = dy.data;
  forEachTap(g, (xBase, wBase, yBase) => {
    for (let c = 0; c < inC; c++) {
      const xv = xd[xBase + c];
      const wRow = wBase + c * outC;
      for (let o = 0; o < outC; o++) acc[wRow + o] += xv * dyd[yBase + o];
    }
  });
  return new CpuTensor(wShape.slice(), pool.rounded(acc, size));
}
