// One convolution filter worked by hand, for the step-through view: the window of the input under the kernel
// at one output position, the products and their sum (the course's f11 = p11·a11 + … + p33·a33), the feature
// map the filter makes, and the pooling window that holds a position. Single-channel input (the lessons'
// grey-scale images), stride 1, Keras's 'valid' or 'same' padding (TensorFlow's: the extra pixel after).

export interface ConvFilter {
  /** Kernel [kh, kw, 1, filters] row-major, as the engine stores it. */
  kernel: ArrayLike<number>;
  kh: number;
  kw: number;
  filters: number;
  bias: ArrayLike<number>;
  padding: 'valid' | 'same';
}

export interface Window {
  /** kh × kw input values under the kernel (0 outside the image with 'same' padding). */
  inputs: number[];
  weights: number[];
  products: number[];
  /** Σ products + bias: the pre-activation. */
  sum: number;
}

function pads(f: ConvFilter): [number, number] {
  return f.padding === 'same' ? [Math.floor((f.kh - 1) / 2), Math.floor((f.kw - 1) / 2)] : [0, 0];
}

export function featureMapSize(f: ConvFilter, height: number, width: number): [number, number] {
  return f.padding === 'same' ? [height, width] : [height - f.kh + 1, width - f.kw + 1];
}

/** The window of filter `filter` at output position (row, col). */
export function convWindow(f: ConvFilter, filter: number, image: ArrayLike<number>, height: number, width: number, row: number, col: number): Window {
  const [pt, pl] = pads(f);
  const inputs: number[] = [], weights: number[] = [], products: number[] = [];
  let sum = f.bias[filter];
  for (let i = 0; i < f.kh; i++) {
    for (let j = 0; j < f.kw; j++) {
      const y = row + i - pt, x = col + j - pl;
      const a = y >= 0 && y < height && x >= 0 && x < width ? image[y * width + x] : 0;
      const p = f.kernel[(i * f.kw + j) * f.filters + filter];
      inputs.push(a);
      weights.push(p);
      products.push(p * a);
      sum += p * a;
    }
  }
  return { inputs, weights, products, sum };
}

/** The filter's whole feature map (pre-activation), row-major. */
export function featureMap(f: ConvFilter, filter: number, image: ArrayLike<number>, height: number, width: number): Float32Array {
  const [oh, ow] = featureMapSize(f, height, width);
  const out = new Float32Array(oh * ow);
  for (let r = 0; r < oh; r++) for (let c = 0; c < ow; c++) out[r * ow + c] = convWindow(f, filter, image, height, width, r, c).sum;
  return out;
}

/** The size×size pooling window (stride = size) that holds (row, col): its top-left corner. */
export function poolWindow(row: number, col: number, size = 2): [number, number] {
  return [Math.floor(row / size) * size, Math.floor(col / size) * size];
}
