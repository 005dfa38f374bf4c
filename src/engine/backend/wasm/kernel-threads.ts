// Worker threads for the WebAssembly matmul: each worker instantiates the shared-memory kernel module on the
// same WebAssembly.Memory, and a product is split into blocks of rows (or columns) of C, one per thread.
// The backend's API is synchronous, so the calling thread computes its own block and then spins on
// Atomics.load until the workers are done (Atomics.wait is not allowed on a page's main thread; a spin of
// the length of one block is what the caller would have spent computing it alone).
//
// Workers run a short script from a string (a blob: URL in browsers, `eval` in Node's worker_threads), so
// the engine needs no worker entry for the bundler. Jobs travel through a small SharedArrayBuffer:
//   [GENERATION] bumped per job (workers Atomics.wait on it), [PENDING] workers still busy,
//   [FAILED] set by a worker whose kernel threw, then per worker ARGS_PER_WORKER ints: has-work + arguments.

const GENERATION = 0;
const PENDING = 1;
const FAILED = 2;
const HEADER = 4;
/** has-work flag + matmul's 12 arguments. */
const ARGS_PER_WORKER = 13;

/** The matmul export's arguments (byte addresses and float strides), see assembly/kernels.ts. */
export type MatmulArgs = [a: number, aRow: number, aCol: number, b: number, bRow: number, bCol: number, c: number, ldc: number, m: number, n: number, k: number, scratch: number];

// Plain JavaScript, run as the worker's whole script. It never returns to its event loop after the
// start message: it waits for jobs until terminated.
const WORKER_SOURCE = `
const port = typeof self === 'undefined' ? require('node:worker_threads').parentPort : self;
function start({ module, memory, control, index }) {
  const kernels = new WebAssembly.Instance(module, { env: { memory } }).exports;
  const ctl = new Int32Array(control);
  const at = ${HEADER} + index * ${ARGS_PER_WORKER};
  let seen = Atomics.load(ctl, ${GENERATION});
  port.postMessage('ready');
  for (;;) {
    Atomics.wait(ctl, ${GENERATION}, seen);
    seen = Atomics.load(ctl, ${GENERATION});
    if (ctl[at] === 1) {
      try {
        kernels.matmul(...Array.from(ctl.subarray(at + 1, at + ${ARGS_PER_WORKER})));
      } catch (e) {
        Atomics.store(ctl, ${FAILED}, 1);
      }
    }
    Atomics.sub(ctl, ${PENDING}, 1);
  }
}
if (typeof self === 'undefined') port.once('message', start);
else self.onmessage = (e) => start(e.data);
`;

interface AnyWorker {
  postMessage(message: unknown): void;
  terminate(): unknown;
}

/** Node's worker_threads, where this runs in Node (process.getBuiltinModule: no import for the bundler to see). */
type NodeWorker = AnyWorker & { once(e: string, f: (v: unknown) => void): void; unref(): void };

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

export class KernelThreads {
  private readonly ctl: Int32Array;
  /** Jobs handed to workers so far (tests check that threads did the work). */
  workerJobs = 0;

  private constructor(
    private readonly workers: AnyWorker[],
    control: SharedArrayBuffer,
  ) {
    this.ctl = new Int32Array(control);
  }

  /** Start `count` workers on `module` (the shared-memory kernels) and `memory`; resolves once all listen. */
  static async start(module: WebAssembly.Module, memory: WebAssembly.Memory, count: number): Promise<KernelThreads> {
    const control = new SharedArrayBuffer((HEADER + count * ARGS_PER_WORKER) * 4);
    const spawned = Array.from({ length: count }, spawn);
    const threads = new KernelThreads(
      spawned.map((s) => s.worker),
      control,
    );
    spawned.forEach((s, index) => s.worker.postMessage({ module, memory, control, index }));
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

  /**
   * Run `jobs[0]` on the calling thread and `jobs[1…]` on the workers (at most one each), returning when
   * all are done; `run` is the caller's own matmul export.
   */
  runAll(jobs: MatmulArgs[], run: (...args: MatmulArgs) => void): void {
    const ctl = this.ctl;
    const others = jobs.length - 1;
    if (others > this.workers.length) throw new Error(`wasm backend: ${jobs.length} blocks for ${this.count} threads`);
    for (let w = 0; w < this.workers.length; w++) {
      const at = HEADER + w * ARGS_PER_WORKER;
      const job = jobs[w + 1];
      ctl[at] = job ? 1 : 0;
      if (job) ctl.set(job, at + 1);
    }
    Atomics.store(ctl, FAILED, 0);
    Atomics.store(ctl, PENDING, this.workers.length);
    Atomics.add(ctl, GENERATION, 1);
    Atomics.notify(ctl, GENERATION);
    this.workerJobs += others;
    let error: unknown = null;
    try {
      run(...jobs[0]);
    } catch (e) {
      error = e;
    }
    while (Atomics.load(ctl, PENDING) !== 0);
    if (error) throw error;
    if (Atomics.load(ctl, FAILED)) throw new Error('wasm backend: a matmul kernel failed in a worker thread');
  }

  terminate(): void {
    for (const w of this.workers) w.terminate();
  }
}
