// The `layers` namespace (Keras's constructors in TensorFlow.js spelling) and rebuilding a layer from its config.
import { Conv2D, type Conv2DOptions } from './conv2d';
import { Dense, type DenseOptions } from './dense';
import type { BaseLayerOptions, Layer } from './layer';
import { AveragePooling2D, MaxPooling2D, type Pooling2DOptions } from './pooling';
import { ActivationLayer, Dropout, Flatten, InputLayer, type DropoutOptions } from './simple';
import type { Activation } from '../activations';

export { Layer } from './layer';
export type { Param, ForwardContext } from './layer';
export { Dense, Conv2D, MaxPooling2D, AveragePooling2D, InputLayer, Flatten, Dropout, ActivationLayer };
export type { DenseOptions, Conv2DOptions, Pooling2DOptions, DropoutOptions };

export const layers = {
  input: (options: { shape: number[]; name?: string }) => new InputLayer(options),
  dense: (options: DenseOptions) => new Dense(options),
  conv2d: (options: Conv2DOptions) => new Conv2D(options),
  maxPooling2d: (options: Pooling2DOptions = {}) => new MaxPooling2D(options),
  averagePooling2d: (options: Pooling2DOptions = {}) => new AveragePooling2D(options),
  flatten: (options: BaseLayerOptions = {}) => new Flatten(options),
  dropout: (options: DropoutOptions) => new Dropout(options),
  activation: (options: BaseLayerOptions & { activation: Activation }) => new ActivationLayer(options),
};

const FROM_CONFIG: Record<string, (config: never) => Layer> = {
  InputLayer: (c: { shape: number[]; name?: string }) => new InputLayer(c),
  Dense: (c: DenseOptions) => new Dense(c),
  Conv2D: (c: Conv2DOptions) => new Conv2D(c),
  MaxPooling2D: (c: Pooling2DOptions) => new MaxPooling2D(c),
  AveragePooling2D: (c: Pooling2DOptions) => new AveragePooling2D(c),
  Flatten: (c: BaseLayerOptions) => new Flatten(c),
  Dropout: (c: DropoutOptions) => new Dropout(c),
  Activation: (c: BaseLayerOptions & { activation: Activation }) => new ActivationLayer(c),
};

export function layerFromConfig(type: unknown, config: unknown): Layer {
  const make = typeof type === 'string' ? FROM_CONFIG[type] : undefined;
  if (!make) throw new Error(`fromJSON: unknown layer type ${JSON.stringify(type)}; expected one of ${Object.keys(FROM_CONFIG).join(', ')}`);
  return make(config as never);
}
