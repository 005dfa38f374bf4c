// What every layer is: a named transformation of a batch (axis 0) with optional parameters.
// Shapes here exclude the batch axis, as Keras's config does.
import type { Regularization } from '../../engine/backend/backend';
import type { Rng } from '../../engine/random';
import type { Tensor } from '../../engine/tensor';
import type { Activation } from '../activations';

/** One trainable weight: Keras's name (`kernel`, `bias`), its device tensor, and its penalty. */
export interface Param {
  name: string;
  variable: Tensor;
  regularization: Regularization;
}

export interface ForwardContext {
  /** Dropout is active only while training. */
  training: boolean;
  /** The optimizer's step counter on the device: dropout draws a fresh mask per step from it. */
  step: Tensor;
}

export interface BuildContext {
  /** The model's initialization stream: layers draw their weights from it in order. */
  rng: Rng;
  /** A seed for per-step randomness (dropout) owned by this layer. */
  layerSeed: number;
}

/** Options every layer accepts. `inputShape` on the first layer stands in for a separate input layer (as in Keras). */
export interface BaseLayerOptions {
  name?: string;
  trainable?: boolean;
  inputShape?: number[];
}

export abstract class Layer {
  /** Keras's class name, e.g. 'Dense'. */
  abstract readonly type: string;
  /** The prefix of generated names, e.g. 'dense' → dense, dense_1, ... */
  abstract readonly baseName: string;
  /** Unique within its model; given by the user or by the model when added. */
  name: string;
  readonly explicitName: boolean;
  trainable: boolean;
  readonly declaredInputShape: number[] | null;
  params: Param[] = [];
  inputShape: number[] | null = null;
  outputShape: number[] | null = null;

  constructor(options: BaseLayerOptions) {
    this.name = options.name ?? '';
    this.explicitName = options.name !== undefined;
    if (options.name !== undefined && (typeof options.name !== 'string' || options.name === '')) {
      throw new Error(`layer name must be a non-empty string, got ${JSON.stringify(options.name)}`);
    }
    this.trainable = options.trainable ?? true;
    this.declaredInputShape = options.inputShape ? checkShape(options.inputShape, 'inputShape') : null;
  }

  /** The activation applied last ('linear' for layers without one). */
  get activation(): Activation {
    return 'linear';
  }

  get built(): boolean {
    return this.outputShape !== null;
  }

  /** Create weights for `inputShape` and return the output shape (both without the batch axis). */
  build(inputShape: number[], ctx: BuildContext): number[] {
    this.inputShape = inputShape.slice();
    this.outputShape = this.computeOutputShape(inputShape);
    this.params = this.createParams(inputShape, ctx);
    return this.outputShape;
  }

  /** The output shape for an input shape; throws naming the layer when the input does not fit. */
  abstract computeOutputShape(inputShape: number[]): number[];

  protected createParams(_inputShape: number[], _ctx: BuildContext): Param[] {
    return [];
  }

  /** The layer's output for a batch. */
  abstract call(x: Tensor, ctx: ForwardContext): Tensor;

  /** The output before `activation` (equal to `call` for layers without one). */
  preActivation(x: Tensor, ctx: ForwardContext): Tensor {
    return this.call(x, ctx);
  }

  /** Constructor options that rebuild this layer (plain JSON). */
  abstract getConfig(): Record<string, unknown>;

  protected baseConfig(): Record<string, unknown> {
    const config: Record<string, unknown> = { name: this.name, trainable: this.trainable };
    if (this.declaredInputShape) config.inputShape = this.declaredInputShape;
    return config;
  }

  protected fail(message: string): never {
    throw new Error(`${this.type} layer "${this.name || this.baseName}": ${message}`);
  }
}

export function checkShape(shape: unknown, arg: string): number[] {
  if (!Array.isArray(shape) || shape.length === 0 || shape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new Error(`${arg}: expected a non-empty list of positive integers (without the batch axis), got ${JSON.stringify(shape)}`);
  }
  return shape.slice();
}

export function checkPositiveInt(value: unknown, arg: string): number {
  if (!Number.isInteger(value) || (value as number) < 1) throw new Error(`${arg}: expected a positive integer, got ${JSON.stringify(value)}`);
  return value as number;
}

/** A size given as n or [h, w]. */
export function checkPair(value: unknown, arg: string): [number, number] {
  if (typeof value === 'number') return [checkPositiveInt(value, arg), value];
  if (Array.isArray(value) && value.length === 2) return [checkPositiveInt(value[0], arg), checkPositiveInt(value[1], arg)];
  throw new Error(`${arg}: expected a positive integer or [height, width], got ${JSON.stringify(value)}`);
}

export function checkPadding(value: unknown, arg: string): 'valid' | 'same' {
  if (value === undefined) return 'valid';
  if (value === 'valid' || value === 'same') return value;
  throw new Error(`${arg}: expected 'valid' or 'same', got ${JSON.stringify(value)}`);
}
