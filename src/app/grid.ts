// The input plane [−6, 6]² sampled at pixel centers, row-major with the first row at the top (x₂ = +6),
// the layout every heatmap in the store uses.
import { featureMatrix, type FeatureId } from '../data/features';
import { PLANE_RADIUS } from '../data/playground-datasets';

/** resolution² points {x, y} at cell centers. */
export function planeGrid(resolution: number): { x: number; y: number }[] {
  if (!(Number.isInteger(resolution) && resolution >= 1)) throw new Error(`planeGrid: resolution must be a positive integer, got ${resolution}`);
  const cell = (2 * PLANE_RADIUS) / resolution;
  const points: { x: number; y: number }[] = [];
  for (let r = 0; r < resolution; r++) {
    for (let c = 0; c < resolution; c++) points.push({ x: -PLANE_RADIUS + (c + 0.5) * cell, y: PLANE_RADIUS - (r + 0.5) * cell });
  }
  return points;
}

/** The network's input at every grid point: row-major [resolution², features.length]. */
export function featureGrid(features: readonly FeatureId[], resolution: number): Float32Array {
  return featureMatrix(planeGrid(resolution), features);
}

/** One grid per feature (its own heatmap, column 0 of the diagram). */
export function featureHeatmaps(features: readonly FeatureId[], resolution: number): Float32Array[] {
  const matrix = featureGrid(features, resolution);
  const count = resolution * resolution;
  return features.map((_, j) => {
    const grid = new Float32Array(count);
    for (let i = 0; i < count; i++) grid[i] = matrix[i * features.length + j];
    return grid;
  });
}
