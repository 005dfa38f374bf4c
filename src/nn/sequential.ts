// Sequential: a stack of layers with Keras's model API (compile, fit, evaluate, predict, weights, JSON).
// Every computation goes through ops and the active backend; values come back only through `await data()`.
import type { Backend, LossKind, OptimizerConfig, TensorHandle } from '../engine/backend/backend';
import * as ops from '../engine/ops';
import { createRng, type Rng } from '../engine/random';
import { activeBackend } from '../engine/registry';
import { noGrad, Tensor, tidy } from '../engine/tensor';
import { forward } from './forward';
import type { CallbackModel, Logs, WeightSnapshot } from './callbacks';
import { predictionPass, scoringPass, type DeviceData, type RepeatedPass, type ScoredModel } from './evaluate';
import { CallCache, KeptData, KeptSet, type KeptCall } from './call-cache';
import { fitCounts, fitPasses, runFit, type FitHost, type FitOptions, type FitPasses, type History } from './fit';
import { formatShape, sliceRows, toHostArray, type HostArray } from './host-array';
import { inspect, layerOutputs, type Inspection, type LayerOutput } from './introspection';
import { layerFromConfig } from './layers';
import { Layer, type Param } from './layers/layer';
import { checkLoss, lossInfo, prepareTargets } from './losses';
import { checkMetric, type MetricName } from './metrics';
import { checkOptimizer, createSlots, readOptimizerState, writeOptimizerState, type OptimizerSpec } from './optimizers';
import { needsLiveMask } from './regularizers';
import { checkModelJSON, decodeArray, encodeArray, MODEL_FORMAT, MODEL_FORMAT_VERSION, type ModelJSON, type WeightValue } from './serialization';
import { summarize, type Summary } from './summary';
import { createTrainStep, denseStepSpec, type TrainState, type TrainStep } from './train-step';
import type { DenseStepSpec } from '../engine/dense-step';

export interface SequentialOptions {
  /** One seed reproduces initialization, shuffling and dropout. Random when omitted. */
  seed?: number;
  name?: string;
}

export interface CompileOptions {
  optimizer: OptimizerSpec;
  loss: LossKind | string;
  metrics?: string[];
}

export interface PredictOptions {
  /** Rows per forward pass (default 1024). */
  batchSize?: number;
}

interface Compiled {
  optimizer: OptimizerConfig;
  lossKind: LossKind;
  metrics: MetricName[];
}

/** The per-step training state, built on first use after compile (and after add/pop). */
export interface Training {
  state: TrainState;
  step: TrainStep;
  /** The same step as a dense network, when the model is one (compileTrainer's `dense`). */
  dense: DenseStepSpec | null;
}

const SHUFFLE_STREAM = 0x5bd1e995;
const DROPOUT_STREAM = 0x9e3779b9;

export class Sequential implements CallbackModel {
  readonly name: string;
  readonly seed: number;
  /** Set by callbacks (or the user) to end fit after the current batch. */
  stopTraining = false;
  readonly shuffleRng: Rng;
  private readonly stack: Layer[] = [];
  private readonly initRng: Rng;
  private counter: Tensor | null = null;
  private compiled: Compiled | null = null;
  private training: Training | null = null;
  /** What the latest fit, evaluate and predict calls uploaded and traced, for the next ones (call-cache.ts). */
  private readonly calls = new CallCache();

  constructor(layers: Layer[] = [], options: SequentialOptions = {}) {
    const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
    if (!Number.isInteger(seed)) throw new Error(`Sequential: seed must be an integer, got ${options.seed}`);
    this.seed = seed;
    this.name = options.name ?? 'sequential';
    this.initRng = createRng(seed);
    this.shuffleRng = createRng((seed ^ SHUFFLE_STREAM) >>> 0);
    if (!Array.isArray(layers)) throw new Error('Sequential: expected an array of layers');
    for (const layer of layers) this.add(layer);
  }

  /** The layers after the input layer (as Keras's model.layers). */
  get layers(): readonly Layer[] {
    return this.stack.filter((l) => l.type !== 'InputLayer');
  }

  add(layer: Layer): void {
    if (!(layer instanceof Layer)) throw new Error(`Sequential.add: expected a layer (from layers.*), got ${typeof layer}`);
    if (this.stack.includes(layer)) throw new Error(`Sequential.add: layer "${layer.name}" is already in this model`);
    if (layer.type === 'InputLayer' && this.stack.length > 0) throw new Error('Sequential.add: layers.input must be the first layer');
    if (layer.explicitName) {
      if (this.stack.some((l) => l.name === layer.name)) throw new Error(`Sequential.add: layer name "${layer.name}" is already used; names must be unique within a model`);
    } else {
      layer.name = this.uniqueName(layer.baseName);
    }
    this.stack.push(layer);
    this.forgetTraining();
  }

  /** Removes and returns the last layer. */
  pop(): Layer {
    const layer = this.stack.pop();
    if (!layer) throw new Error('Sequential.pop: the model has no layers');
    this.forgetTraining();
    return layer;
  }

  private uniqueName(base: string): string {
    const used = new Set(this.stack.map((l) => l.name));
    if (!used.has(base)) return base;
    let i = 1;
    while (used.has(`${base}_${i}`)) i++;
    return `${base}_${i}`;
  }

  /** Per-example input shape (without the batch axis). */
  get inputShape(): number[] {
    const first = this.stack[0];
    const shape = first?.type === 'InputLayer' ? first.computeOutputShape([]) : first?.declaredInputShape;
    if (!shape) throw new Error('Sequential: the first layer must be layers.input({ shape }) or have an inputShape option');
    return shape;
  }

  get outputShape(): number[] {
    this.build();
    return this.stack[this.stack.length - 1].outputShape as number[];
  }

  /** Creates the weights of layers not built yet, in order, from the model's seed. */
  private build(): void {
    let shape = this.inputShape;
    this.stack.forEach((layer, i) => {
      if (!layer.built) {
        layer.build(shape, { rng: this.initRng, layerSeed: (this.seed + Math.imul(DROPOUT_STREAM, i + 1)) >>> 0 });
      } else if (formatShape(layer.inputShape as number[]) !== formatShape(shape)) {
        throw new Error(`Sequential: layer "${layer.name}" was built for input ${formatShape([null, ...(layer.inputShape as number[])])}, now receives ${formatShape([null, ...shape])}`);
      }
      shape = layer.outputShape as number[];
    });
    this.counter ??= new Tensor(activeBackend().createCounter(0));
  }

  private get params(): Param[] {
    this.build();
    return this.stack.flatMap((l) => l.params);
  }

  summary(): Summary {
    this.build();
    return summarize(this.name, this.stack);
  }

  compile(options: CompileOptions): void {
    if (typeof options !== 'object' || options === null) throw new Error('compile: expected { optimizer, loss, metrics? }');
    const metrics = options.metrics ?? [];
    if (!Array.isArray(metrics)) throw new Error(`compile: metrics must be an array of names, got ${JSON.stringify(metrics)}`);
    this.compiled = { optimizer: checkOptimizer(options.optimizer), lossKind: checkLoss(options.loss), metrics: metrics.map(checkMetric) };
    this.forgetTraining();
  }

  /** The step and the passes kept from earlier calls bake in the layers and the compile settings. */
  private forgetTraining(): void {
    this.training = null;
    this.calls.clear();
  }

  /** The compiled optimizer's config (a copy). */
  get optimizerConfig(): OptimizerConfig {
    return { ...this.requireCompiled('optimizerConfig').optimizer };
  }

  /** Changes the learning rate from the next step on, keeping the optimizer's state. */
  setLearningRate(learningRate: number): void {
    if (!(Number.isFinite(learningRate) && learningRate >= 0)) throw new Error(`setLearningRate: expected a finite number ≥ 0, got ${learningRate}`);
    this.requireCompiled('setLearningRate').optimizer.learningRate = learningRate;
  }

  private requireCompiled(method: string): Compiled {
    if (!this.compiled) throw new Error(`${method}: call model.compile({ optimizer, loss }) first`);
    return this.compiled;
  }

  private scored(method: string): ScoredModel {
    const c = this.requireCompiled(method);
    const params = this.params;
    return {
      layers: this.stack,
      counter: this.counter as Tensor,
      params,
      lossKind: c.lossKind,
      loss: lossInfo(c.lossKind, this.stack[this.stack.length - 1].activation),
      metrics: c.metrics,
    };
  }

  /**
   * The training step and the state it updates, built once per compile/architecture: for backends that
   * record `step` into a replayable plan. Calling `step(x, y)` trains one batch and returns the loss tensor.
   */
  getTrainStep(): Training {
    if (this.training) return this.training;
    const scored = this.scored('fit');
    const trainable = this.stack.filter((l) => l.trainable).flatMap((l) => l.params);
    const optimizer = this.requireCompiled('fit').optimizer;
    const liveMask = needsLiveMask(trainable);
    const state: TrainState = {
      layers: this.stack,
      params: trainable,
      loss: scored.loss,
      optimizer,
      slots: trainable.map((p) => createSlots(optimizer, p.variable.shape, liveMask)),
      counter: scored.counter,
    };
    this.training = { state, step: createTrainStep(state), dense: denseStepSpec(state) };
    return this.training;
  }

  /** x as [N, ...inputShape] (a 1-D x for a one-feature input becomes [N, 1]). */
  private prepareX(x: unknown, arg = 'x'): HostArray {
    const a = toHostArray(x, arg);
    const inputShape = this.inputShape;
    if (a.shape.length === 1 && inputShape.length === 1 && inputShape[0] === 1) return { shape: [a.shape[0], 1], values: a.values };
    const expected = [a.shape[0], ...inputShape];
    if (a.shape.length !== expected.length || a.shape.some((d, i) => d !== expected[i])) {
      throw new Error(`${arg}: expected shape ${formatShape([null, ...inputShape])} (a batch of the input shape ${formatShape(inputShape)}), got ${formatShape(a.shape)}`);
    }
    if (a.shape[0] === 0) throw new Error(`${arg}: no examples (the batch axis is 0)`);
    return a;
  }

  private prepareXY(x: unknown, y: unknown, xArg = 'x', yArg = 'y'): { x: HostArray; y: HostArray } {
    const c = this.requireCompiled('fit/evaluate');
    const xs = this.prepareX(x, xArg);
    const ys = prepareTargets(toHostArray(y, yArg), c.lossKind, this.outputShape, xs.shape[0], yArg);
    return { x: xs, y: ys };
  }

  private upload(data: { x: HostArray; y: HostArray }): DeviceData {
    return { x: ops.tensor(data.x.values, data.x.shape), y: ops.tensor(data.y.values, data.y.shape), yHost: data.y };
  }

  async fit(x: unknown, y: unknown, options: FitOptions = {}): Promise<History> {
    const all = this.prepareXY(x, y);
    let train = all;
    let validation: { x: HostArray; y: HostArray } | null = null;
    if (options.validationData) {
      if (!Array.isArray(options.validationData) || options.validationData.length !== 2) throw new Error('fit: validationData must be [x, y]');
      validation = this.prepareXY(options.validationData[0], options.validationData[1], 'validationData x', 'validationData y');
    } else if (options.validationSplit !== undefined && options.validationSplit !== 0) {
      const split = options.validationSplit;
      if (!(typeof split === 'number' && split > 0 && split < 1)) throw new Error(`fit: validationSplit must be a number in (0, 1), got ${split}`);
      const rows = all.x.shape[0];
      const at = Math.ceil(rows * (1 - split));
      if (at <= 0 || at >= rows) throw new Error(`fit: validationSplit ${split} of ${rows} examples leaves an empty training or validation set`);
      train = { x: sliceRows(all.x, 0, at), y: sliceRows(all.y, 0, at) };
      validation = { x: sliceRows(all.x, at, rows), y: sliceRows(all.y, at, rows) };
    }
    const { batchSize } = fitCounts(options);
    const { step, state } = this.getTrainStep();
    const host = { model: this, scored: this.scored('fit'), step, optimizer: state.optimizer, shuffleRng: this.shuffleRng };
    const shapes = (d: { x: HostArray; y: HostArray } | null): string => (d ? `${formatShape(d.x.shape)}→${formatShape(d.y.shape)}` : 'none');
    const key = `train ${shapes(train)}, validation ${shapes(validation)}, batch ${batchSize}`;
    let call = this.calls.take<FitCall>('fit', key);
    if (call) {
      call.train.update(train);
      if (validation) call.validation?.update(validation);
    } else {
      call = this.calls.put('fit', key, fitCall(host, train, validation, batchSize));
    }
    try {
      return await runFit(host, call.passes, options);
    } catch (e) {
      // Whatever state the passes were left in, the next call starts from fresh ones.
      this.calls.drop('fit');
      throw e;
    }
  }

  /** Trains one batch (one optimizer step) and returns its loss. */
  async trainOnBatch(x: unknown, y: unknown): Promise<number> {
    const data = this.upload(this.prepareXY(x, y));
    const { step } = this.getTrainStep();
    const loss = tidy(() => step(data.x, data.y));
    try {
      return (await loss.data())[0];
    } finally {
      loss.dispose();
      release(data);
    }
  }

  /** { loss, ...metrics } over x/y, the loss including the regularization penalty (as Keras). */
  async evaluate(x: unknown, y: unknown, options: PredictOptions = {}): Promise<Logs> {
    const data = this.prepareXY(x, y);
    const chunk = chunkSize(options, 'evaluate');
    const key = `${formatShape(data.x.shape)}→${formatShape(data.y.shape)}, chunk ${chunk}`;
    const call = this.keptPass('evaluate', key, () => new KeptSet(data), (set) => set.update(data), (set, repeated) =>
      scoringPass(this.scored('evaluate'), set.device, chunk, { repeated }),
    );
    return this.runKept('evaluate', call);
  }

  async predict(x: unknown, options: PredictOptions = {}): Promise<HostArray> {
    const xs = this.prepareX(x);
    const chunk = chunkSize(options, 'predict');
    this.build();
    const call = this.keptPass('predict', `${formatShape(xs.shape)}, chunk ${chunk}`, () => new KeptData(xs), (kept) => kept.update(xs), (kept, repeated) =>
      predictionPass({ layers: this.stack, counter: this.counter as Tensor }, kept.tensor, chunk, { repeated }),
    );
    return this.runKept('predict', call);
  }

  /**
   * The kept data and pass of an evaluate or predict call with this key, or new ones. The first call
   * with a key makes a one-off pass (one or two batches then run eagerly: tracing them would cost as much
   * as running them); a second call with the same key makes it a traced, repeated one.
   */
  private keptPass<D extends KeptCall, T>(
    kind: 'evaluate' | 'predict',
    key: string,
    upload: () => D,
    update: (data: D) => void,
    pass: (data: D, repeated: boolean) => RepeatedPass<T>,
  ): PassCall<D, T> {
    const kept = this.calls.take<PassCall<D, T>>(kind, key);
    if (!kept) {
      const data = upload();
      try {
        return this.calls.put(kind, key, new PassCall(data, pass(data, false)));
      } catch (e) {
        data.dispose();
        throw e;
      }
    }
    update(kept.data);
    if (kept.pass.oneOff) kept.repeat(pass(kept.data, true));
    return kept;
  }

  private async runKept<T>(kind: 'evaluate' | 'predict', call: PassCall<KeptCall, T>): Promise<T> {
    try {
      return await call.pass.run();
    } catch (e) {
      this.calls.drop(kind);
      throw e;
    }
  }

  /**
   * The outputs for a batch already on the device ([N, ...inputShape]) as a tensor on it, in inference mode
   * (TensorFlow.js's model.apply): for reductions that read back a few numbers, not the predictions.
   */
  apply(x: Tensor): Tensor {
    this.build();
    return noGrad(() => forward(this.stack, x, { training: false, step: this.counter as Tensor }));
  }

  /** Every layer's output (and pre-activation z where it has one) for a batch, e.g. to draw each neuron. */
  async layerOutputs(x: unknown): Promise<LayerOutput[]> {
    const xs = this.prepareX(x);
    this.build();
    const input = ops.tensor(xs.values, xs.shape);
    try {
      return await layerOutputs(this.stack, input, this.counter as Tensor);
    } finally {
      input.dispose();
    }
  }

  /**
   * The forward and backward pass of one example (x of the input shape, or a batch of one):
   * per layer z, a, δ = dL/dz, dW, db, plus the loss. Dropout is off. Needs compile (for the loss).
   */
  async inspect(x: unknown, y: unknown): Promise<Inspection> {
    const xs = toHostArray(x, 'x');
    const one = formatShape(xs.shape) === formatShape(this.inputShape);
    const ys = typeof y === 'number' ? { shape: [1], values: Float32Array.of(y) } : toHostArray(y, 'y');
    const batched = one ? { shape: [1, ...xs.shape], values: xs.values } : xs;
    const yBatched = one && typeof y !== 'number' ? { shape: [1, ...ys.shape], values: ys.values } : ys;
    const scored = this.scored('inspect');
    const data = this.upload(this.prepareXY(batched, yBatched));
    try {
      return await inspect(this.stack, scored.params, scored.loss, data.x, data.y, scored.counter);
    } finally {
      release(data);
    }
  }

  /** Weights in Keras's order and layout: per layer kernel then bias. */
  async getWeights(): Promise<WeightValue[]> {
    this.build();
    const named = this.stack.flatMap((l) => l.params.map((p) => ({ name: `${l.name}/${p.name}`, t: p.variable })));
    return Promise.all(named.map(async ({ name, t }) => ({ name, shape: t.shape.slice(), values: await t.data() })));
  }

  /** Overwrites every weight in place (the optimizer keeps its state), in getWeights order. */
  setWeights(weights: readonly { shape: readonly number[]; values: ArrayLike<number>; name?: string }[]): void {
    const params = this.params;
    if (!Array.isArray(weights) || weights.length !== params.length) {
      throw new Error(`setWeights: expected ${params.length} weights (getWeights order), got ${Array.isArray(weights) ? weights.length : typeof weights}`);
    }
    const names = this.stack.flatMap((l) => l.params.map((p) => `${l.name}/${p.name}`));
    const b = activeBackend();
    params.forEach((p, i) => {
      const w = toHostArray(weights[i], `setWeights[${i}] (${names[i]})`);
      if (formatShape(w.shape) !== formatShape(p.variable.shape)) {
        throw new Error(`setWeights[${i}] (${names[i]}): expected shape ${formatShape(p.variable.shape)}, got ${formatShape(w.shape)}`);
      }
      const source = b.upload(w.values, w.shape);
      b.assign(p.variable.handle, source);
      b.dispose(source);
    });
  }

  /** A device-side copy of every weight (no host read), e.g. for early stopping's best weights. */
  snapshotWeights(): WeightSnapshot {
    const b = activeBackend();
    const handles = this.params.map((p) => {
      const copy = b.fill(p.variable.shape, 0);
      b.assign(copy, p.variable.handle);
      return copy;
    });
    return new DeviceSnapshot(handles, b);
  }

  restoreWeights(snapshot: WeightSnapshot): void {
    if (!(snapshot instanceof DeviceSnapshot)) throw new Error('restoreWeights: expected a snapshot from snapshotWeights()');
    const b = activeBackend();
    if (snapshot.backend !== b) throw new Error(`restoreWeights: the snapshot lives on the ${snapshot.backend.name} backend, the model on ${b.name}; take a snapshot on the model's backend`);
    this.params.forEach((p, i) => b.assign(p.variable.handle, snapshot.handles[i]));
  }

  /** Frees the weights, optimizer slots and step counter on the device; the model is unusable afterwards. */
  dispose(): void {
    this.calls.clear();
    const b = activeBackend();
    for (const slots of this.training?.state.slots ?? []) for (const h of slots) b.dispose(h);
    for (const layer of this.stack) for (const p of layer.params) b.dispose(p.variable.handle);
    if (this.counter) b.dispose(this.counter.handle);
    this.training = null;
  }

  /**
   * Architecture, compile config, weights and the optimizer's state (slots and step counter); JSON.stringify
   * the result to save it. fromJSON then continues training exactly where this model stands.
   */
  async toJSON(): Promise<ModelJSON> {
    const weights = await this.getWeights();
    const training = this.training;
    // The slots belong to the parameters that were trainable when the step was built.
    const paramNames = new Map(this.stack.flatMap((l) => l.params.map((p) => [p, `${l.name}/${p.name}`] as const)));
    const slotNames = training?.state.params.map((p) => paramNames.get(p) as string) ?? [];
    const state = training && (await readOptimizerState(training.state.optimizer.kind, slotNames, training.state.slots, training.state.counter.handle));
    return {
      format: MODEL_FORMAT,
      version: MODEL_FORMAT_VERSION,
      name: this.name,
      seed: this.seed,
      layers: this.stack.map((l) => ({ type: l.type, config: l.getConfig() })),
      compile: this.compiled && {
        optimizer: { type: this.compiled.optimizer.kind, ...withoutKind(this.compiled.optimizer) },
        loss: this.compiled.lossKind,
        metrics: this.compiled.metrics,
      },
      weights: weights.map(encodeArray),
      optimizerState: state && { step: state.step, slots: state.slots.map(encodeArray) },
    };
  }

  /** A model from toJSON's result or its text; a bad file throws naming the field and what was expected. */
  static fromJSON(json: unknown): Sequential {
    const m = checkModelJSON(json);
    const where = (i: number, type: string): string => `fromJSON: layers[${i}] (${type})`;
    const stack = m.layers.map((l, i) => {
      try {
        return layerFromConfig(l.type, l.config);
      } catch (e) {
        throw new Error(`${where(i, l.type)}: ${(e as Error).message.replace(/^fromJSON: /, '')}`);
      }
    });
    let model: Sequential;
    try {
      model = new Sequential(stack, { seed: m.seed, name: m.name });
      model.build();
    } catch (e) {
      throw new Error(`fromJSON: the layers do not form a model: ${(e as Error).message}`);
    }
    if (m.compile) {
      try {
        model.compile(m.compile as unknown as CompileOptions);
      } catch (e) {
        throw new Error(`fromJSON: compile: ${(e as Error).message.replace(/^compile: /, '')}`);
      }
    }
    const params = model.stack.flatMap((l) => l.params.map((p) => ({ name: `${l.name}/${p.name}`, shape: p.variable.shape })));
    if (m.weights.length !== params.length) {
      throw new Error(`fromJSON: ${m.weights.length} weights; expected ${params.length} for these layers (${params.map((p) => p.name).join(', ') || 'none'})`);
    }
    m.weights.forEach((w, i) => {
      if (w.name !== params[i].name) throw new Error(`fromJSON: weights[${i}] is "${w.name}"; expected "${params[i].name}"`);
      if (formatShape(w.shape) !== formatShape(params[i].shape)) {
        throw new Error(`fromJSON: weights[${i}] "${w.name}" has shape ${formatShape(w.shape)}; expected ${formatShape(params[i].shape)}`);
      }
    });
    model.setWeights(m.weights.map((w, i) => decodeArray(w, `fromJSON: weights[${i}]`)));
    if (m.optimizerState) {
      if (!m.compile) throw new Error('fromJSON: optimizerState is given but compile is null; expected compile with the optimizer it belongs to');
      const { state } = model.getTrainStep();
      const paramNames = new Map(model.stack.flatMap((l) => l.params.map((p) => [p, `${l.name}/${p.name}`] as const)));
      const slotNames = state.params.map((p) => paramNames.get(p) as string);
      const saved = { step: m.optimizerState.step, slots: m.optimizerState.slots.map((s, i) => decodeArray(s, `fromJSON: optimizerState.slots[${i}]`)) };
      writeOptimizerState(state.optimizer.kind, slotNames, state.slots, state.counter.handle, saved, 'fromJSON: optimizerState');
    }
    return model;
  }
}

/** Copies of the weights on the backend that took them: freed there, whichever backend is active later. */
class DeviceSnapshot implements WeightSnapshot {
  constructor(
    readonly handles: TensorHandle[],
    readonly backend: Backend,
  ) {}

  dispose(): void {
    for (const h of this.handles) this.backend.dispose(h);
  }
}

/** A fit call's data and passes, kept for the next fit with the same shapes and batch size. */
interface FitCall extends KeptCall {
  train: KeptSet;
  validation: KeptSet | null;
  passes: FitPasses;
}

function fitCall(host: FitHost, train: { x: HostArray; y: HostArray }, validation: { x: HostArray; y: HostArray } | null, batchSize: number): FitCall {
  const sets: KeptSet[] = [];
  try {
    const trainSet = new KeptSet(train);
    sets.push(trainSet);
    const validationSet = validation && new KeptSet(validation);
    if (validationSet) sets.push(validationSet);
    const passes = fitPasses(host, trainSet.device, validationSet?.device ?? null, batchSize);
    return {
      train: trainSet,
      validation: validationSet,
      passes,
      dispose() {
        passes.dispose();
        for (const s of sets) s.dispose();
      },
    };
  } catch (e) {
    for (const s of sets) s.dispose();
    throw e;
  }
}

/** An evaluate or predict call's data and pass. */
class PassCall<D extends KeptCall, T> implements KeptCall {
  constructor(
    readonly data: D,
    public pass: RepeatedPass<T>,
  ) {}

  /** Replace the pass (a one-off one by a repeated one). */
  repeat(pass: RepeatedPass<T>): void {
    this.pass.dispose();
    this.pass = pass;
  }

  dispose(): void {
    this.pass.dispose();
    this.data.dispose();
  }
}

/** Frees the device copies of data uploaded for one call (the training data of fit, a batch, ...). */
function release(...sets: (DeviceData | null)[]): void {
  for (const set of sets) {
    set?.x.dispose();
    set?.y.dispose();
  }
}

function withoutKind(config: OptimizerConfig): Omit<OptimizerConfig, 'kind'> {
  const { kind: _kind, ...rest } = config;
  return rest;
}

function chunkSize(options: PredictOptions, method: string): number {
  const size = options.batchSize ?? 1024;
  if (!Number.isInteger(size) || size < 1) throw new Error(`${method}: batchSize must be a positive integer, got ${options.batchSize}`);
  return size;
}
