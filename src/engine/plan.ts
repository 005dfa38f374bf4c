// Trace once, replay many: a trainer that runs many training steps per submit with no host work per step.
//
// compileTrainer uploads the training set once, then on WebGPU records one step into a plan:
//   indices = order[(t·batch + r) mod n]   (one kernel, reading and advancing the trainer's counter t)
//   x, y    = gatherRows(data, indices)
//   loss    = step(x, y)                   (forward, loss, backward, optimizer update, step counter)
// and `run(k)` replays it k times in ONE queue.submit: no buffer, bind group or pipeline is created and
// nothing is awaited. `latestLoss()` reads the last step's loss back asynchronously (call it at most once
// per animation frame; concurrent calls share one readback). On the CPU backend the same API runs the
// steps eagerly, so callers need not care which backend is active.
//
// For a small dense network (`dense`, from src/nn's getTrainStep) the WebGPU trainer records instead the
// fused step of shaders/dense_step.wgsl: the whole step above as ONE dispatch (see `path`).
//
// Batches walk `order` cyclically and never end short: step t takes the rows at positions
// t·batch … t·batch + batch − 1 (mod n). Rebuild the trainer (or call `rebuild()`) when the architecture,
// batch size, optimizer or learning rate changes: their values are part of the recorded plan.
import type { Shape } from './backend/backend';
import type { DeviceEvent } from './backend/webgpu/executor';
import type { GpuPlan } from './backend/webgpu/plan-recorder';
import type { WebGPUBackend } from './backend/webgpu/webgpu-backend';
import { gatherRows, tensor } from './ops';
import { activeBackend } from './registry';
import { shapeSize } from './shape';
import { Tensor, tidy } from './tensor';
import { denseStepObstacle, type DenseStepSpec } from './dense-step';
import { fusedDenseTrainer } from './backend/wasm/dense-trainer';
import { hostDenseStepObstacle } from './backend/wasm/dense-step';
import { isWebGPU } from './batch-runner';

export interface TrainerData {
  /** Inputs, row-major [n, ...]. */
  x: Float32Array;
  xShape: Shape;
  /** Targets, row-major [n, ...]. */
  y: Float32Array;
  yShape: Shape;
}

export interface CompileTrainerOptions {
  /** One training step on a batch; returns the loss tensor (e.g. `model.getTrainStep().step`). */
  step: (x: Tensor, y: Tensor) => Tensor;
  data: TrainerData;
  batchSize: number;
  /** Row order the batches walk (default 0 … n−1). */
  order?: ArrayLike<number>;
  /** The same step described as a dense network (src/nn's `getTrainStep().dense`): WebGPU then fuses it. */
  dense?: DenseStepSpec | null;
}

/**
 * How a trainer runs its steps: `fused` one dispatch per step (dense_step.wgsl), `plan` a traced step
 * replayed, `eager` op by op on the CPU backend.
 */
export type TrainerPath = 'fused' | 'plan' | 'eager';

export interface Trainer {
  /** Queue `steps` training steps (one submit on WebGPU). Returns the steps queued: 0 while a lost device recovers. */
  run(steps: number): number;
  /** Steps run so far. */
  readonly steps: number;
  /** Dispatches one step encodes on WebGPU (0 on the CPU). */
  readonly dispatchesPerStep: number;
  readonly path: TrainerPath;
  /** Why a `dense` step is not fused here (null when it is, or when none was given). */
  readonly unfusedReason: string | null;
  /** The loss of the latest step, read back without blocking. */
  latestLoss(): Promise<number>;
  /** Change the row order (e.g. a reshuffle per epoch): one upload, no rebuild. */
  setOrder(order: ArrayLike<number>): void;
  /** Re-record the step (after a learning-rate change, say). */
  rebuild(): void;
  /** Copy the step's state (parameters, optimizer slots, counters) to the host for device-loss recovery. */
  snapshot(): Promise<void>;
  dispose(): void;
}

function checkOptions(o: CompileTrainerOptions): number {
  const { x, xShape, y, yShape } = o.data;
  const n = xShape[0];
  if (!Number.isInteger(o.batchSize) || o.batchSize < 1) throw new Error(`compileTrainer: batchSize must be a positive integer, got ${o.batchSize}`);
  if (!(n > 0)) throw new Error(`compileTrainer: data.xShape must start with a positive row count, got [${xShape.join(', ')}]`);
  if (yShape[0] !== n) throw new Error(`compileTrainer: data.yShape [${yShape.join(', ')}] must have the ${n} rows of xShape`);
  if (x.length !== shapeSize(xShape)) throw new Error(`compileTrainer: data.x has ${x.length} values, xShape [${xShape.join(', ')}] needs ${shapeSize(xShape)}`);
  if (y.length !== shapeSize(yShape)) throw new Error(`compileTrainer: data.y has ${y.length} values, yShape [${yShape.join(', ')}] needs ${shapeSize(yShape)}`);
  return n;
}

function orderArray(order: ArrayLike<number> | undefined, n: number): Float32Array {
  const out = order ? Float32Array.from(order) : Float32Array.from({ length: n }, (_, i) => i);
  if (out.length !== n || out.some((v) => !Number.isInteger(v) || v < 0 || v >= n)) {
    throw new Error(`compileTrainer: order must list ${n} row indices in [0, ${n})`);
  }
  return out;
}

export function compileTrainer(options: CompileTrainerOptions): Trainer {
  const n = checkOptions(options);
  const backend = activeBackend();
  // Host backends that declare a fused dense step (the wasm backend) run a small dense network as one loop.
  const dense = options.dense;
  if (dense && backend.capabilities?.fusedDenseStep) {
    const obstacle = hostDenseStepObstacle(dense, options.batchSize);
    if (obstacle === null) return fusedDenseTrainer({ ...options, dense }, (order) => orderArray(order, n));
    return eagerTrainer(options, n, obstacle);
  }
  return isWebGPU(backend) ? gpuTrainer(backend, options, n) : eagerTrainer(options, n);
}

/** Records the step into a plan for the current order; owns the device copies of the training set it needs. */
interface StepRecorder {
  record(order: Float32Array): { plan: GpuPlan; loss: Tensor };
  dispose(): void;
}

/** The generic plan: batch indices, two row gathers and the traced step. */
function tracedStepRecorder(backend: WebGPUBackend, options: CompileTrainerOptions, counter: Tensor): StepRecorder {
  const { data, batchSize, step } = options;
  const x = tensor(data.x, data.xShape);
  const y = tensor(data.y, data.yShape);
  // Data the host already holds doubles as its snapshot after a device loss.
  backend.keepSnapshot(x.handle, data.x);
  backend.keepSnapshot(y.handle, data.y);
  let orderT: Tensor | null = null;
  return {
    record(order) {
      // A fresh order tensor, so steps already queued still read the old order.
      const old = orderT;
      const current = tensor(order, [order.length]);
      backend.keepSnapshot(current.handle, order);
      orderT = current;
      // In a tidy, so the plan frees the step's temporaries when it is disposed.
      const traced = backend.trace(() =>
        tidy(() => {
          const indices = new Tensor(backend.batchIndices(current.handle, counter.handle, batchSize));
          return step(gatherRows(x, indices), gatherRows(y, indices));
        }),
      );
      old?.dispose();
      return { plan: traced.plan, loss: traced.result };
    },
    dispose() {
      for (const t of [x, y, orderT]) t?.dispose();
    },
  };
}

/** The fused dense step: it uploads the training set with the order packed into its own buffer. */
function denseStepRecorder(backend: WebGPUBackend, options: CompileTrainerOptions, dense: DenseStepSpec, counter: Tensor): StepRecorder {
  const { data, batchSize } = options;
  return {
    record(order) {
      const traced = backend.traceDenseStep(dense, { x: data.x, y: data.y, order, rows: order.length }, batchSize, counter.handle);
      return { plan: traced.plan, loss: new Tensor(traced.result) };
    },
    dispose() {},
  };
}

function gpuTrainer(backend: WebGPUBackend, options: CompileTrainerOptions, n: number): Trainer {
  let order = orderArray(options.order, n);
  const counter = new Tensor(backend.createCounter(0));
  const dense = options.dense ?? null;
  const unfusedReason = dense && denseStepObstacle(dense, { x: options.data.x, y: options.data.y, order, rows: n }, options.batchSize);
  const fused = dense !== null && unfusedReason === null;
  const recorder = fused ? denseStepRecorder(backend, options, dense, counter) : tracedStepRecorder(backend, options, counter);

  let plan: GpuPlan;
  let loss: Tensor;
  const record = (): void => {
    ({ plan, loss } = recorder.record(order));
  };
  /** The plan and its loss output (freed once both are let go). */
  const dropPlan = (): void => {
    plan.dispose();
    loss.dispose();
  };
  try {
    record();
  } catch (e) {
    // Refused (bad data, say): nothing of the trainer stays allocated.
    recorder.dispose();
    counter.dispose();
    throw e;
  }

  let steps = 0;
  let pending: Promise<number> | null = null;
  let lastSnapshot = 0;
  let recovering = false;
  const unsubscribe = backend.onDeviceEvent((e: DeviceEvent) => {
    recovering = e.type === 'lost';
  });

  const snapshot = async (): Promise<void> => {
    lastSnapshot = Date.now();
    await backend.snapshotStorages(plan.state);
  };

  return {
    run(k) {
      if (recovering || backend.executor.recovering) return 0;
      // Another plan packed the parameters this one updates (see GpuPlan.current).
      if (!plan.current) {
        dropPlan();
        record();
      }
      plan.replay(k);
      steps += k;
      return k;
    },
    get steps() {
      return steps;
    },
    get dispatchesPerStep() {
      return plan.dispatchesPerStep;
    },
    path: fused ? 'fused' : 'plan',
    unfusedReason: unfusedReason ?? null,
    latestLoss() {
      pending ??= backend
        .read(loss.handle)
        .then((v) => v[0])
        .finally(() => {
          pending = null;
          // Keep a recovery point about once a second, riding on the loss readback's cadence.
          if (Date.now() - lastSnapshot > 1000) void snapshot();
        });
      return pending;
    },
    setOrder(next) {
      order = orderArray(next, n);
      dropPlan();
      record();
    },
    rebuild() {
      dropPlan();
      record();
    },
    snapshot,
    dispose() {
      unsubscribe();
      dropPlan();
      recorder.dispose();
      counter.dispose();
    },
  };
}

function eagerTrainer(options: CompileTrainerOptions, n: number, unfusedReason = 'the CPU backend runs steps op by op'): Trainer {
  const { data, batchSize, step } = options;
  let order = orderArray(options.order, n);
  const x = tensor(data.x, data.xShape);
  const y = tensor(data.y, data.yShape);
  let steps = 0;
  let loss: Tensor | null = null;
  const indices = new Float32Array(batchSize);
  return {
    run(k) {
      for (let s = 0; s < k; s++) {
        const first = ((steps % n) * (batchSize % n)) % n;
        for (let r = 0; r < batchSize; r++) indices[r] = order[(first + r) % n];
        loss?.dispose();
        // In a tidy, so the batch's tensors are disposed: their arrays go back to the backend's pool.
        loss = tidy(() => {
          const idx = tensor(indices, [batchSize]);
          return step(gatherRows(x, idx), gatherRows(y, idx));
        });
        steps++;
      }
      return k;
    },
    get steps() {
      return steps;
    },
    dispatchesPerStep: 0,
    path: 'eager',
    unfusedReason: options.dense ? unfusedReason : null,
    async latestLoss() {
      if (!loss) throw new Error('latestLoss: no step has run yet');
      return (await loss.data())[0];
    },
    setOrder(next) {
      order = orderArray(next, n);
    },
    rebuild() {},
    async snapshot() {},
    dispose() {
      x.dispose();
      y.dispose();
    },
  };
}
