// An image network's layers as Keras's model.summary() lists them, computed without building anything:
// each layer's output shape from the layer's own computeOutputShape (the engine's rule), and its parameter
// count from the shapes. The first layer that cannot take its input is where the stack stops, with the
// reason as a translation key (the engine's own words kept for the log and the tests).
import { layerFromConfig } from '../index';
import type { LayerConfig } from '../data/image-presets';
import type { MessageKey } from './i18n/en';
import type { Lesson } from './lesson';

/** Why a layer cannot take its input: a message key and its values, and the engine's message when it gave one. */
export interface StackProblem {
  key: MessageKey;
  values: Record<string, string | number>;
  engine?: string;
}

export interface StackRow {
  /** As Keras names the class: Conv2D, MaxPooling2D, Flatten, Dense… */
  type: string;
  config: Record<string, unknown>;
  /** Without the batch axis; null where an earlier layer failed. */
  outputShape: number[] | null;
  params: number;
  /** Why this layer cannot take its input, or null. */
  problem: StackProblem | null;
}

export interface StackSummary {
  rows: StackRow[];
  totalParams: number;
  /** The first problem and its layer (index into rows), or null when the network can be built. */
  problem: (StackProblem & { layer: number }) | null;
}

/** More parameters than this do not train in a page (weights, gradients and Adam's two moments: 80 MB of float32). */
export const MAX_STACK_PARAMS = 5_000_000;

/** Kernel and bias sizes of the layers that have weights (a Conv2D's kernel is kh × kw × channels × filters). */
function paramCount(type: string, config: Record<string, unknown>, input: number[], output: number[]): number {
  const bias = config.useBias === false ? 0 : 1;
  if (type === 'Dense') return (input[0] + bias) * output[0];
  if (type === 'Conv2D') {
    const k = config.kernelSize;
    const [kh, kw] = Array.isArray(k) ? (k as number[]) : [k as number, k as number];
    return (kh * kw * input[2] + bias) * output[2];
  }
  return 0;
}

const shapeText = (shape: readonly number[]) => shape.join('×');
const IMAGE_LAYERS: ReadonlySet<string> = new Set(['Conv2D', 'MaxPooling2D', 'AveragePooling2D']);

/** The reasons the course names for a layer that does not fit its input; null when the engine decides. */
function ruleProblem(l: LayerConfig, shape: number[]): StackProblem | null {
  if (l.type === 'Dense' && shape.length !== 1) return { key: 'stack.problem.needsFlatten', values: { shape: shapeText(shape) } };
  if (l.type === 'Flatten' && shape.length === 1) return { key: 'stack.problem.flattenTwice', values: { shape: shapeText(shape) } };
  if (IMAGE_LAYERS.has(l.type) && shape.length !== 3) return { key: 'stack.problem.needsImage', values: { layer: l.type, shape: shapeText(shape) } };
  return null;
}

/** The engine refused the layer: for a convolution or pooling on an image, its window is larger than the input. */
function engineProblem(l: LayerConfig, shape: number[], message: string): StackProblem {
  if (IMAGE_LAYERS.has(l.type)) {
    const size = l.type === 'Conv2D' ? l.config.kernelSize : l.config.poolSize;
    const k = Array.isArray(size) ? (size as number[]) : [size as number, size as number];
    return { key: l.type === 'Conv2D' ? 'stack.problem.kernelTooLarge' : 'stack.problem.poolTooLarge', values: { size: shapeText(k), input: shapeText(shape.slice(0, 2)) }, engine: message };
  }
  return { key: 'stack.problem.engine', values: { message }, engine: message };
}

export function summarizeStack(inputShape: readonly number[], layers: readonly LayerConfig[]): StackSummary {
  let shape: number[] | null = [...inputShape];
  let problem: StackSummary['problem'] = null;
  let total = 0;
  const rows = layers.map((l, i): StackRow => {
    if (!shape) return { type: l.type, config: l.config, outputShape: null, params: 0, problem: null };
    let rowProblem = ruleProblem(l, shape);
    let output: number[] | null = null;
    if (!rowProblem) {
      try {
        output = layerFromConfig(l.type, l.config).computeOutputShape(shape);
      } catch (error) {
        rowProblem = engineProblem(l, shape, error instanceof Error ? error.message : String(error));
      }
    }
    const params = output ? paramCount(l.type, l.config, shape, output) : 0;
    if (output && total + params > MAX_STACK_PARAMS) {
      rowProblem = { key: 'stack.problem.tooManyParams', values: { count: (total + params).toLocaleString('en-US'), max: MAX_STACK_PARAMS.toLocaleString('en-US') } };
    }
    if (rowProblem) {
      problem ??= { ...rowProblem, layer: i };
      shape = null;
      return { type: l.type, config: l.config, outputShape: null, params: 0, problem: rowProblem };
    }
    total += params;
    shape = output;
    return { type: l.type, config: l.config, outputShape: output, params, problem: null };
  });
  return { rows, totalParams: total, problem };
}

/** An image lesson's whole network after its input: the stack, then its softmax output layer (null for other lessons). */
export function lessonLayers(lesson: Lesson): LayerConfig[] | null {
  if (!lesson.stack) return null;
  const output = lesson.model[lesson.model.length - 1];
  return [...lesson.stack, { type: 'Dense', config: { units: output.units, activation: output.activation } }];
}

const summaries = new WeakMap<Lesson, StackSummary | null>();

/** The image lesson's summary (computed once per lesson), or null for other lessons. */
export function lessonSummary(lesson: Lesson): StackSummary | null {
  if (!summaries.has(lesson)) {
    const all = lessonLayers(lesson);
    summaries.set(lesson, all && lesson.data.kind === 'images' ? summarizeStack(lesson.data.shape, all) : null);
  }
  return summaries.get(lesson) ?? null;
}

/** Why the lesson's network cannot be built (training cannot start), or null. */
export function lessonProblem(lesson: Lesson): StackSummary['problem'] {
  return lessonSummary(lesson)?.problem ?? null;
}
