// Weight initializers with Keras's formulas. Fans: dense [in, out] → (in, out);
// conv [kh, kw, inC, outC] → (kh·kw·inC, kh·kw·outC).
import type { Rng } from '../engine/random';

export type InitializerName =
  | 'zeros'
  | 'ones'
  | 'glorotUniform'
  | 'glorotNormal'
  | 'heNormal'
  | 'heUniform'
  | 'randomNormal'
  | 'randomUniform';

export const INITIALIZERS: readonly InitializerName[] = [
  'zeros',
  'ones',
  'glorotUniform',
  'glorotNormal',
  'heNormal',
  'heUniform',
  'randomNormal',
  'randomUniform',
];

/** Keras's truncated normal keeps ±2σ; dividing by this restores the intended variance. */
const TRUNCATED_STD_CORRECTION = 0.8796256610342398;

export function checkInitializer(value: unknown, where: string): InitializerName {
  if (typeof value === 'string' && (INITIALIZERS as readonly string[]).includes(value)) return value as InitializerName;
  throw new Error(`${where}: unknown initializer ${JSON.stringify(value)}; expected one of ${INITIALIZERS.join(', ')}`);
}

export function fans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length < 2) return { fanIn: shape[0] ?? 1, fanOut: shape[0] ?? 1 };
  const receptive = shape.slice(0, -2).reduce((n, d) => n * d, 1);
  return { fanIn: receptive * shape[shape.length - 2], fanOut: receptive * shape[shape.length - 1] };
}

/** Values for a weight of `shape`, drawn from `rng` in row-major order. */
export function initialValues(name: InitializerName, shape: readonly number[], rng: Rng): Float32Array {
  const size = shape.reduce((n, d) => n * d, 1);
  const out = new Float32Array(size);
  const { fanIn, fanOut } = fans(shape);
  const draw = sampler(name, fanIn, fanOut, rng);
  for (let i = 0; i < size; i++) out[i] = draw();
  return out;
}

function sampler(name: InitializerName, fanIn: number, fanOut: number, rng: Rng): () => number {
  switch (name) {
    case 'zeros':
      return () => 0;
    case 'ones':
      return () => 1;
    case 'glorotUniform': {
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      return () => rng.uniform(-limit, limit);
    }
    case 'glorotNormal': {
      const std = Math.sqrt(2 / (fanIn + fanOut)) / TRUNCATED_STD_CORRECTION;
      return () => rng.truncatedNormal(0, std);
    }
    case 'heNormal': {
      const std = Math.sqrt(2 / fanIn) / TRUNCATED_STD_CORRECTION;
      return () => rng.truncatedNormal(0, std);
    }
    case 'heUniform': {
      const limit = Math.sqrt(6 / fanIn);
      return () => rng.uniform(-limit, limit);
    }
    case 'randomNormal':
      return () => rng.normal(0, 0.05);
    case 'randomUniform':
      return () => rng.uniform(-0.05, 0.05);
  }
}
