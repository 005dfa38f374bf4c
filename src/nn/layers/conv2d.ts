// 2-D convolution over NHWC images with a [kh, kw, inC, outC] kernel (Keras's layout), then bias and activation,
// fused into the convolution kernel's epilogue as in Dense.
import type { Conv2DInfo } from '../../engine/backend/backend';
import * as ops from '../../engine/ops';
import { convOutSize } from '../../engine/shape';
import type { Tensor } from '../../engine/tensor';
import { checkActivation, type Activation } from '../activations';
import { formatShape } from '../host-array';
import { createKernelAndBias, kernelBiasJSON, readKernelBias, type KernelBiasConfig, type KernelBiasOptions } from './kernel-bias';
import { checkPadding, checkPair, checkPositiveInt, Layer, type BaseLayerOptions, type BuildContext, type Param } from './layer';

export interface Conv2DOptions extends BaseLayerOptions, KernelBiasOptions {
  filters: number;
  kernelSize: number | [number, number];
  strides?: number | [number, number];
  padding?: 'valid' | 'same';
  activation?: Activation;
}

export class Conv2D extends Layer {
  readonly type = 'Conv2D';
  readonly baseName = 'conv2d';
  readonly filters: number;
  readonly kernelSize: [number, number];
  readonly info: Conv2DInfo;
  private readonly act: Activation;
  readonly kernelBias: KernelBiasConfig;

  constructor(options: Conv2DOptions) {
    super(options);
    const where = `conv2d${options.name ? ` "${options.name}"` : ''}`;
    this.filters = checkPositiveInt(options.filters, `${where}: filters`);
    this.kernelSize = checkPair(options.kernelSize, `${where}: kernelSize`);
    this.info = { strides: checkPair(options.strides ?? 1, `${where}: strides`), padding: checkPadding(options.padding, `${where}: padding`) };
    this.act = checkActivation(options.activation, where);
    this.kernelBias = readKernelBias(options, where);
  }

  override get activation(): Activation {
    return this.act;
  }

  computeOutputShape(inputShape: number[]): number[] {
    if (inputShape.length !== 3) this.fail(`expects images [height, width, channels] per example, got ${formatShape([null, ...inputShape])}`);
    const [h, w] = inputShape;
    const [kh, kw] = this.kernelSize;
    const [sh, sw] = this.info.strides;
    const oh = convOutSize(h, kh, sh, this.info.padding);
    const ow = convOutSize(w, kw, sw, this.info.padding);
    if (oh < 1 || ow < 1) this.fail(`kernel ${kh}×${kw} with 'valid' padding does not fit a ${h}×${w} input`);
    return [oh, ow, this.filters];
  }

  protected override createParams(inputShape: number[], ctx: BuildContext): Param[] {
    const kernelShape = [...this.kernelSize, inputShape[2], this.filters];
    return createKernelAndBias(this.kernelBias, kernelShape, this.filters, ctx.rng);
  }

  call(x: Tensor): Tensor {
    if (this.act === 'softmax') return ops.softmax(this.preActivation(x));
    return ops.conv2d(x, this.params[0].variable, this.info, this.params[1]?.variable, this.act);
  }

  override preActivation(x: Tensor): Tensor {
    return ops.conv2d(x, this.params[0].variable, this.info, this.params[1]?.variable);
  }

  getConfig(): Record<string, unknown> {
    return {
      ...this.baseConfig(),
      filters: this.filters,
      kernelSize: this.kernelSize,
      strides: this.info.strides,
      padding: this.info.padding,
      activation: this.act,
      ...kernelBiasJSON(this.kernelBias),
    };
  }
}
