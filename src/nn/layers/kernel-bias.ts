// The kernel-and-bias parameters that Dense and Conv2D share: Keras's initializers, regularizers and order.
import * as ops from '../../engine/ops';
import type { Rng } from '../../engine/random';
import { checkInitializer, initialValues, type InitializerName } from '../initializers';
import { checkRegularizer, type RegularizerConfig } from '../regularizers';
import type { Param } from './layer';

/** The options Dense and Conv2D take for their kernel and bias (Keras names and defaults). */
export interface KernelBiasOptions {
  useBias?: boolean;
  kernelInitializer?: InitializerName;
  biasInitializer?: InitializerName;
  kernelRegularizer?: RegularizerConfig;
  biasRegularizer?: RegularizerConfig;
}

export interface KernelBiasConfig {
  useBias: boolean;
  kernelInitializer: InitializerName;
  biasInitializer: InitializerName;
  kernelRegularizer: RegularizerConfig | undefined;
  biasRegularizer: RegularizerConfig | undefined;
}

/** Validate the options (errors name `where`) and fill Keras's defaults: glorot-uniform kernel, zero bias. */
export function readKernelBias(options: KernelBiasOptions, where: string): KernelBiasConfig {
  checkRegularizer(options.kernelRegularizer, `${where}: kernelRegularizer`);
  checkRegularizer(options.biasRegularizer, `${where}: biasRegularizer`);
  return {
    useBias: options.useBias ?? true,
    kernelInitializer: checkInitializer(options.kernelInitializer ?? 'glorotUniform', `${where}: kernelInitializer`),
    biasInitializer: checkInitializer(options.biasInitializer ?? 'zeros', `${where}: biasInitializer`),
    kernelRegularizer: options.kernelRegularizer,
    biasRegularizer: options.biasRegularizer,
  };
}

/** The config entries for serialization (regularizers only when set). */
export function kernelBiasJSON(config: KernelBiasConfig): Record<string, unknown> {
  return {
    useBias: config.useBias,
    kernelInitializer: config.kernelInitializer,
    biasInitializer: config.biasInitializer,
    ...(config.kernelRegularizer && { kernelRegularizer: config.kernelRegularizer }),
    ...(config.biasRegularizer && { biasRegularizer: config.biasRegularizer }),
  };
}

/** `kernel` of `kernelShape`, then (with useBias) `bias` of [units], drawn from `rng` in that order. */
export function createKernelAndBias(config: KernelBiasConfig, kernelShape: number[], units: number, rng: Rng): Param[] {
  const param = (name: string, shape: number[], init: InitializerName, reg: RegularizerConfig | undefined): Param => ({
    name,
    variable: ops.variable(ops.tensor(initialValues(init, shape, rng), shape)),
    regularization: checkRegularizer(reg, `${name}Regularizer`),
  });
  const params = [param('kernel', kernelShape, config.kernelInitializer, config.kernelRegularizer)];
  if (config.useBias) params.push(param('bias', [units], config.biasInitializer, config.biasRegularizer));
  return params;
}
