// What the runner (Node) and the bench page (browser) agree on: engines, budgets, one cell's result.

export const ENGINES = ['ours_webgpu', 'ours_cpu', 'tfjs_webgpu', 'tfjs_cpu'] as const;
export type EngineId = (typeof ENGINES)[number];

/** Wall-clock budget of one measurement: warm-up first (compiles, caches), then the timed loop. */
export interface Budget {
  warmupMs: number;
  measureMs: number;
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
  stats?: StepStats;
}

export interface WorkloadInfo {
  id: string;
  what: string;
  unit: string;
}

/** Comparisons the issue sets for a workload: ours_webgpu / `vs` must reach `min`. */
export interface Target {
  vs: 'tfjs_webgpu' | 'tfjs_cpu';
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

/** What the bench page exposes on `window.bench` for the runner to call. */
export interface BenchApi {
  adapter(): Promise<AdapterDescription | null>;
  workloads(): WorkloadListing[];
  run(id: string, engine: EngineId, budget: Budget): Promise<CellResult>;
}
