// Which path trains a lesson: the one measured faster, unless the user chose one (the `backend` URL row).
// A tiny network on a CPU-emulated GPU adapter loses to the CPU worker; on a real GPU, WebGPU wins by far:
// only a measurement on the lesson's own network tells.

export const BACKEND_PREFERENCES = ['auto', 'webgpu', 'cpu'] as const;
export type BackendPreference = (typeof BACKEND_PREFERENCES)[number];
export type TrainingPath = 'webgpu' | 'cpu';

/** Training steps per second each path reached on the lesson's network; null where not measured (or absent). */
export interface PathRates {
  webgpu: number | null;
  cpu: number | null;
}

/** Which network a measurement timed, as the engine panel names it. */
export interface MeasuredNetwork {
  parameters: number;
  batchRows: number;
}

/** The measurement on the lesson's network and what came of it, for the engine panel. */
export interface BackendMeasurement {
  /** The rates on `network`'s cost class (network-cost.ts); null where not measured yet. */
  rates: PathRates;
  /** The network that trains now; null before the first one is built. */
  network: MeasuredNetwork | null;
  /** Its paths are being timed now. */
  measuring: boolean;
  preference: BackendPreference;
  choice: TrainingPath;
}

/**
 * The path to train on. `auto` takes the faster measured path (the CPU on a tie: its worker leaves the page's
 * thread and the GPU free); a path the user chose is taken when it is available.
 */
export function chooseBackend(preference: BackendPreference, rates: PathRates, webgpuAvailable: boolean): TrainingPath {
  if (!webgpuAvailable || preference === 'cpu') return 'cpu';
  if (preference === 'webgpu') return 'webgpu';
  if (rates.webgpu === null) return 'cpu';
  if (rates.cpu === null) return 'webgpu';
  return rates.webgpu > rates.cpu ? 'webgpu' : 'cpu';
}

/**
 * Steps per second of `run(steps)` (which resolves when the steps are finished): one warm-up step (pipelines,
 * plans and caches), then bursts that double until one lasts at least `minMs`, timed with `now` (ms).
 */
export async function measureStepsPerSecond(run: (steps: number) => Promise<void>, now: () => number, minMs = 150): Promise<number> {
  await run(1);
  for (let steps = 4; ; steps *= 2) {
    const started = now();
    await run(steps);
    const took = now() - started;
    if (took >= minMs || steps >= 1 << 20) return (steps * 1000) / Math.max(took, 1e-3);
  }
}
