// The worker's side of the CPU path (engine-worker.ts exposes it with comlink; worker-engine.ts is the page's
// side): SequentialNetwork itself on the WebAssembly backend (the plain CPU backend where WebAssembly SIMD
// is missing), so the page's thread only paints. Every call names its network by id. A frame's reads come
// as one `read` call, and arrays go back transferred, not copied.
import { transfer } from 'comlink';
import { setBackend, type ExportOptions, type ModelJSON, type Summary, type WeightSnapshot } from '../index';
import { measureStepsPerSecond } from './backend-choice';
import type { GridPlane } from './grid';
import type { TrainingSpec } from './lesson';
import type { DataPart } from './lesson-metrics';
import { SequentialNetwork } from './sequential-engine';
import type { NetworkParams } from './store';
import { EMPTY_DATA_SET, type CodeLanguage, type DataSet, type EngineInfo, type EngineNetwork, type NetworkSpec, type SetEvaluation } from './trainer';

export interface GridRequest {
  resolution: number;
  plane: GridPlane;
}

/** What a frame publishes, asked for at once. */
export interface ReadRequest {
  params: boolean;
  grid: GridRequest | null;
  output: GridRequest | null;
}

export interface ReadReply {
  params: NetworkParams | null;
  /** Every node's grid, node after node (resolution² values each). */
  grid: Float32Array | null;
  output: Float32Array | null;
  info: EngineInfo;
}

export interface Evaluation {
  train: SetEvaluation | null;
  validation: SetEvaluation | null;
  test: SetEvaluation | null;
  info: EngineInfo;
}


export class NetworkHost {
  private readonly networks = new Map<number, SequentialNetwork>();
  private readonly snapshots = new Map<number, WeightSnapshot>();
  private nextId = 1;
  private description = '';

  /** Start the WebAssembly backend (or the plain CPU one); its description for the badge. */
  async start(): Promise<string> {
    if (!this.description) {
      try {
        this.description = (await setBackend('wasm')).description;
      } catch (error) {
        this.description = `${(await setBackend('cpu')).description} (no WebAssembly SIMD: ${error instanceof Error ? error.message : String(error)})`;
      }
    }
    return this.description;
  }

  /** A network of `spec` (with a model file's weights and optimizer state, when given); its summary does not change. */
  async create(spec: NetworkSpec, saved: ModelJSON | null): Promise<{ id: number; info: EngineInfo; summary: Summary }> {
    const network = await SequentialNetwork.create(spec, saved);
    const id = this.nextId++;
    this.networks.set(id, network);
    return { id, info: network.engineInfo(), summary: network.summary() };
  }

  private network(id: number): SequentialNetwork {
    const network = this.networks.get(id);
    if (!network) throw new Error(`engine worker: no network ${id} (disposed?)`);
    return network;
  }

  setData(id: number, train: DataSet, validation: DataSet, test: DataSet, firstRow: number): void {
    this.network(id).setData(train, validation, test, firstRow);
  }

  setTraining(id: number, training: TrainingSpec, batchRows: number): Promise<void> {
    return this.network(id).setTraining(training, batchRows);
  }

  trainBatches(id: number, count: number): Promise<void> {
    return this.network(id).trainBatches(count);
  }

  /** Losses and metric counts: a few numbers per set, cloned (the outputs stay here; see `outputs`). */
  async evaluate(id: number, curves: boolean): Promise<Evaluation> {
    const network = this.network(id);
    return { ...(await network.evaluate(curves)), info: network.engineInfo() };
  }

  /** The outputs of a set's first `rows` rows, asked for only on demand (a highlighted cell, an image lesson's shown test images); transferred. */
  async outputs(id: number, part: DataPart, rows?: number): Promise<Float32Array> {
    // A copy: an engine's array may view memory of its own, which cannot be transferred.
    const values = (await this.network(id).outputs(part, rows)).slice();
    return transfer(values, [values.buffer]);
  }

  async read(id: number, request: ReadRequest): Promise<ReadReply> {
    const network = this.network(id);
    const [params, nodes, output] = await Promise.all([
      request.params ? network.getParams() : null,
      request.grid ? network.evaluateGrid(request.grid.resolution, request.grid.plane) : null,
      request.output ? network.evaluateOutput(request.output.resolution, request.output.plane) : null,
    ]);
    // The network reuses its grid arrays frame after frame: the page gets copies it may keep.
    const grid = nodes ? concat(nodes.flat()) : null;
    const outputCopy = output ? output.slice() : null;
    const buffers = [grid, outputCopy].flatMap((a) => (a ? [a.buffer] : []));
    return transfer({ params, grid, output: outputCopy, info: network.engineInfo() }, buffers);
  }

  setParams(id: number, params: NetworkParams): void {
    this.network(id).setParams(params);
  }

  setWeight(id: number, column: number, from: number, to: number, value: number): Promise<void> {
    return this.network(id).setWeight(column, from, to, value);
  }

  setBias(id: number, column: number, index: number, value: number): Promise<void> {
    return this.network(id).setBias(column, index, value);
  }

  /** Early stopping's copy of the weights, kept here under the page's id for it. */
  snapshotWeights(id: number, snapshot: number): void {
    this.snapshots.set(snapshot, this.network(id).callbackModel().snapshotWeights());
  }

  restoreWeights(id: number, snapshot: number): void {
    const kept = this.snapshots.get(snapshot);
    if (!kept) throw new Error(`engine worker: no weight snapshot ${snapshot}`);
    this.network(id).callbackModel().restoreWeights(kept);
  }

  disposeSnapshot(snapshot: number): void {
    this.snapshots.get(snapshot)?.dispose();
    this.snapshots.delete(snapshot);
  }

  toJSON(id: number): Promise<ModelJSON> {
    return this.network(id).toJSON();
  }

  // The image views' reads (a drawn digit, the first filters, one example's feature maps): small, cloned.
  predict(id: number, x: Float32Array, rows: number): Promise<Float32Array> {
    return this.network(id).predict(x, rows);
  }

  filters(id: number): ReturnType<EngineNetwork['filters']> {
    return this.network(id).filters();
  }

  layerOutputs(id: number, x: Float32Array): ReturnType<EngineNetwork['layerOutputs']> {
    return this.network(id).layerOutputs(x);
  }

  exportScript(id: number, language: CodeLanguage, options: ExportOptions): Promise<string> {
    return this.network(id).exportScript(language, options);
  }

  dispose(id: number): void {
    this.networks.get(id)?.dispose();
    this.networks.delete(id);
  }

  /** Training steps per second on this path for a network of `spec` on `train` (a throwaway network). */
  async measure(spec: NetworkSpec, train: DataSet, minMs: number): Promise<number> {
    const network = await SequentialNetwork.create(spec);
    try {
      network.setData(train, EMPTY_DATA_SET, EMPTY_DATA_SET);
      return await measureStepsPerSecond((steps) => network.trainBatches(steps), () => performance.now(), minMs);
    } finally {
      network.dispose();
    }
  }
}

function concat(arrays: Float32Array[]): Float32Array {
  const out = new Float32Array(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.length;
  }
  return out;
}
