// 2-D max/avg pooling, NHWC. Padded positions are skipped, as in TensorFlow: max over the valid
// window elements, and avg divides by the number of valid elements, not the window size.
import type { Pool2DInfo, Shape } from '../backend';
import type { ArrayPool } from './array-pool';
import { shapeSize } from '../../shape';
import { axisGeometry, type AxisGeometry } from './conv';
import { CpuTensor, fmt, sameShape } from './cpu-tensor';

interface PoolGeometry {
  inShape: Shape;
  outShape: number[];
  rows: AxisGeometry;
  cols: AxisGeometry;
}

/** Validated window geometry of a pooling (shared with the WebGPU backend). */
export function poolWindow(shape: Shape, info: Pool2DInfo, kernel: string): PoolGeometry {
  if (shape.length !== 4) throw new Error(`${kernel}: expected NHWC input, got ${fmt(shape)}`);
  if (info.type !== 'max' && info.type !== 'avg') throw new Error(`${kernel}: pooling type must be 'max' or 'avg', got "${info.type}"`);
  const [ph, pw] = info.poolSize;
  if (!Number.isInteger(ph) || !Number.isInteger(pw) || ph < 1 || pw < 1) {
    throw new Error(`${kernel}: poolSize must be positive integers, got [${info.poolSize.join(', ')}]`);
  }
  const rows = axisGeometry(shape[1], ph, info.strides[0], info.padding, kernel);
  const cols = axisGeometry(shape[2], pw, info.strides[1], info.padding, kernel);
  return { inShape: shape, outShape: [shape[0], rows.out, cols.out, shape[3]], rows, cols };
}

/**
 * Calls visit(window, outBase) per output pixel: `window` holds the channel offsets of the valid
 * (non-padded) input pixels in row-major window order (reused between calls), `outBase` the output's.
 */
function forEachWindow(g: PoolGeometry, info: Pool2DInfo, visit: (window: number[], outBase: number) => void): void {
  const [batch, inH, inW, channels] = g.inShape;
  const [ph, pw] = info.poolSize;
  const [sh, sw] = info.strides;
  const window: number[] = [];
  for (let n = 0; n < batch; n++) {
    for (let oy = 0; oy < g.rows.out; oy++) {
      for (let ox = 0; ox < g.cols.out; ox++) {
        window.length = 0;
        for (let ky = 0; ky < ph; ky++) {
          const iy = oy * sh - g.rows.padBefore + ky;
          if (iy < 0 || iy >= inH) continue;
          for (let kx = 0; kx < pw; kx++) {
            const ix = ox * sw - g.cols.padBefore + kx;
            if (ix >= 0 && ix < inW) window.push(((n * inH + iy) * inW + ix) * channels);
          }
        }
        visit(window, ((n * g.rows.out + oy) * g.cols.out + ox) * channels);
      }
    }
  }
}

export function pool2d(pool: ArrayPool, x: CpuTensor, info: Pool2DInfo): CpuTensor {
  const g = poolWindow(x.shape, info, `${info.type}Pool2d`);
  const channels = x.shape[3];
  const out = pool.zeros(shapeSize(g.outShape));
  const xd = x.data;
  const isMax = info.type === 'max';
  forEachWindow(g, info, (window, outBase) => {
    for (let c = 0; c < channels; c++) {
      let acc = isMax ? -Infinity : 0;
      for (const base of window) acc = isMax ? Math.max(acc, xd[base + c]) : acc + xd[base + c];
      out[outBase + c] = isMax ? acc : acc / window.length;
    }
  });
  return new CpuTensor(g.outShape, out);
}

export function pool2dBackward(pool: ArrayPool, dy: CpuTensor, x: CpuTensor, info: Pool2DInfo): CpuTensor {
  const kernel = `${info.type}Pool2dBackward`;
  const g = poolWindow(x.shape, info, kernel);
  if (!sameShape(dy.shape, g.outShape)) throw new Error(`${kernel}: dy is ${fmt(dy.shape)}, expected the pooling output shape ${fmt(g.outShape)}`);
  const channels = x.shape[3];
  const acc = pool.accumulator(x.size);
  const xd = x.data;
  const dyd = dy.data;
  forEachWindow(g, info, (window, outBase) => {
    for (let c = 0; c < channels; c++) {
      const d = dyd[outBase + c];
      if (info.type === 'max') {
        // The first maximum in window order takes the whole gradient.
        let best = window[0];
        for (const base of window) if (xd[base + c] > xd[best + c]) best = base;
        acc[best + c] += d;
      } else {
        for (const base of window) acc[base + c] += d / window.length;
      }
    }
  });
  return new CpuTensor(x.shape, pool.rounded(acc, x.size));
}
