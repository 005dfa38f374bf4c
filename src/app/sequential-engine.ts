// The trainer's engine adapter on the public Keras-shaped API (Sequential, fit, predict, layerOutputs).
// It works on any backend; the WebGPU grid kernel and compiled multi-step trainer can replace it whole.
import { Sequential, layers, setBackend, type BackendName } from '../index';
import { createRng } from '../engine/random';
import { featureGrid } from './grid';
import type { BackendInfo, NetworkParams } from './store';
import type { DataSet, EngineAdapter, EngineNetwork, Hyperparameters, NetworkSpec } from './trainer';

interface WeightTensor {
  name: string;
  shape: number[];
  values: Float32Array;
}

/** Keras's Glorot-uniform kernels and zero biases, drawn from our own seeded stream so reset repeats a run. */
function initialWeights(spec: NetworkSpec): WeightTensor[] {
  const rng = createRng(spec.seed);
  const sizes = [spec.features.length, ...spec.hidden, 1];
  const out: WeightTensor[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const [fanIn, fanOut] = [sizes[l], sizes[l + 1]];
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    const kernel = new Float32Array(fanIn * fanOut);
    if (!spec.initZero) for (let i = 0; i < kernel.length; i++) kernel[i] = rng.uniform(-limit, limit);
    out.push({ name: `dense_${l}/kernel`, shape: [fanIn, fanOut], values: kernel });
    out.push({ name: `dense_${l}/bias`, shape: [fanOut], values: new Float32Array(fanOut) });
  }
  return out;
}

function buildModel(spec: NetworkSpec, hyper: Hyperparameters): Sequential {
  const kernelRegularizer = hyper.regularization ?? undefined;
  const model = new Sequential([
    layers.input({ shape: [spec.features.length] }),
    ...spec.hidden.map((units) => layers.dense({ units, activation: spec.activation, kernelRegularizer })),
    layers.dense({ units: 1, activation: spec.outputActivation, kernelRegularizer }),
  ]);
  model.compile({ optimizer: { type: 'sgd', learningRate: hyper.learningRate }, loss: 'mse' });
  return model;
}

function meanSquaredError(pred: Float32Array, target: Float32Array): number {
  if (target.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < target.length; i++) sum += (pred[i] - target[i]) ** 2;
  return sum / target.length;
}

/** [rows, units] row-major → one Float32Array(rows) per unit. */
function splitColumns(values: Float32Array, rows: number, units: number): Float32Array[] {
  return Array.from({ length: units }, (_, j) => {
    const column = new Float32Array(rows);
    for (let i = 0; i < rows; i++) column[i] = values[i * units + j];
    return column;
  });
}

class SequentialNetwork implements EngineNetwork {
  private model: Sequential;
  private hyper: Hyperparameters;
  private train: DataSet = { x: new Float32Array(0), y: new Float32Array(0), rows: 0 };
  private test: DataSet = { x: new Float32Array(0), y: new Float32Array(0), rows: 0 };
  private readonly grids = new Map<number, Float32Array>();

  constructor(private readonly spec: NetworkSpec) {
    this.hyper = spec.hyper;
    this.model = buildModel(spec, spec.hyper);
    this.model.setWeights(initialWeights(spec));
  }

  setData(train: DataSet, test: DataSet): void {
    this.train = train;
    this.test = test;
  }

  async setHyperparameters(hyper: Hyperparameters): Promise<void> {
    const sameRegularizer = JSON.stringify(hyper.regularization) === JSON.stringify(this.hyper.regularization);
    this.hyper = hyper;
    if (sameRegularizer) {
      // SGD keeps no state, so compiling again only swaps the learning rate.
      this.model.compile({ optimizer: { type: 'sgd', learningRate: hyper.learningRate }, loss: 'mse' });
      return;
    }
    // Regularizers belong to the layers: rebuild with the same weights.
    const weights = this.model.getWeights();
    this.model.dispose?.();
    this.model = buildModel(this.spec, hyper);
    this.model.setWeights(weights);
  }

  async trainBatches(first: number, count: number): Promise<void> {
    const { x, y, rows } = this.train;
    const width = this.spec.features.length;
    const size = this.hyper.batchSize;
    const begin = Math.min(rows, first * size);
    const end = Math.min(rows, (first + count) * size);
    if (end <= begin) return;
    // fit without shuffling walks the slice in batches of batchSize: exactly these batches, one step each.
    const inputs = { shape: [end - begin, width], values: x.subarray(begin * width, end * width) };
    const targets = { shape: [end - begin, 1], values: y.subarray(begin, end) };
    await this.model.fit(inputs, targets, { epochs: 1, batchSize: size, shuffle: false });
  }

  async losses(): Promise<{ train: number; test: number }> {
    return { train: await this.loss(this.train), test: await this.loss(this.test) };
  }

  private async loss({ x, y, rows }: DataSet): Promise<number> {
    if (rows === 0) return 0;
    const pred = await this.model.predict({ shape: [rows, this.spec.features.length], values: x });
    return meanSquaredError(pred.values, y);
  }

  private grid(resolution: number) {
    let x = this.grids.get(resolution);
    if (!x) {
      x = featureGrid(this.spec.features, resolution);
      this.grids.set(resolution, x);
    }
    return { shape: [resolution * resolution, this.spec.features.length], values: x };
  }

  async evaluateGrid(resolution: number): Promise<Float32Array[][]> {
    const rows = resolution * resolution;
    const outputs = await this.model.layerOutputs(this.grid(resolution));
    return outputs.map((o) => splitColumns(o.values, rows, o.shape[o.shape.length - 1]));
  }

  async evaluateOutput(resolution: number): Promise<Float32Array> {
    return (await this.model.predict(this.grid(resolution))).values;
  }

  async getParams(): Promise<NetworkParams> {
    const weights: number[][][] = [];
    const biases: number[][] = [[]];
    for (const w of this.model.getWeights()) {
      if (w.shape.length === 2) {
        const [fanIn, fanOut] = w.shape;
        weights.push(Array.from({ length: fanIn }, (_, i) => Array.from(w.values.subarray(i * fanOut, (i + 1) * fanOut))));
      } else {
        biases.push(Array.from(w.values));
      }
    }
    return { weights, biases };
  }

  async setWeight(column: number, from: number, to: number, value: number): Promise<void> {
    this.editParameter(2 * column, from * (this.spec.hidden.concat(1)[column] ?? 0) + to, value, `setWeight: no link from node ${from} of column ${column} to node ${to}`);
  }

  async setBias(column: number, index: number, value: number): Promise<void> {
    this.editParameter(2 * (column - 1) + 1, index, value, `setBias: no bias for node ${index} of column ${column}`);
  }

  private editParameter(tensor: number, offset: number, value: number, error: string): void {
    const weights = this.model.getWeights();
    const target = weights[tensor];
    if (!target || !(offset >= 0 && offset < target.values.length)) throw new Error(error);
    const values = Float32Array.from(target.values);
    values[offset] = value;
    weights[tensor] = { ...target, values };
    this.model.setWeights(weights);
  }

  dispose(): void {
    this.model.dispose?.();
  }
}

/** Browser check for WebGPU: the reason to show when it cannot be used, or null. */
async function webgpuUnavailableReason(): Promise<string | null> {
  if (typeof navigator === 'undefined' || !('gpu' in navigator) || !navigator.gpu) return 'this browser has no WebGPU (navigator.gpu is missing)';
  return null;
}

export interface SequentialEngineOptions {
  /** Which backends to try, in order (default: WebGPU, then CPU). */
  prefer?: BackendName[];
}

export function createSequentialEngine({ prefer = ['webgpu', 'cpu'] }: SequentialEngineOptions = {}): EngineAdapter {
  return {
    async start(): Promise<BackendInfo> {
      let fallbackReason: string | null = null;
      if (prefer.includes('webgpu')) {
        fallbackReason = await webgpuUnavailableReason();
        if (fallbackReason === null) {
          try {
            const backend = await setBackend('webgpu');
            return { name: 'webgpu', description: backend.description, fallbackReason: null };
          } catch (error) {
            fallbackReason = error instanceof Error ? error.message : String(error);
          }
        }
      }
      const backend = await setBackend('cpu');
      return { name: 'cpu', description: backend.description, fallbackReason };
    },
    async createNetwork(spec: NetworkSpec): Promise<EngineNetwork> {
      return new SequentialNetwork(spec);
    },
  };
}
