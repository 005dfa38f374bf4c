// Engine counters for tests and a debug overlay. Backends bump them; nothing here allocates per call.

export interface EngineStats {
  /** Compute dispatches encoded (WebGPU; the counters stay 0 on the CPU backend). */
  dispatches: number;
  /** queue.submit calls. */
  submits: number;
  /** GPU buffers created (pool misses, uniforms, staging). */
  buffersCreated: number;
  /** Bind groups created. */
  bindGroupsCreated: number;
  /** Bytes copied from the device to the host. */
  bytesReadBack: number;
  /** Bytes written from the host to the device (uploads and in-place writes). */
  bytesUploaded: number;
  /** Compute pipelines compiled. */
  pipelinesCompiled: number;
}

const counters: EngineStats = {
  dispatches: 0,
  submits: 0,
  buffersCreated: 0,
  bindGroupsCreated: 0,
  bytesReadBack: 0,
  bytesUploaded: 0,
  pipelinesCompiled: 0,
};

/** The live counters; backends add to them. */
export const stats: EngineStats = counters;

/** A copy of the counters (take two and subtract to measure a stretch of work). */
export function engineStats(): EngineStats {
  return { ...counters };
}

export function resetEngineStats(): void {
  for (const key of Object.keys(counters) as (keyof EngineStats)[]) counters[key] = 0;
}

/** b − a, field by field. */
export function statsDelta(a: EngineStats, b: EngineStats): EngineStats {
  const out = { ...b };
  for (const key of Object.keys(out) as (keyof EngineStats)[]) out[key] = b[key] - a[key];
  return out;
}
