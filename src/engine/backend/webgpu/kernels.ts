// The kernel table: which WGSL file and entry point each kernel is, its override constants and its bindings,
// plus the integer codes the shaders switch on. The pipelines compile in the background with
// createComputePipelineAsync, firstKernels first (see pipeline-cache.ts); the backend is ready once those
// are. Kernels generated at run time (the grid's, see grid-shader.ts) compile on first use instead, through
// the executor's cache.
import type { ActivationKind, BinaryOp, LossKind, OptimizerKind, UnaryOp } from '../backend';
import { stats } from '../../stats';
import { FILE_LAYOUTS } from './layouts';
import type { ShaderFile } from './shaders';
import { structsWgsl } from './struct-layout';
import { tableConstants } from './dense-table';

export interface KernelSpec {
  file: ShaderFile;
  entry: string;
  constants?: Record<string, number>;
  /** Binding 0 is a uniform parameter block. */
  uniform: boolean;
  /** Storage binding numbers, in the order the backend passes buffers. */
  storage: number[];
}

const matmul = (entry: 'matmul_small' | 'matmul_blocked', transA: number, transB: number): KernelSpec => ({
  file: 'matmul',
  entry,
  constants: { TRANS_A: transA, TRANS_B: transB },
  uniform: true,
  storage: [1, 2, 3, 4],
});

export const ACTIVATION_CODES: Record<ActivationKind, number> = {
  linear: 0, relu: 1, leaky_relu: 2, elu: 3, sigmoid: 4, tanh: 5, softplus: 6, swish: 7, step: 8,
};

/**
 * Softmax over a layer's units, in the kernels that see a whole layer at once (the grid kernels, the fused
 * dense step); not an element-wise kind, so `activate` never sees it.
 */
export const SOFTMAX_CODE = 100;

/** A kernel with its activation fixed at pipeline creation (see ACTIVATION in common.wgsl). */
const specialize = (spec: KernelSpec, activation: ActivationKind): KernelSpec => ({
  ...spec,
  constants: { ...spec.constants, ACTIVATION: ACTIVATION_CODES[activation] },
});

const conv2dForward: KernelSpec = { file: 'conv2d', entry: 'conv2d_forward', uniform: true, storage: [1, 2, 3, 4] };
const activationGrad: KernelSpec = { file: 'elementwise', entry: 'activation_grad', uniform: true, storage: [1, 2, 3, 4] };

export const LOSS_CODES: Record<LossKind, number> = {
  mse: 0, mae: 1, huber: 2, binary_crossentropy: 3, categorical_crossentropy: 4, sparse_categorical_crossentropy: 5,
};

const denseStep = (threads: number): KernelSpec => ({
  file: 'dense_step',
  entry: 'dense_step',
  constants: {
    THREADS: threads,
    SOFTMAX: SOFTMAX_CODE,
    CATEGORICAL: LOSS_CODES.categorical_crossentropy,
    SPARSE_CATEGORICAL: LOSS_CODES.sparse_categorical_crossentropy,
    ...tableConstants(),
  },
  uniform: true,
  storage: [1, 2, 3, 4, 5, 6, 7, 8],
});

export const KERNELS = {
  unary: { file: 'elementwise', entry: 'unary', uniform: true, storage: [1, 4] },
  binary: { file: 'elementwise', entry: 'binary', uniform: true, storage: [1, 2, 4] },
  activation: { file: 'elementwise', entry: 'activation', uniform: true, storage: [1, 4] },
  activation_grad: activationGrad,
  activation_grad_relu: specialize(activationGrad, 'relu'),
  fill: { file: 'elementwise', entry: 'fill', uniform: true, storage: [4] },
  increment: { file: 'elementwise', entry: 'increment', uniform: false, storage: [5] },
  matmul_small_00: matmul('matmul_small', 0, 0),
  matmul_small_01: matmul('matmul_small', 0, 1),
  matmul_small_10: matmul('matmul_small', 1, 0),
  matmul_small_11: matmul('matmul_small', 1, 1),
  matmul_blocked_00: matmul('matmul_blocked', 0, 0),
  matmul_blocked_01: matmul('matmul_blocked', 0, 1),
  matmul_blocked_10: matmul('matmul_blocked', 1, 0),
  matmul_blocked_11: matmul('matmul_blocked', 1, 1),
  conv2d_forward: conv2dForward,
  conv2d_forward_linear: specialize(conv2dForward, 'linear'),
  conv2d_forward_relu: specialize(conv2dForward, 'relu'),
  conv2d_input_grad: { file: 'conv2d', entry: 'conv2d_input_grad', uniform: true, storage: [1, 2, 4] },
  conv2d_filter_grad: { file: 'conv2d', entry: 'conv2d_filter_grad', uniform: true, storage: [1, 2, 4] },
  pool_forward: { file: 'pool', entry: 'pool_forward', uniform: true, storage: [1, 3] },
  pool_backward: { file: 'pool', entry: 'pool_backward', uniform: true, storage: [1, 2, 3] },
  pool_backward_cells: { file: 'pool', entry: 'pool_backward_cells', uniform: true, storage: [1, 2, 3] },
  reduce_thread: { file: 'reduce', entry: 'reduce_thread', uniform: true, storage: [1, 2] },
  reduce_workgroup: { file: 'reduce', entry: 'reduce_workgroup', uniform: true, storage: [1, 2] },
  softmax: { file: 'softmax', entry: 'softmax', uniform: true, storage: [1, 2] },
  loss_with_grad: { file: 'loss', entry: 'loss_with_grad', uniform: true, storage: [1, 2, 3, 4] },
  metric_classes: { file: 'metrics', entry: 'metric_classes', uniform: true, storage: [1, 2, 3, 4] },
  metric_regression: { file: 'metrics', entry: 'metric_regression', uniform: true, storage: [1, 2, 4] },
  apply_updates: { file: 'optimizer', entry: 'apply_updates', uniform: true, storage: [1, 2, 3, 4, 5, 6, 7] },
  dropout_mask: { file: 'dropout', entry: 'dropout_mask', uniform: true, storage: [1, 2] },
  strided_copy: { file: 'layout', entry: 'strided_copy', uniform: true, storage: [1, 3] },
  gather_rows: { file: 'layout', entry: 'gather_rows', uniform: true, storage: [1, 2, 3] },
  batch_indices: { file: 'layout', entry: 'batch_indices', uniform: true, storage: [1, 3, 4] },
  evaluate_grid_loop: { file: 'grid_loop', entry: 'evaluate_grid_loop', constants: { SOFTMAX: SOFTMAX_CODE }, uniform: true, storage: [1, 2, 3, 4] },
  dense_step: denseStep(32),
  dense_step_wide: denseStep(256),
} satisfies Record<string, KernelSpec>;

export type KernelName = keyof typeof KERNELS;

/**
 * The kernels a small dense network (the 2-D playground's) trains and draws with: the fused dense step and
 * the grid evaluation. The backend is ready once these have compiled; any other kernel used before its
 * background compile finished compiles synchronously then. An emulated adapter never runs the wide dense
 * step (see dense-step.ts), so it is not waited for there.
 */
export const firstKernels = (emulated: boolean): readonly KernelName[] =>
  emulated ? ['dense_step', 'evaluate_grid_loop'] : ['dense_step', 'dense_step_wide', 'evaluate_grid_loop'];

/** A kernel whose WGSL is generated at run time; compiled on first use and cached by its text. */
export interface GeneratedKernel extends Pick<KernelSpec, 'entry' | 'uniform' | 'storage'> {
  /** Names it in errors and in the pipeline's label. */
  label: string;
  code: string;
}

export const UNARY_CODES: Record<UnaryOp, number> = { neg: 0, exp: 1, log: 2, sqrt: 3, abs: 4, sign: 5, square: 6, reciprocal: 7 };
export const BINARY_CODES: Record<BinaryOp, number> = {
  add: 0, sub: 1, mul: 2, div: 3, pow: 4, maximum: 5, minimum: 6, equal: 7, greater: 8,
};
export const OPTIMIZER_CODES: Record<OptimizerKind, number> = { sgd: 0, rmsprop: 1, adam: 2, adagrad: 3 };

/** Helper files a kernel file uses besides common.wgsl, which every file gets. */
const INCLUDES: Partial<Record<ShaderFile, ShaderFile[]>> = {
  loss: ['loss_terms'],
  optimizer: ['update_rules'],
  dense_step: ['loss_terms', 'update_rules'],
  grid_loop: ['grid'],
};

/** The file's WGSL with its helpers and its parameter structs (layouts.ts) prepended (WGSL has no includes). */
export function kernelSource(file: ShaderFile, shaders: Map<ShaderFile, string>): string {
  const parts = ['common' as const, ...(INCLUDES[file] ?? []), file].map((name) => {
    const text = shaders.get(name);
    if (text === undefined) throw new Error(`WebGPU: shader file shaders/${name}.wgsl is missing`);
    return text;
  });
  parts.splice(1, 0, structsWgsl(FILE_LAYOUTS[file] ?? []));
  return parts.join('\n');
}

/** Compile one built-in kernel; a WGSL error throws with the offending line quoted. */
export function compileKernel(device: GPUDevice, module: GPUShaderModule, code: string, name: KernelName, spec: KernelSpec): Promise<GPUComputePipeline> {
  return compilePipeline(device, module, code, name, spec, `kernel ${name} (shaders/${spec.file}.wgsl)`);
}

/** Compile a generated kernel; a WGSL error throws with the offending line of the generated text quoted. */
export function compileGenerated(device: GPUDevice, kernel: GeneratedKernel): Promise<GPUComputePipeline> {
  const module = device.createShaderModule({ label: kernel.label, code: kernel.code });
  return compilePipeline(device, module, kernel.code, kernel.label, kernel, `generated kernel ${kernel.label}`);
}

async function compilePipeline(
  device: GPUDevice,
  module: GPUShaderModule,
  code: string,
  label: string,
  spec: Pick<KernelSpec, 'entry' | 'constants'>,
  what: string,
): Promise<GPUComputePipeline> {
  try {
    const pipeline = await device.createComputePipelineAsync({
      label,
      layout: 'auto',
      compute: { module, entryPoint: spec.entry, constants: spec.constants },
    });
    stats.pipelinesCompiled++;
    return pipeline;
  } catch (e) {
    throw new Error(`WebGPU: ${what} failed to compile: ${await describeErrors(module, code, e)}`);
  }
}

async function describeErrors(module: GPUShaderModule, code: string, error: unknown): Promise<string> {
  const info = await module.getCompilationInfo();
  const lines = code.split('\n');
  const messages = info.messages
    .filter((m) => m.type === 'error')
    .map((m) => `line ${m.lineNum}:${m.linePos}: ${m.message}\n    ${lines[m.lineNum - 1] ?? ''}`);
  return messages.length ? messages.join('\n') : error instanceof Error ? error.message : String(error);
}
