// The page's side of the CPU path: an EngineNetwork whose network lives in the engine worker
// (network-host.ts). Training steps are posted without waiting (like the GPU's queued submits), so the
// page's thread only paints; a frame's reads (parameters and both grids, asked for together by the
// trainer) travel as one message, and the worker's arrays come back transferred.
import type { Remote } from 'comlink';
import type { CallbackModel, ExportOptions, ModelJSON, Summary, WeightSnapshot } from '../index';
import type { GridPlane } from './grid';
import type { DataPart } from './lesson-metrics';
import type { TrainingSpec } from './lesson';
import type { GridRequest, NetworkHost, ReadReply, ReadRequest } from './network-host';
import type { NetworkParams } from './store';
import type { CodeLanguage, DataSet, EngineInfo, EngineNetwork, NetworkSpec, SetEvaluation } from './trainer';

interface PendingRead {
  request: ReadRequest;
  reply: Promise<ReadReply>;
}

/** Early stopping's copy of the weights: kept in the worker under this id. */
class WorkerSnapshot implements WeightSnapshot {
  constructor(
    readonly id: number,
    private readonly release: (id: number) => void,
  ) {}

  dispose(): void {
    this.release(this.id);
  }
}

let nextSnapshot = 1;

export class WorkerNetwork implements EngineNetwork {
  /** Calls posted without waiting; a failure among them surfaces at the next call that waits. */
  private posted: Promise<unknown> = Promise.resolve();
  private pendingRead: PendingRead | null = null;
  private readonly callbacks: CallbackModel;

  private constructor(
    private readonly host: Remote<NetworkHost>,
    private readonly id: number,
    private readonly spec: NetworkSpec,
    private info: EngineInfo,
    private readonly modelSummary: Summary,
  ) {
    const network = this;
    this.callbacks = {
      stopTraining: false,
      snapshotWeights(): WeightSnapshot {
        const snapshot = new WorkerSnapshot(nextSnapshot++, (kept) => network.post(host.disposeSnapshot(kept)));
        network.post(host.snapshotWeights(id, snapshot.id));
        return snapshot;
      },
      restoreWeights(snapshot: WeightSnapshot): void {
        if (!(snapshot instanceof WorkerSnapshot)) throw new Error('restoreWeights: expected a snapshot from this network\'s snapshotWeights()');
        network.post(host.restoreWeights(id, snapshot.id));
      },
    };
  }

  static async create(host: Remote<NetworkHost>, spec: NetworkSpec, saved: ModelJSON | null = null): Promise<WorkerNetwork> {
    const { id, info, summary } = await host.create(spec, saved);
    return new WorkerNetwork(host, id, spec, info, summary);
  }

  private post(call: Promise<unknown>): void {
    this.posted = Promise.all([this.posted, call]);
  }

  /** Wait for everything posted so far, failing if any of it failed. */
  private async settle(): Promise<void> {
    const posted = this.posted;
    this.posted = Promise.resolve();
    await posted;
  }

  engineInfo(): EngineInfo {
    return this.info;
  }

  setData(train: DataSet, validation: DataSet, test: DataSet, firstRow = 0): void {
    this.post(this.host.setData(this.id, train, validation, test, firstRow));
  }

  async setTraining(training: TrainingSpec, batchRows: number): Promise<void> {
    await this.settle();
    await this.host.setTraining(this.id, training, batchRows);
  }

  async trainBatches(count: number): Promise<void> {
    this.post(this.host.trainBatches(this.id, count));
  }

  async evaluate(curves = false): Promise<{ train: SetEvaluation | null; validation: SetEvaluation | null; test: SetEvaluation | null }> {
    await this.settle();
    const { info, ...scores } = await this.host.evaluate(this.id, curves);
    this.info = info;
    return scores;
  }

  async outputs(part: DataPart, rows?: number): Promise<Float32Array> {
    await this.settle();
    return this.host.outputs(this.id, part, rows);
  }

  /** Join the read to the one being gathered this turn (sent at the end of it), or start one. */
  private read(part: (request: ReadRequest) => void): Promise<ReadReply> {
    if (!this.pendingRead) {
      const request: ReadRequest = { params: false, grid: null, output: null };
      const reply = Promise.resolve().then(async () => {
        this.pendingRead = null;
        await this.settle();
        const result = await this.host.read(this.id, request);
        this.info = result.info;
        return result;
      });
      this.pendingRead = { request, reply };
    }
    part(this.pendingRead.request);
    return this.pendingRead.reply;
  }

  async getParams(): Promise<NetworkParams> {
    return (await this.read((r) => (r.params = true))).params!;
  }

  async evaluateGrid(resolution: number, plane: GridPlane): Promise<Float32Array[][]> {
    const grid: GridRequest = { resolution, plane };
    const values = (await this.read((r) => (r.grid = grid))).grid!;
    const points = resolution * resolution;
    let neuron = 0;
    return this.spec.layers.map((layer) => Array.from({ length: layer.units }, () => values.subarray(points * neuron, points * ++neuron)));
  }

  async evaluateOutput(resolution: number, plane: GridPlane): Promise<Float32Array> {
    return (await this.read((r) => (r.output = { resolution, plane }))).output!;
  }

  setParams(params: NetworkParams): void {
    this.post(this.host.setParams(this.id, params));
  }

  async workDone(): Promise<void> {
    await this.settle();
  }

  async setWeight(column: number, from: number, to: number, value: number): Promise<void> {
    await this.settle();
    await this.host.setWeight(this.id, column, from, to, value);
  }

  async setBias(column: number, index: number, value: number): Promise<void> {
    await this.settle();
    await this.host.setBias(this.id, column, index, value);
  }

  callbackModel(): CallbackModel {
    return this.callbacks;
  }

  async toJSON(): Promise<ModelJSON> {
    await this.settle();
    return this.host.toJSON(this.id);
  }

  async predict(x: Float32Array, rows: number): Promise<Float32Array> {
    await this.settle();
    return this.host.predict(this.id, x, rows);
  }

  async filters(): ReturnType<EngineNetwork['filters']> {
    await this.settle();
    return this.host.filters(this.id);
  }

  async layerOutputs(x: Float32Array): ReturnType<EngineNetwork['layerOutputs']> {
    await this.settle();
    return this.host.layerOutputs(this.id, x);
  }

  summary(): Summary {
    return this.modelSummary;
  }

  async exportScript(language: CodeLanguage, options: ExportOptions): Promise<string> {
    await this.settle();
    return this.host.exportScript(this.id, language, options);
  }

  dispose(): void {
    // Nothing waits for it; a failure here has nowhere to go but the console.
    this.host.dispose(this.id).catch((error: unknown) => console.error('engine worker: dispose failed', error));
  }
}
