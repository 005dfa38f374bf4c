// Layers without weights: input, flatten, dropout, activation.
import * as ops from '../../engine/ops';
import type { Tensor } from '../../engine/tensor';
import { applyActivation, checkActivation, type Activation } from '../activations';
import { checkShape, Layer, type BaseLayerOptions, type BuildContext, type ForwardContext } from './layer';

/** Declares the per-example input shape; shown by Keras's Sequential summary as no row at all. */
export class InputLayer extends Layer {
  readonly type = 'InputLayer';
  readonly baseName = 'input_layer';
  readonly shape: number[];

  constructor(options: { shape: number[]; name?: string }) {
    super({ name: options.name });
    this.shape = checkShape(options?.shape, `input${options.name ? ` "${options.name}"` : ''}: shape`);
  }

  computeOutputShape(): number[] {
    return this.shape.slice();
  }

  call(x: Tensor): Tensor {
    return x;
  }

  getConfig(): Record<string, unknown> {
    return { name: this.name, shape: this.shape };
  }
}

export class Flatten extends Layer {
  readonly type = 'Flatten';
  readonly baseName = 'flatten';

  computeOutputShape(inputShape: number[]): number[] {
    return [inputShape.reduce((n, d) => n * d, 1)];
  }

  call(x: Tensor): Tensor {
    return ops.reshape(x, [x.shape[0], -1]);
  }

  getConfig(): Record<string, unknown> {
    return this.baseConfig();
  }
}

export interface DropoutOptions extends BaseLayerOptions {
  rate: number;
  /** Fixes this layer's masks; by default they derive from the model's seed. */
  seed?: number;
}

/** Zeroes a `rate` fraction of its inputs while training (scaling the rest by 1/(1−rate)); identity otherwise. */
export class Dropout extends Layer {
  readonly type = 'Dropout';
  readonly baseName = 'dropout';
  readonly rate: number;
  readonly seed: number | undefined;
  private maskSeed = 0;

  constructor(options: DropoutOptions) {
    super(options);
    const where = `dropout${options.name ? ` "${options.name}"` : ''}`;
    if (typeof options?.rate !== 'number' || !(options.rate >= 0 && options.rate < 1)) {
      throw new Error(`${where}: rate must be a number in [0, 1), got ${JSON.stringify(options?.rate)}`);
    }
    if (options.seed !== undefined && !Number.isInteger(options.seed)) throw new Error(`${where}: seed must be an integer, got ${options.seed}`);
    this.rate = options.rate;
    this.seed = options.seed;
  }

  computeOutputShape(inputShape: number[]): number[] {
    return inputShape.slice();
  }

  protected override createParams(_inputShape: number[], ctx: BuildContext): [] {
    this.maskSeed = this.seed ?? ctx.layerSeed;
    return [];
  }

  call(x: Tensor, ctx: ForwardContext): Tensor {
    return ctx.training ? ops.dropout(x, this.rate, this.maskSeed, ctx.step) : x;
  }

  getConfig(): Record<string, unknown> {
    return { ...this.baseConfig(), rate: this.rate, ...(this.seed !== undefined && { seed: this.seed }) };
  }
}

export class ActivationLayer extends Layer {
  readonly type = 'Activation';
  readonly baseName = 'activation';
  private readonly act: Activation;

  constructor(options: BaseLayerOptions & { activation: Activation }) {
    super(options);
    this.act = checkActivation(options?.activation ?? 'missing', `activation${options.name ? ` "${options.name}"` : ''}`);
  }

  override get activation(): Activation {
    return this.act;
  }

  computeOutputShape(inputShape: number[]): number[] {
    return inputShape.slice();
  }

  call(x: Tensor): Tensor {
    return applyActivation(this.act, x);
  }

  override preActivation(x: Tensor): Tensor {
    return x;
  }

  getConfig(): Record<string, unknown> {
    return { ...this.baseConfig(), activation: this.act };
  }
}
