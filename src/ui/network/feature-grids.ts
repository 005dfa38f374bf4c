// Heatmaps of the seven input features over the plane, each scaled to [−1, 1] so its shape is visible
// on the same color scale as neurons (x₁ spans ±6, x₁² spans 0…36: raw values would saturate).
import { FEATURE_IDS, type FeatureId } from '../../data/features';
import { featureHeatmaps } from '../../app/grid';

const cache = new Map<number, ReadonlyMap<FeatureId, Float32Array>>();

export function featureGrids(resolution: number): ReadonlyMap<FeatureId, Float32Array> {
  let grids = cache.get(resolution);
  if (!grids) {
    const raw = featureHeatmaps(FEATURE_IDS, resolution);
    grids = new Map(
      FEATURE_IDS.map((id, k) => {
        const grid = raw[k];
        let peak = 0;
        for (const v of grid) peak = Math.max(peak, Math.abs(v));
        return [id, peak > 0 ? grid.map((v) => v / peak) : grid];
      }),
    );
    cache.set(resolution, grids);
  }
  return grids;
}

const scaled = new WeakMap<Float32Array, { scale: number; grid: Float32Array }>();

/** A grid divided by `scale` (an input's grid over a slice, by the plot's half-width), kept per array. */
export function scaledGrid(grid: Float32Array, scale: number): Float32Array {
  const kept = scaled.get(grid);
  if (kept?.scale === scale) return kept.grid;
  const out = grid.map((v) => v / scale);
  scaled.set(grid, { scale, grid: out });
  return out;
}
