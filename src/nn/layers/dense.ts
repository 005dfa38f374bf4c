// Fully connected layer: y = act(x·W + b), one fused matmul kernel (bias and activation in its epilogue).
import * as ops from '../../engine/ops';
import type { Tensor } from '../../engine/tensor';
import { checkActivation, type Activation } from '../activations';
import { formatShape } from '../host-array';
import { createKernelAndBias, kernelBiasJSON, readKernelBias, type KernelBiasConfig, type KernelBiasOptions } from './kernel-bias';
import { checkPositiveInt, Layer, type BaseLayerOptions, type BuildContext, type Param } from './layer';

export interface DenseOptions extends BaseLayerOptions, KernelBiasOptions {
  units: number;
  activation?: Activation;
}

export class Dense extends Layer {
  readonly type = 'Dense';
  readonly baseName = 'dense';
  readonly units: number;
  private readonly act: Activation;
  readonly kernelBias: KernelBiasConfig;

  constructor(options: DenseOptions) {
    super(options);
    const where = `dense${options.name ? ` "${options.name}"` : ''}`;
    this.units = checkPositiveInt(options.units, `${where}: units`);
    this.act = checkActivation(options.activation, where);
    this.kernelBias = readKernelBias(options, where);
  }

  override get activation(): Activation {
    return this.act;
  }

  computeOutputShape(inputShape: number[]): number[] {
    if (inputShape.length !== 1) {
      this.fail(`expects a 1-D input per example, got ${formatShape([null, ...inputShape])}; add layers.flatten() before it`);
    }
    return [this.units];
  }

  protected override createParams(inputShape: number[], ctx: BuildContext): Param[] {
    const kernelShape = [inputShape[0], this.units];
    return createKernelAndBias(this.kernelBias, kernelShape, this.units, ctx.rng);
  }

  call(x: Tensor): Tensor {
    if (this.act === 'softmax') return ops.softmax(this.preActivation(x));
    return ops.matmul(x, this.params[0].variable, false, false, this.params[1]?.variable, this.act);
  }

  override preActivation(x: Tensor): Tensor {
    return ops.matmul(x, this.params[0].variable, false, false, this.params[1]?.variable);
  }

  getConfig(): Record<string, unknown> {
    return {
      ...this.baseConfig(),
      units: this.units,
      activation: this.act,
      ...kernelBiasJSON(this.kernelBias),
    };
  }
}

