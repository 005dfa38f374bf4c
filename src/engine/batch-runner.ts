// Passes over a device-resident data set in batches, what model.fit, evaluate and predict run:
// a function of one batch's rows, applied batch after batch in a given row order, the last batch short
// when the batch size does not divide the rows (as Keras).
//
// On WebGPU the function is traced twice, once for a full batch and once for the short last one, and
// each batch is a replay of one of the two plans: no buffer, bind group or pipeline is created per batch,
// and a whole pass of full batches goes out in a few submits. The full-batch plan takes its rows with the
// batch-index kernel, order[t·batch … t·batch + batch − 1] for its counter t; the short batch reads the
// last rows of the order directly. A new order is written into the same index buffers (no re-trace).
// A training step's short batch runs eagerly instead (see `updatesParameters`): once per epoch.
// On the CPU backend, and for data past the batch-index kernel's 65,535 rows, the function runs eagerly.
import type { GpuPlan } from './backend/webgpu/plan-recorder';
import type { WebGPUBackend } from './backend/webgpu/webgpu-backend';
import { counterBits } from './counter';
import { gatherRows, tensor, write } from './ops';
import { activeBackend } from './registry';
import { Tensor, tensorsIn, tidy } from './tensor';

/** Rows the batch-index kernel addresses (layout.wgsl batch_indices keeps its arithmetic in u32). */
const MAX_TRACED_ROWS = 65535;
/** A counter's value 0, to rewind the batch counter at the start of a pass. */
const COUNTER_ZERO = counterBits(0);
/** Replayed batches per submit: long passes are split so no single command buffer runs for seconds. */
const BATCHES_PER_SUBMIT = 128;

export function isWebGPU(b: unknown): b is WebGPUBackend {
  return (b as { name?: string }).name === 'webgpu' && typeof (b as Partial<WebGPUBackend>).trace === 'function';
}

export interface BatchRunnerOptions<T> {
  /** Rows [n, ...]; the caller keeps ownership. */
  x: Tensor;
  /** Targets [n, ...] cut into the same batches, or null. */
  y: Tensor | null;
  batchSize: number;
  /**
   * One batch: `size` rows of x (and of y). Returns tensors (a tensor, or arrays and plain objects of them)
   * that the caller reads after `run`. It may update state in place (optimizer steps, running sums), but
   * must not read values back: on WebGPU it is recorded once per batch size and replayed. The tensors it
   * returns are its own (created in it): they are freed with the runner.
   */
  fn: (x: Tensor, y: Tensor | null, size: number) => T;
  /**
   * Whether `fn` updates parameters (a training step). A traced plan packs the parameters it updates into
   * arenas of its own, so only one plan may update them: the short last batch then runs eagerly.
   */
  updatesParameters?: boolean;
  /**
   * Whether passes will be run many times (fit's epochs, its validation). A single pass of one or two
   * batches runs eagerly: tracing it would create as many bind groups as running it, plus the index work.
   */
  repeated?: boolean;
}

export interface BatchRunner<T> {
  /** `plan`: traced and replayed (WebGPU); `eager`: op by op. */
  readonly path: 'plan' | 'eager';
  /** Why the runner is eager on WebGPU (null otherwise). */
  readonly eagerReason: string | null;
  /** Eager only because it was made for a single pass (not `repeated`): made again `repeated`, it would trace. */
  readonly oneOff: boolean;
  /** Batches in one pass: ⌈n / batchSize⌉. */
  readonly batches: number;
  /** Rows in batch `i` of a pass. */
  batchRows(i: number): number;
  /** Start a pass over the rows in `order` (a permutation of 0 … n−1; identity when omitted). */
  begin(order?: ArrayLike<number>): void;
  /** Batches of the current pass run so far. */
  readonly done: number;
  /**
   * Run the pass's next `count` batches (fewer when the pass ends first) and return the last one's result.
   * Its tensors hold their values until the next `run`, `rebuild` or `dispose`; read them before then.
   */
  run(count: number): T;
  /** Record the function again (on WebGPU), e.g. after an optimizer setting it bakes in has changed. */
  rebuild(): void;
  dispose(): void;
}

export function createBatchRunner<T>(options: BatchRunnerOptions<T>): BatchRunner<T> {
  const { x, y, batchSize } = options;
  const rows = x.shape[0];
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batches: batchSize must be a positive integer, got ${batchSize}`);
  if (!(rows > 0)) throw new Error(`batches: x must have at least one row, got shape [${x.shape.join(', ')}]`);
  if (y && y.shape[0] !== rows) throw new Error(`batches: y has ${y.shape[0]} rows, x has ${rows}`);
  const backend = activeBackend();
  if (!isWebGPU(backend)) return eagerRunner(options, rows, null);
  if (rows > MAX_TRACED_ROWS) return eagerRunner(options, rows, `${rows} rows exceed the ${MAX_TRACED_ROWS} the batch-index kernel addresses`);
  if (!options.repeated && shape(rows, batchSize).batches <= 2) return eagerRunner(options, rows, 'a single pass of at most two batches', true);
  return tracedRunner(backend, options, rows);
}

function checkedOrder(order: ArrayLike<number> | undefined, rows: number): Float32Array {
  const out = order ? Float32Array.from(order) : Float32Array.from({ length: rows }, (_, i) => i);
  if (out.length !== rows || out.some((v) => !Number.isInteger(v) || v < 0 || v >= rows)) {
    throw new Error(`batches: order must list ${rows} row indices in [0, ${rows})`);
  }
  return out;
}

function shape(rows: number, batchSize: number): { full: number; tail: number; batches: number; batchRows: (i: number) => number } {
  const full = Math.floor(rows / batchSize);
  const tail = rows - full * batchSize;
  const batches = full + (tail > 0 ? 1 : 0);
  return { full, tail, batches, batchRows: (i) => (i < full ? batchSize : tail) };
}

/** Runs `fn` eagerly on the rows order[start … start + size), in a tidy that keeps only its result. */
function eagerBatch<T>(options: BatchRunnerOptions<T>, order: Float32Array, start: number, size: number): T {
  const { x, y, fn } = options;
  return tidy(() => {
    const indices = tensor(order.subarray(start, start + size), [size]);
    return fn(gatherRows(x, indices), y && gatherRows(y, indices), size);
  });
}

function freeTensors(value: unknown): void {
  for (const t of tensorsIn(value)) if (!t.handle.disposed) t.dispose();
}

function eagerRunner<T>(options: BatchRunnerOptions<T>, rows: number, eagerReason: string | null, oneOff = false): BatchRunner<T> {
  const { batchSize } = options;
  const { batches, batchRows } = shape(rows, batchSize);
  let order = checkedOrder(undefined, rows);
  let done = 0;
  let last: T | null = null;
  const release = (): void => {
    freeTensors(last);
    last = null;
  };
  return {
    path: 'eager',
    eagerReason,
    oneOff,
    batches,
    batchRows,
    begin(next) {
      order = checkedOrder(next, rows);
      done = 0;
    },
    get done() {
      return done;
    },
    run(count) {
      let ran = false;
      for (let k = 0; k < count && done < batches; k++, done++) {
        ran = true;
        release();
        last = eagerBatch(options, order, done * batchSize, batchRows(done));
      }
      if (!ran || last === null) throw new Error('batches.run: the pass has no batches left; call begin() first');
      return last;
    },
    rebuild() {},
    dispose: release,
  };
}

function tracedRunner<T>(backend: WebGPUBackend, options: BatchRunnerOptions<T>, rows: number): BatchRunner<T> {
  const { x, y, batchSize, fn } = options;
  const { full, tail, batches, batchRows } = shape(rows, batchSize);
  const tailTraced = tail > 0 && !options.updatesParameters;
  // The index buffers the plans read: all rows in pass order (the full batches walk it), and the tail's.
  let hostOrder = checkedOrder(undefined, rows);
  const order = tensor(hostOrder, [rows]);
  const tailOrder = tailTraced ? tensor(hostOrder.slice(full * batchSize), [tail]) : null;
  const counter = new Tensor(backend.createCounter(0));

  interface Traced {
    plan: GpuPlan;
    result: T;
  }
  let fullPlan: Traced | null = null;
  let tailPlan: Traced | null = null;
  /** The short last batch's result when it ran eagerly (freed at the next run). */
  let eagerTail: T | null = null;
  // In a tidy: the plan frees the storages of the tensors disposed here when it is disposed (the result's
  // once they are disposed too, see freePlan).
  const trace = (batch: () => T): Traced => backend.trace(() => tidy(batch));
  const freePlan = (traced: Traced | null): void => {
    traced?.plan.dispose();
    freeTensors(traced?.result);
  };
  const record = (): void => {
    fullPlan =
      full > 0
        ? trace(() => {
            const indices = new Tensor(backend.batchIndices(order.handle, counter.handle, batchSize));
            return fn(gatherRows(x, indices), y && gatherRows(y, indices), batchSize);
          })
        : null;
    try {
      tailPlan = tailOrder ? trace(() => fn(gatherRows(x, tailOrder), y && gatherRows(y, tailOrder), tail)) : null;
    } catch (e) {
      freePlan(fullPlan);
      fullPlan = null;
      throw e;
    }
  };
  const release = (): void => {
    freePlan(fullPlan);
    freePlan(tailPlan);
    fullPlan = tailPlan = null;
    freeTensors(eagerTail);
    eagerTail = null;
  };
  record();

  let done = 0;
  let disposed = false;
  return {
    path: 'plan',
    eagerReason: null,
    oneOff: false,
    batches,
    batchRows,
    begin(next) {
      const nextOrder = checkedOrder(next, rows);
      // A pass in the same order as the last (evaluate's, validation's) writes nothing.
      if (nextOrder.some((v, i) => v !== hostOrder[i])) {
        hostOrder = nextOrder;
        write(order, hostOrder);
        if (tailOrder) write(tailOrder, hostOrder.subarray(full * batchSize));
      }
      write(counter, COUNTER_ZERO);
      done = 0;
    },
    get done() {
      return done;
    },
    run(count) {
      if (disposed) throw new Error('batches.run: the runner was disposed');
      // Another plan packed the parameters this one updates (see GpuPlan.current).
      if (fullPlan && !fullPlan.plan.current) {
        release();
        record();
      }
      freeTensors(eagerTail);
      eagerTail = null;
      let left = count;
      let result: T | null = null;
      while (left > 0 && done < full) {
        const k = Math.min(left, full - done, BATCHES_PER_SUBMIT);
        fullPlan!.plan.replay(k);
        done += k;
        left -= k;
        result = fullPlan!.result;
      }
      if (left > 0 && tail > 0 && done === full) {
        if (tailPlan) {
          tailPlan.plan.replay(1);
          result = tailPlan.result;
        } else {
          result = eagerTail = eagerBatch(options, hostOrder, full * batchSize, tail);
        }
        done++;
      }
      if (result === null) throw new Error('batches.run: the pass has no batches left; call begin() first');
      return result;
    },
    rebuild() {
      release();
      record();
    },
    dispose() {
      disposed = true;
      release();
      for (const t of [order, tailOrder, counter]) t?.dispose();
    },
  };
}
