// Max and average pooling over NHWC images (poolSize default 2, strides default poolSize, as Keras).
import type { Pool2DInfo } from '../../engine/backend/backend';
import * as ops from '../../engine/ops';
import { convOutSize } from '../../engine/shape';
import type { Tensor } from '../../engine/tensor';
import { formatShape } from '../host-array';
import { checkPadding, checkPair, Layer, type BaseLayerOptions } from './layer';

export interface Pooling2DOptions extends BaseLayerOptions {
  poolSize?: number | [number, number];
  strides?: number | [number, number];
  padding?: 'valid' | 'same';
}

abstract class Pooling2D extends Layer {
  readonly info: Pool2DInfo;

  constructor(kind: 'max' | 'avg', options: Pooling2DOptions) {
    super(options);
    const where = `${kind === 'max' ? 'maxPooling2d' : 'averagePooling2d'}${options.name ? ` "${options.name}"` : ''}`;
    const poolSize = checkPair(options.poolSize ?? 2, `${where}: poolSize`);
    this.info = {
      type: kind,
      poolSize,
      strides: checkPair(options.strides ?? poolSize, `${where}: strides`),
      padding: checkPadding(options.padding, `${where}: padding`),
    };
  }

  computeOutputShape(inputShape: number[]): number[] {
    if (inputShape.length !== 3) this.fail(`expects images [height, width, channels] per example, got ${formatShape([null, ...inputShape])}`);
    const [h, w, c] = inputShape;
    const oh = convOutSize(h, this.info.poolSize[0], this.info.strides[0], this.info.padding);
    const ow = convOutSize(w, this.info.poolSize[1], this.info.strides[1], this.info.padding);
    if (oh < 1 || ow < 1) this.fail(`pool ${this.info.poolSize.join('×')} with 'valid' padding does not fit a ${h}×${w} input`);
    return [oh, ow, c];
  }

  call(x: Tensor): Tensor {
    return ops.pool2d(x, this.info);
  }

  getConfig(): Record<string, unknown> {
    return { ...this.baseConfig(), poolSize: this.info.poolSize, strides: this.info.strides, padding: this.info.padding };
  }
}

export class MaxPooling2D extends Pooling2D {
  readonly type = 'MaxPooling2D';
  readonly baseName = 'max_pooling2d';
  constructor(options: Pooling2DOptions = {}) {
    super('max', options);
  }
}

export class AveragePooling2D extends Pooling2D {
  readonly type = 'AveragePooling2D';
  readonly baseName = 'average_pooling2d';
  constructor(options: Pooling2DOptions = {}) {
    super('avg', options);
  }
}
