// What the runner (Node) and the bench page (browser) agree on: engines, budgets, one cell's result.

/** A library the bench drives: this engine, or a peer. */
export type Library = 'ours' | 'jax' | 'convnetjs' | 'tfjs';

/**
 * Every engine, in table order. `page` says where a cell runs: 'isolated' is the bench page served with
 * COOP/COEP headers (cross-origin isolated: SharedArrayBuffer and WebAssembly threads available), 'plain'
 * the same page without them. `column` merges engines into one table column that shows the better value
 * (ours and jax-js WASM, single-threaded and with worker threads).
 */
export const ENGINE_INFO = {
  ours_webgpu: { label: 'ours WebGPU', library: 'ours', device: 'webgpu', page: 'isolated', column: 'ours_webgpu' },
  ours_cpu: { label: 'ours CPU', library: 'ours', device: 'cpu', page: 'isolated', column: 'ours_cpu' },
  ours_wasm_1t: { label: 'ours WASM, 1 thread', library: 'ours', device: 'wasm', page: 'plain', column: 'ours_wasm' },
  ours_wasm_mt: { label: 'ours WASM, worker threads', library: 'ours', device: 'wasm', page: 'isolated', column: 'ours_wasm' },
  jax_webgpu: { label: 'jax-js WebGPU', library: 'jax', device: 'webgpu', page: 'isolated', column: 'jax_webgpu' },
  jax_wasm_1t: { label: 'jax-js WASM, 1 thread', library: 'jax', device: 'wasm', page: 'plain', column: 'jax_wasm' },
  jax_wasm_mt: { label: 'jax-js WASM, worker threads', library: 'jax', device: 'wasm', page: 'isolated', column: 'jax_wasm' },
  convnetjs: { label: 'ConvNetJS', library: 'convnetjs', device: 'js', page: 'isolated', column: 'convnetjs' },
  tfjs_webgpu: { label: 'TF.js WebGPU', library: 'tfjs', device: 'webgpu', page: 'isolated', column: 'tfjs_webgpu' },
  tfjs_cpu: { label: 'TF.js CPU', library: 'tfjs', device: 'cpu', page: 'isolated', column: 'tfjs_cpu' },
} as const satisfies Record<string, { label: string; library: Library; device: string; page: 'isolated' | 'plain'; column: string }>;

export type EngineId = keyof typeof ENGINE_INFO;
export const ENGINES = Object.keys(ENGINE_INFO) as EngineId[];
export type ColumnId = (typeof ENGINE_INFO)[EngineId]['column'];
export const COLUMNS = [...new Set(ENGINES.map((e) => ENGINE_INFO[e].column))] as ColumnId[];
export const COLUMN_LABELS: Record<ColumnId, string> = {
  ours_webgpu: 'ours WebGPU',
  ours_cpu: 'ours CPU',
  ours_wasm: 'ours WASM',
  jax_webgpu: 'jax-js WebGPU',
  jax_wasm: 'jax-js WASM',
  convnetjs: 'ConvNetJS',
  tfjs_webgpu: 'TF.js WebGPU',
  tfjs_cpu: 'TF.js CPU',
};
export const isOurs = (c: ColumnId): boolean => c.startsWith('ours_');

/**
 * Wall-clock budget of one measurement: warm-up first (compiles, caches), then the timed loop, which runs
 * until both `measureMs` have passed and `minReps` repetitions are done.
 */
export interface Budget {
  warmupMs: number;
  measureMs: number;
  minReps: number;
  /**
   * Whether a training cell whose loss did not fall is invalid. A quick run trains too few steps to tell,
   * and skips the two untimed passes over the data that the check reads step by step.
   */
  requireLossFall: boolean;
}

/** Per training step counters from our engine's `engineStats()`, averaged over the timed loop. */
export interface StepStats {
  dispatches: number;
  submits: number;
  buffersCreated: number;
  bytesReadBack: number;
  pipelinesCompiled: number;
  /** Steps between two readbacks in the timed loop (the loop reads one value back per chunk). */
  stepsPerReadback: number;
}

export interface CellResult {
  /** Units per second, or null when the engine could not run the workload (see `note`). */
  value: number | null;
  note?: string;
  /** How the number was obtained (API used, chunk size, repetitions). */
  how?: string;
  /** Repetitions and milliseconds in the timed loop. */
  reps?: number;
  ms?: number;
  /** Training cells: the mean loss of the first pass over the data and of a later pass ending at `steps` (measure.ts). */
  loss?: { first: number; last: number; steps: number };
  /** What the sanity check verified (the loss fell, or the values matched a reference). */
  checked?: string;
  stats?: StepStats;
}

export interface WorkloadInfo {
  id: string;
  what: string;
  unit: string;
  /** Floating-point operations per unit, for workloads reported also as a fraction of the CPU's peak. */
  flopsPerUnit?: number;
}

/** Comparisons an issue set for a workload: ours_webgpu / `vs` must reach `min`. */
export interface Target {
  vs: ColumnId;
  min: number;
}

export interface AdapterDescription {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
}

export interface WorkloadListing extends WorkloadInfo {
  targets: Target[];
}

/** The float32 peak the bench measured in the page (see peak.ts). */
export interface CpuPeak {
  /** One thread, GFLOP/s, and the instruction it used. */
  perThreadGflops: number;
  instruction: string;
  threads: number;
  gflops: number;
}

/** What the bench page exposes on `window.bench` for the runner to call. */
export interface BenchApi {
  adapter(): Promise<AdapterDescription | null>;
  crossOriginIsolated(): boolean;
  workloads(): WorkloadListing[];
  cpuPeak(ms: number): Promise<CpuPeak>;
  run(id: string, engine: EngineId, budget: Budget): Promise<CellResult>;
}
