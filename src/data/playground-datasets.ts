// The 2-D datasets of TensorFlow Playground, same semantics (written from their description, seeded):
// points in [−6, 6]², classification labels ±1, regression labels in [−1, 1], noise 0–50 (a percentage).
// Then the course's multi-class sets (blobs, spiral3): labels are class indices 0 … classes − 1.
import { createRng, type Rng } from '../engine/random';

export const CLASSIFICATION_DATASETS = ['circle', 'xor', 'gauss', 'spiral'] as const;
export const REGRESSION_DATASETS = ['reg-plane', 'reg-gauss'] as const;
export type ClassificationDataset = (typeof CLASSIFICATION_DATASETS)[number];
export type RegressionDataset = (typeof REGRESSION_DATASETS)[number];
/** 2-D sets with 2–6 classes (`classes` option); labels are class indices. */
export const MULTICLASS_DATASETS = ['blobs', 'spiral3'] as const;
export type MulticlassDataset = (typeof MULTICLASS_DATASETS)[number];
export type DatasetName = ClassificationDataset | RegressionDataset | MulticlassDataset;
export const MIN_CLASSES = 2;
export const MAX_CLASSES = 6;

/** TensorFlow Playground's sample counts. */
export const NUM_SAMPLES_CLASSIFY = 500;
export const NUM_SAMPLES_REGRESS = 1200;
/** Half-width of the plotted input plane. */
export const PLANE_RADIUS = 6;

export interface Point2D {
  x: number;
  y: number;
  label: number;
}

type Generator = (rng: Rng, numSamples: number, noise: number, classes: number) => Point2D[];

const distance = (x: number, y: number, cx: number, cy: number) => Math.hypot(x - cx, y - cy);

// Inside radius 2.5 is +1, the ring 3.5–5 is −1; noise moves the point used for the label, not the point.
const circle: Generator = (rng, n, noise) => {
  const radius = 5;
  const points: Point2D[] = [];
  const ring = (rMin: number, rMax: number) => {
    for (let i = 0; i < n / 2; i++) {
      const r = rng.uniform(rMin, rMax);
      const angle = rng.uniform(0, 2 * Math.PI);
      const x = r * Math.sin(angle);
      const y = r * Math.cos(angle);
      const nx = x + rng.uniform(-radius, radius) * noise;
      const ny = y + rng.uniform(-radius, radius) * noise;
      points.push({ x, y, label: distance(nx, ny, 0, 0) < radius / 2 ? 1 : -1 });
    }
  };
  ring(0, radius / 2);
  ring(radius * 0.7, radius);
  return points;
};

// Quadrants, kept 0.3 away from the axes; the label is the sign of x·y at the noise-moved point.
const xor: Generator = (rng, n, noise) => {
  const padding = 0.3;
  const points: Point2D[] = [];
  for (let i = 0; i < n; i++) {
    let x = rng.uniform(-5, 5);
    x += x > 0 ? padding : -padding;
    let y = rng.uniform(-5, 5);
    y += y > 0 ? padding : -padding;
    const nx = x + rng.uniform(-5, 5) * noise;
    const ny = y + rng.uniform(-5, 5) * noise;
    points.push({ x, y, label: nx * ny >= 0 ? 1 : -1 });
  }
  return points;
};

// Two blobs at (2, 2) → +1 and (−2, −2) → −1; noise widens the variance linearly from 0.5 to 4.
// A draw outside the plane is drawn again (TensorFlow Playground keeps it, off the plot), so every point shows.
const gauss: Generator = (rng, n, noise) => {
  const variance = 0.5 + (noise / 0.5) * 3.5;
  const std = Math.sqrt(variance);
  const inPlane = (v: number) => Math.abs(v) <= PLANE_RADIUS;
  const points: Point2D[] = [];
  for (const [c, label] of [[2, 1], [-2, -1]] as const) {
    for (let i = 0; i < n / 2; i++) {
      let x: number;
      let y: number;
      do {
        x = rng.normal(c, std);
        y = rng.normal(c, std);
      } while (!inPlane(x) || !inPlane(y));
      points.push({ x, y, label });
    }
  }
  return points;
};

// Two interleaved arms of 1.75 turns out to radius 5; noise jitters the points themselves.
const spiral: Generator = (rng, n, noise) => {
  const half = n / 2;
  const points: Point2D[] = [];
  for (const [phase, label] of [[0, 1], [Math.PI, -1]] as const) {
    for (let i = 0; i < half; i++) {
      const r = (i / half) * 5;
      const t = ((1.75 * i) / half) * 2 * Math.PI + phase;
      points.push({
        x: r * Math.sin(t) + rng.uniform(-1, 1) * noise,
        y: r * Math.cos(t) + rng.uniform(-1, 1) * noise,
        label,
      });
    }
  }
  return points;
};

/** Uniform points on the plane, each labelled by `labelAt` at its noise-moved position (both regression sets). */
function regressionPoints(rng: Rng, n: number, noise: number, labelAt: (x: number, y: number) => number): Point2D[] {
  const points: Point2D[] = [];
  for (let i = 0; i < n; i++) {
    const x = rng.uniform(-PLANE_RADIUS, PLANE_RADIUS);
    const y = rng.uniform(-PLANE_RADIUS, PLANE_RADIUS);
    const nx = x + rng.uniform(-PLANE_RADIUS, PLANE_RADIUS) * noise;
    const ny = y + rng.uniform(-PLANE_RADIUS, PLANE_RADIUS) * noise;
    points.push({ x, y, label: labelAt(nx, ny) });
  }
  return points;
}

// Label (x + y)/10 at the noise-moved point. TensorFlow Playground leaves that unclamped (up to ±1.2 in the
// corners, more with noise); we clamp to [−1, 1], the range of the output heatmap's color scale.
const regPlane: Generator = (rng, n, noise) =>
  regressionPoints(rng, n, noise, (x, y) => Math.max(-1, Math.min(1, (x + y) / 10)));

// Six bumps of alternating sign on a 3×2 lattice; each falls linearly from ±1 at its center to 0 at distance 2,
// and a point takes the bump largest in magnitude.
const BUMPS: readonly (readonly [number, number, number])[] = [
  [-4, 2.5, 1], [0, 2.5, -1], [4, 2.5, 1],
  [-4, -2.5, -1], [0, -2.5, 1], [4, -2.5, -1],
];
const regGauss: Generator = (rng, n, noise) => {
  const labelAt = (x: number, y: number) => {
    let label = 0;
    for (const [cx, cy, sign] of BUMPS) {
      const value = sign * Math.max(0, 1 - distance(x, y, cx, cy) / 2);
      if (Math.abs(value) > Math.abs(label)) label = value;
    }
    return label;
  };
  return regressionPoints(rng, n, noise, labelAt);
};

// One gaussian blob per class, centres evenly on a circle of radius 3.5; noise widens them (σ 0.6 → 2.1).
// Draws outside the plane are drawn again, as in gauss.
const blobs: Generator = (rng, n, noise, classes) => {
  const std = 0.6 + noise * 3;
  const points: Point2D[] = [];
  for (let c = 0; c < classes; c++) {
    const angle = (2 * Math.PI * c) / classes + Math.PI / 4;
    const cx = 3.5 * Math.cos(angle);
    const cy = 3.5 * Math.sin(angle);
    for (let i = 0; i < Math.floor(n / classes); i++) {
      let x: number;
      let y: number;
      do {
        x = rng.normal(cx, std);
        y = rng.normal(cy, std);
      } while (Math.abs(x) > PLANE_RADIUS || Math.abs(y) > PLANE_RADIUS);
      points.push({ x, y, label: c });
    }
  }
  return points;
};

// One arm per class, 1.25 turns out to radius 5, arms evenly turned; noise jitters the points (as spiral).
const spiralArms: Generator = (rng, n, noise, classes) => {
  const perArm = Math.floor(n / classes);
  const points: Point2D[] = [];
  for (let c = 0; c < classes; c++) {
    for (let i = 0; i < perArm; i++) {
      const r = (i / perArm) * 5 + 0.2;
      const t = ((1.25 * i) / perArm) * 2 * Math.PI + (2 * Math.PI * c) / classes;
      const clamp = (v: number) => Math.max(-PLANE_RADIUS, Math.min(PLANE_RADIUS, v));
      points.push({ x: clamp(r * Math.sin(t) + rng.uniform(-1, 1) * noise), y: clamp(r * Math.cos(t) + rng.uniform(-1, 1) * noise), label: c });
    }
  }
  return points;
};

const GENERATORS: Readonly<Record<DatasetName, Generator>> = {
  circle, xor, gauss, spiral, 'reg-plane': regPlane, 'reg-gauss': regGauss, blobs, spiral3: spiralArms,
};

export function isRegressionDataset(name: DatasetName): name is RegressionDataset {
  return (REGRESSION_DATASETS as readonly string[]).includes(name);
}

export interface GenerateOptions {
  /** Noise level 0–50 as on the slider (a percentage of the plane's scale). */
  noise: number;
  seed: number;
  /** Defaults: 500 for classification, 1,200 for regression. */
  numSamples?: number;
  /** Classes of a multi-class set (2–6, default 3); the two-class sets ignore it. */
  classes?: number;
}

/** The dataset's points in generation order (classes in blocks; `splitTrainTest` shuffles). */
export function generateDataset(name: DatasetName, { noise, seed, numSamples, classes = 3 }: GenerateOptions): Point2D[] {
  if (!Object.hasOwn(GENERATORS, name)) {
    throw new Error(`generateDataset: unknown dataset "${name}", expected one of ${Object.keys(GENERATORS).join(', ')}`);
  }
  if (!(Number.isFinite(noise) && noise >= 0 && noise <= 50)) throw new Error(`generateDataset: noise must be in [0, 50], got ${noise}`);
  const n = numSamples ?? (isRegressionDataset(name) ? NUM_SAMPLES_REGRESS : NUM_SAMPLES_CLASSIFY);
  if (!(Number.isInteger(n) && n >= 2)) throw new Error(`generateDataset: numSamples must be an integer ≥ 2, got ${numSamples}`);
  if (!(Number.isInteger(classes) && classes >= MIN_CLASSES && classes <= MAX_CLASSES)) {
    throw new Error(`generateDataset: classes must be an integer in [${MIN_CLASSES}, ${MAX_CLASSES}], got ${classes}`);
  }
  return GENERATORS[name](createRng(seed), n, noise / 100, classes);
}

export interface TrainTestSplit {
  train: Point2D[];
  test: Point2D[];
}

/** Shuffle with the seed, then the first `percTrain`% (10–90) is the training set, as TensorFlow Playground does. */
export function splitTrainTest(points: readonly Point2D[], percTrain: number, seed: number): TrainTestSplit {
  if (!(Number.isFinite(percTrain) && percTrain >= 10 && percTrain <= 90)) {
    throw new Error(`splitTrainTest: percTrain must be in [10, 90], got ${percTrain}`);
  }
  const shuffled = createRng(seed).shuffle(points.slice());
  const cut = Math.floor((shuffled.length * percTrain) / 100);
  return { train: shuffled.slice(0, cut), test: shuffled.slice(cut) };
}
