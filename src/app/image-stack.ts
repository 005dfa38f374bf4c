// An image network's layers as Keras's model.summary() lists them, computed without building anything:
// each layer's output shape from the layer's own computeOutputShape (the engine's rule and its message
// when an input does not fit), and its parameter count from the shapes. The first layer that cannot take
// its input is where the stack stops, with the reason.
import { layerFromConfig } from '../index';
import type { LayerConfig } from '../data/image-presets';

export interface StackRow {
  /** As Keras names the class: Conv2D, MaxPooling2D, Flatten, Dense… */
  type: string;
  config: Record<string, unknown>;
  /** Without the batch axis; null where an earlier layer failed. */
  outputShape: number[] | null;
  params: number;
  /** Why this layer cannot take its input, or null. */
  problem: string | null;
}

export interface StackSummary {
  rows: StackRow[];
  totalParams: number;
  /** The first problem, or null when the network can be built. */
  problem: string | null;
}

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

export function summarizeStack(inputShape: readonly number[], layers: readonly LayerConfig[]): StackSummary {
  let shape: number[] | null = [...inputShape];
  let problem: string | null = null;
  const rows = layers.map((l): StackRow => {
    if (!shape) return { type: l.type, config: l.config, outputShape: null, params: 0, problem: null };
    try {
      const output: number[] = layerFromConfig(l.type, l.config).computeOutputShape(shape);
      const row = { type: l.type, config: l.config, outputShape: output, params: paramCount(l.type, l.config, shape, output), problem: null };
      shape = output;
      return row;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      problem ??= message;
      shape = null;
      return { type: l.type, config: l.config, outputShape: null, params: 0, problem: message };
    }
  });
  return { rows, totalParams: rows.reduce((n, r) => n + r.params, 0), problem };
}
