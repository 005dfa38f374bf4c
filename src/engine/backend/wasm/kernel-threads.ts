// Worker threads for the WebAssembly matmul: each worker instantiates the shared-memory kernel module on the
// same WebAssembly.Memory, and a product is split into blocks of rows (or columns) of C, a few per thread.
// The backend's API is synchronous, so the calling thread works through the blocks too and then spins on
// Atomics.load for those still in progress where it may not block (a page's main thread: Atomics.wait throws
// there), and Atomics.waits for them elsewhere (a Web Worker, Node), leaving the core to the workers. Every
// thread claims blocks one at a time, so a worker the OS has not scheduled (a loaded machine) holds up at
// most the one block it claimed, not a fixed share.
//
// Workers run a short script from a string (a blob: URL in browsers, `eval` in Node's worker_threads), so
// the engine needs no worker entry for the bundler. Jobs travel through a small SharedArrayBuffer:
//   [GENERATION] bumped per job (workers Atomics.wait on it), [FAILED] set by a thread whose kernel threw,
//   [BLOCKS] the job's block count, then per block ARGS_PER_BLOCK ints: its state (IDLE, POSTED, CLAIMED,
//   DONE) and its matmul arguments. A block is claimed by compare-exchange POSTED → CLAIMED, so it runs once.

const GENERATION = 0;
const FAILED = 1;
const BLOCKS = 2;
const HEADER = 4;
/** State + matmul's 12 arguments. */
const ARGS_PER_BLOCK = 13;
const IDLE = 0;
const POSTED = 1;
const CLAIMED = 2;
const DONE = 3;
/** Blocks per thread a product is cut into: enough to even out a late thread, few enough that packing stays small. */
export const BLOCKS_PER_THREAD = 3;

/** The matmul export's arguments (byte addresses and float strides), see assembly/kernels.ts. */
export type MatmulArgs = [a: number, aRow: number, aCol: number, b: number, bRow: number, bCol: number, c: number, ldc: number, m: number, n: number, k: number, scratch: number];

// Plain JavaScript, run as the worker's whole script. It never returns to its event loop after the
// start message: it waits for jobs until terminated. Each thread passes its own scratch (the last argument
// is a base; thread t adds t · scratchBytes).
const WORKER_SOURCE = `
const port = typeof self === 'undefined' ? require('node:worker_threads').parentPort : self;
function start({ module, memory, control, thread, scratchBytes }) {
  const kernels = new WebAssembly.Instance(module, { env: { memory } }).exports;
  const ctl = new Int32Array(control);
  let seen = Atomics.load(ctl, ${GENERATION});
  port.postMessage('ready');
  for (;;) {
    Atomics.wait(ctl, ${GENERATION}, seen);
    seen = Atomics.load(ctl, ${GENERATION});
    const blocks = Atomics.load(ctl, ${BLOCKS});
    for (let i = 0; i < blocks; i++) {
      const at = ${HEADER} + i * ${ARGS_PER_BLOCK};
      if (Atomics.compareExchange(ctl, at, ${POSTED}, ${CLAIMED}) !== ${POSTED}) continue;
      try {
        const args = Array.from(ctl.subarray(at + 1, at + ${ARGS_PER_BLOCK}));
        args[11] += thread * scratchBytes;
        kernels.matmul(...args);
      } catch (e) {
        Atomics.store(ctl, ${FAILED}, 1);
      }
      Atomics.store(ctl, at, ${DONE});
      Atomics.notify(ctl, at);
    }
  }
}
if (typeof self === 'undefined') port.once('message', start);
else self.onmessage = (e) => start(e.data);
`;

interface AnyWorker {
  postMessage(message: unknown): void;
  terminate(): unknown;
}

type NodeWorker = AnyWorker & { once(e: string, f: (v: unknown) => void): void; unref(): void };

/** Node's worker_threads, where this runs in Node (process.getBuiltinModule: no import for the bundler to see). */
function nodeWorkerThreads(): { Worker: new (source: string, options: { eval: true }) => NodeWorker } | null {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return (proc?.getBuiltinModule?.('node:worker_threads') as ReturnType<typeof nodeWorkerThreads>) ?? null;
}

function spawn(): { worker: AnyWorker; ready: Promise<void> } {
  const node = nodeWorkerThreads();
  if (node) {
    const worker = new node.Worker(WORKER_SOURCE, { eval: true });
    // Idle kernel workers must not keep a Node process alive.
    worker.unref();
    const ready = new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
    });
    return { worker, ready };
  }
  const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
  const worker = new Worker(url);
  URL.revokeObjectURL(url);
  const ready = new Promise<void>((resolve, reject) => {
    worker.onmessage = () => resolve();
    worker.onerror = (e) => reject(new Error(`wasm backend: a kernel worker failed to start: ${e.message}`));
  });
  return { worker, ready };
}

/** Atomics.wait throws where the agent may not block, before it compares: probe with a value that differs. */
function mayBlock(ctl: Int32Array): boolean {
  try {
    Atomics.wait(ctl, GENERATION, Atomics.load(ctl, GENERATION) + 1, 0);
    return true;
  } catch {
    return false;
  }
}

export class KernelThreads {
  private readonly ctl: Int32Array;
  /** Whether this thread may block in Atomics.wait (not a page's main thread). */
  private readonly canWait: boolean;
  /** Blocks run so far, and how many of them on the calling thread (tests check that workers ran some). */
  blocksRun = 0;
  callerBlocks = 0;

  private constructor(
    private readonly workers: AnyWorker[],
    control: SharedArrayBuffer,
  ) {
    this.ctl = new Int32Array(control);
    this.canWait = mayBlock(this.ctl);
  }

  /** Start `count` workers on `module` (the shared-memory kernels) and `memory`; resolves once all listen. */
  static async start(module: WebAssembly.Module, memory: WebAssembly.Memory, count: number, scratchBytes: number): Promise<KernelThreads> {
    const control = new SharedArrayBuffer((HEADER + (count + 1) * BLOCKS_PER_THREAD * ARGS_PER_BLOCK) * 4);
    const spawned = Array.from({ length: count }, spawn);
    const threads = new KernelThreads(
      spawned.map((s) => s.worker),
      control,
    );
    spawned.forEach((s, index) => s.worker.postMessage({ module, memory, control, thread: index + 1, scratchBytes }));
    try {
      await Promise.all(spawned.map((s) => s.ready));
    } catch (e) {
      threads.terminate();
      throw e;
    }
    return threads;
  }

  /** Threads a product runs on: the workers and the caller. */
  get count(): number {
    return this.workers.length + 1;
  }

  /** Most blocks one product may be cut into. */
  get maxBlocks(): number {
    return this.count * BLOCKS_PER_THREAD;
  }

  /**
   * Run every block (the last argument of each is the scratch base: the caller uses it, worker t adds
   * t · scratchBytes),
   * on the workers and the calling thread, returning when all are done; `run` is the caller's own
   * matmul export.
   */
  runAll(blocks: MatmulArgs[], run: (...args: MatmulArgs) => void): void {
    const ctl = this.ctl;
    if (blocks.length > this.maxBlocks) throw new Error(`wasm backend: ${blocks.length} blocks, at most ${this.maxBlocks}`);
    const slot = (i: number): number => HEADER + i * ARGS_PER_BLOCK;
    for (let i = 0; i < this.maxBlocks; i++) {
      const block = blocks[i];
      if (block) ctl.set(block, slot(i) + 1);
      Atomics.store(ctl, slot(i), block ? POSTED : IDLE);
    }
    Atomics.store(ctl, BLOCKS, blocks.length);
    Atomics.store(ctl, FAILED, 0);
    Atomics.add(ctl, GENERATION, 1);
    Atomics.notify(ctl, GENERATION);
    let error: unknown = null;
    for (let i = 0; i < blocks.length; i++) {
      if (Atomics.compareExchange(ctl, slot(i), POSTED, CLAIMED) !== POSTED) continue;
      this.callerBlocks++;
      try {
        run(...blocks[i]);
      } catch (e) {
        error ??= e;
      }
      Atomics.store(ctl, slot(i), DONE);
    }
    for (let i = 0; i < blocks.length; i++) {
      while (Atomics.load(ctl, slot(i)) === CLAIMED) if (this.canWait) Atomics.wait(ctl, slot(i), CLAIMED);
    }
    this.blocksRun += blocks.length;
    if (error) throw error;
    if (Atomics.load(ctl, FAILED)) throw new Error('wasm backend: a matmul kernel failed in a worker thread');
  }

  terminate(): void {
    for (const w of this.workers) w.terminate();
  }
}
