// The playground's input features: functions of the point (x₁, x₂). Ids are TensorFlow Playground's URL keys.

export const FEATURE_IDS = ['x', 'y', 'xSquared', 'ySquared', 'xTimesY', 'sinX', 'sinY'] as const;
export type FeatureId = (typeof FEATURE_IDS)[number];

export interface Feature {
  id: FeatureId;
  /** Display label with Unicode sub/superscripts (no markup needed). */
  label: string;
  f: (x1: number, x2: number) => number;
}

export const FEATURES: readonly Feature[] = [
  { id: 'x', label: 'X₁', f: (x1) => x1 },
  { id: 'y', label: 'X₂', f: (_x1, x2) => x2 },
  { id: 'xSquared', label: 'X₁²', f: (x1) => x1 * x1 },
  { id: 'ySquared', label: 'X₂²', f: (_x1, x2) => x2 * x2 },
  { id: 'xTimesY', label: 'X₁X₂', f: (x1, x2) => x1 * x2 },
  { id: 'sinX', label: 'sin(X₁)', f: (x1) => Math.sin(x1) },
  { id: 'sinY', label: 'sin(X₂)', f: (_x1, x2) => Math.sin(x2) },
];

export function featureById(id: FeatureId): Feature {
  const feature = FEATURES.find((f) => f.id === id);
  if (!feature) throw new Error(`featureById: unknown feature id "${id}", expected one of ${FEATURE_IDS.join(', ')}`);
  return feature;
}

/**
 * Row-major matrix [points.length, ids.length] of the chosen features at each point,
 * the network's input in the order `ids` is given.
 */
export function featureMatrix(points: ArrayLike<{ x: number; y: number }>, ids: readonly FeatureId[]): Float32Array {
  const fs = ids.map((id) => featureById(id).f);
  const out = new Float32Array(points.length * fs.length);
  for (let i = 0; i < points.length; i++) {
    const { x, y } = points[i];
    for (let j = 0; j < fs.length; j++) out[i * fs.length + j] = fs[j](x, y);
  }
  return out;
}
