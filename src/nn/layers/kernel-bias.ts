// The kernel-and-bias parameters that Dense and Conv2D share: Keras's initializers, regularizers and order.
import * as ops from '../../engine/ops';
import type { Rng } from '../../engine/random';
import { initialValues, type InitializerName } from '../initializers';
import { checkRegularizer, type RegularizerConfig } from '../regularizers';
import type { Param } from './layer';

export interface KernelBiasConfig {
  useBias: boolean;
  kernelInitializer: InitializerName;
  biasInitializer: InitializerName;
  kernelRegularizer: RegularizerConfig | undefined;
  biasRegularizer: RegularizerConfig | undefined;
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
