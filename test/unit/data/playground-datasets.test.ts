import { describe, expect, it } from 'vitest';
import {
  CLASSIFICATION_DATASETS, REGRESSION_DATASETS, generateDataset, splitTrainTest, type DatasetName, type Point2D,
} from '../../../src/data/playground-datasets';

const ALL: DatasetName[] = [...CLASSIFICATION_DATASETS, ...REGRESSION_DATASETS];
const positives = (points: Point2D[]) => points.filter((p) => p.label === 1).length;
const radius = (p: Point2D) => Math.hypot(p.x, p.y);

describe('playground datasets', () => {
  it.each(ALL)('%s: TensorFlow Playground sizes, points in [−6, 6]², labels in range, at every noise level', (name) => {
    const regression = (REGRESSION_DATASETS as readonly string[]).includes(name);
    for (const noise of [0, 25, 50]) {
      const points = generateDataset(name, { noise, seed: 3 });
      expect(points).toHaveLength(regression ? 1200 : 500);
      for (const p of points) {
        expect(Math.abs(p.x)).toBeLessThanOrEqual(6);
        expect(Math.abs(p.y)).toBeLessThanOrEqual(6);
        if (regression) {
          expect(p.label).toBeGreaterThanOrEqual(-1);
          expect(p.label).toBeLessThanOrEqual(1);
        } else {
          expect([-1, 1]).toContain(p.label);
        }
      }
    }
  });

  it.each(ALL)('%s: the same seed gives the same points, another seed others', (name) => {
    const a = generateDataset(name, { noise: 20, seed: 11 });
    expect(generateDataset(name, { noise: 20, seed: 11 })).toEqual(a);
    expect(generateDataset(name, { noise: 20, seed: 12 })).not.toEqual(a);
  });

  it('classification classes are balanced', () => {
    for (const name of ['circle', 'gauss', 'spiral'] as const) expect(positives(generateDataset(name, { noise: 0, seed: 1 }))).toBe(250);
    const xor = positives(generateDataset('xor', { noise: 0, seed: 1 }));
    expect(xor).toBeGreaterThan(200);
    expect(xor).toBeLessThan(300);
  });

  it('circle: without noise the label is the geometry; noise flips labels but never moves points', () => {
    const clean = generateDataset('circle', { noise: 0, seed: 5 });
    for (const p of clean) expect(p.label).toBe(radius(p) < 2.5 ? 1 : -1);
    const noisy = generateDataset('circle', { noise: 50, seed: 5 });
    const flipped = noisy.filter((p) => p.label !== (radius(p) < 2.5 ? 1 : -1)).length;
    expect(flipped).toBeGreaterThan(25);
    for (const p of noisy) expect(radius(p) < 2.5 || (radius(p) >= 3.5 && radius(p) <= 5)).toBe(true);
  });

  it('xor: points keep 0.3 off the axes; without noise the label is the sign of x·y', () => {
    const clean = generateDataset('xor', { noise: 0, seed: 5 });
    for (const p of clean) {
      expect(Math.min(Math.abs(p.x), Math.abs(p.y))).toBeGreaterThanOrEqual(0.3);
      expect(p.label).toBe(p.x * p.y >= 0 ? 1 : -1);
    }
    const noisy = generateDataset('xor', { noise: 50, seed: 5 });
    expect(noisy.filter((p) => p.label !== (p.x * p.y >= 0 ? 1 : -1)).length).toBeGreaterThan(25);
  });

  it('gauss: noise widens the spread around (2, 2) and (−2, −2)', () => {
    const spread = (noise: number) => {
      const pts = generateDataset('gauss', { noise, seed: 9 }).filter((p) => p.label === 1);
      return pts.reduce((s, p) => s + (p.x - 2) ** 2, 0) / pts.length;
    };
    expect(spread(0)).toBeCloseTo(0.5, 0);
    expect(spread(50)).toBeGreaterThan(3 * spread(0));
  });

  it('spiral: noise jitters the points themselves, up to noise/100 in each coordinate', () => {
    const clean = generateDataset('spiral', { noise: 0, seed: 2 });
    const noisy = generateDataset('spiral', { noise: 30, seed: 2 });
    let moved = 0;
    clean.forEach((p, i) => {
      const dx = Math.abs(noisy[i].x - p.x);
      const dy = Math.abs(noisy[i].y - p.y);
      expect(Math.max(dx, dy)).toBeLessThanOrEqual(0.3 + 1e-12);
      if (dx + dy > 0) moved++;
      expect(noisy[i].label).toBe(p.label);
    });
    expect(moved).toBe(clean.length);
  });

  it('reg-plane: without noise the label is (x + y)/10, clamped to [−1, 1]', () => {
    for (const p of generateDataset('reg-plane', { noise: 0, seed: 4 })) {
      expect(p.label).toBeCloseTo(Math.max(-1, Math.min(1, (p.x + p.y) / 10)), 6);
    }
  });

  it('reg-gauss: bumps of alternating sign, near zero away from them', () => {
    const points = generateDataset('reg-gauss', { noise: 0, seed: 4 });
    const near = (cx: number, cy: number) => points.filter((p) => Math.hypot(p.x - cx, p.y - cy) < 0.5);
    for (const p of near(-4, 2.5)) expect(p.label).toBeGreaterThan(0.7);
    for (const p of near(0, 2.5)) expect(p.label).toBeLessThan(-0.7);
    for (const p of near(-2, 0)) expect(Math.abs(p.label)).toBeLessThan(0.2);
  });

  it('rejects unknown names and out-of-range noise with the argument named', () => {
    expect(() => generateDataset('moons' as DatasetName, { noise: 0, seed: 1 })).toThrow(/unknown dataset "moons"/);
    expect(() => generateDataset('toString' as DatasetName, { noise: 0, seed: 1 })).toThrow(/unknown dataset/);
    expect(() => generateDataset('circle', { noise: 60, seed: 1 })).toThrow(/noise must be in \[0, 50\]/);
  });
});

describe('splitTrainTest', () => {
  const points = generateDataset('circle', { noise: 0, seed: 1 });

  it('puts percTrain% in the training set, every point exactly once, reproducibly', () => {
    for (const perc of [10, 50, 70, 90]) {
      const { train, test } = splitTrainTest(points, perc, 8);
      expect(train).toHaveLength(Math.floor((500 * perc) / 100));
      expect(train.length + test.length).toBe(500);
      expect(new Set([...train, ...test]).size).toBe(500);
      expect(splitTrainTest(points, perc, 8)).toEqual({ train, test });
    }
  });

  it('shuffles, so both sets hold both classes', () => {
    const { train, test } = splitTrainTest(points, 50, 8);
    expect(positives(train)).toBeGreaterThan(90);
    expect(positives(test)).toBeGreaterThan(90);
  });

  it('rejects ratios outside 10–90', () => {
    expect(() => splitTrainTest(points, 5, 1)).toThrow(/percTrain must be in \[10, 90\]/);
  });
});
