// The input plane [−r, r]² (r = 6 for the 2-D sets) sampled at pixel centers, row-major with the first row at
// the top (x₂ = +r), the layout every heatmap in the store uses; and what a lesson's grids range over.
import { featureMatrix, type FeatureId } from '../data/features';
import { PLANE_RADIUS } from '../data/playground-datasets';
import type { Lesson } from './lesson';
import { trainingMeans, type LessonData } from './lesson-data';

/** resolution² points {x, y} at cell centers. */
export function planeGrid(resolution: number, radius = PLANE_RADIUS): { x: number; y: number }[] {
  if (!(Number.isInteger(resolution) && resolution >= 1)) throw new Error(`planeGrid: resolution must be a positive integer, got ${resolution}`);
  const cell = (2 * radius) / resolution;
  const points: { x: number; y: number }[] = [];
  for (let r = 0; r < resolution; r++) {
    for (let c = 0; c < resolution; c++) points.push({ x: -radius + (c + 0.5) * cell, y: radius - (r + 0.5) * cell });
  }
  return points;
}

/** The network's input at every grid point: row-major [resolution², features.length]. */
export function featureGrid(features: readonly FeatureId[], resolution: number, radius = PLANE_RADIUS): Float32Array {
  return featureMatrix(planeGrid(resolution, radius), features);
}

/** One grid per feature (its own heatmap, column 0 of the diagram). */
export function featureHeatmaps(features: readonly FeatureId[], resolution: number, radius = PLANE_RADIUS): Float32Array[] {
  const matrix = featureGrid(features, resolution, radius);
  const count = resolution * resolution;
  return features.map((_, j) => {
    const grid = new Float32Array(count);
    for (let i = 0; i < count; i++) grid[i] = matrix[i * features.length + j];
    return grid;
  });
}

/**
 * What the grids range over. `features`: the plane [−radius, radius]², the network's inputs being features of
 * the point. `slice`: input columns axes[0] (across) and axes[1] (up) over [−radius, radius], every other
 * input held at `held` (the training means).
 */
export type GridPlane =
  | { kind: 'features'; features: FeatureId[]; radius: number }
  | { kind: 'slice'; axes: [number, number]; held: Float32Array; radius: number };

/** The plane a lesson's view asks for; a slice's range covers its two axes' data (at least ±2, at most ±8). */
export function gridPlane(lesson: Lesson, data: LessonData): GridPlane {
  const view = lesson.view;
  if (view.kind === 'plane') return { kind: 'features', features: view.features, radius: view.radius };
  if (view.kind === 'images') throw new Error('gridPlane: an image lesson has no plane to draw');
  let peak = 0;
  for (const part of [data.train, data.validation, data.test]) for (const s of part) peak = Math.max(peak, Math.abs(s.values[view.axes[0]]), Math.abs(s.values[view.axes[1]]));
  const radius = Math.min(8, Math.max(2, Math.ceil(peak * 1.05)));
  return { kind: 'slice', axes: view.axes, held: trainingMeans(lesson, data), radius };
}

/** Each input's own heatmap over the plane (column 0 of the network diagram), raw values. */
export function inputHeatmaps(plane: GridPlane, resolution: number): Float32Array[] {
  if (plane.kind === 'features') return featureHeatmaps(plane.features, resolution, plane.radius);
  const cell = (2 * plane.radius) / resolution;
  return Array.from(plane.held, (held, input) => {
    const grid = new Float32Array(resolution * resolution).fill(held);
    if (input !== plane.axes[0] && input !== plane.axes[1]) return grid;
    for (let r = 0; r < resolution; r++) {
      for (let c = 0; c < resolution; c++) {
        grid[r * resolution + c] = input === plane.axes[0] ? -plane.radius + (c + 0.5) * cell : plane.radius - (r + 0.5) * cell;
      }
    }
    return grid;
  });
}
