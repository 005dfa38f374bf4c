// Every URL-backed setting, one row each: key (TensorFlow Playground's spelling where it has one), type,
// allowed values or range, default. The codec (url-codec.ts) is driven by this table alone.
import { CLASSIFICATION_DATASETS, REGRESSION_DATASETS, type ClassificationDataset, type RegressionDataset } from '../data/playground-datasets';
import { FEATURE_IDS, type FeatureId } from '../data/features';

/** TensorFlow Playground's four, then the engine's others. */
export const ACTIVATIONS = ['relu', 'tanh', 'sigmoid', 'linear', 'leaky_relu', 'elu', 'softplus', 'swish'] as const;
export type Activation = (typeof ACTIVATIONS)[number];
export const REGULARIZATIONS = ['none', 'L1', 'L2'] as const;
export type Regularization = (typeof REGULARIZATIONS)[number];
export const PROBLEMS = ['classification', 'regression'] as const;
export type Problem = (typeof PROBLEMS)[number];
/** TensorFlow Playground's learning-rate choices. */
export const LEARNING_RATES = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10] as const;
export const REGULARIZATION_RATES = [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10] as const;
export const MAX_HIDDEN_LAYERS = 10;
export const MAX_NEURONS = 32;
export const MAX_BATCH_SIZE = 1000;

/** Controls the classroom mode can hide: TensorFlow Playground's list, then one per input feature. */
export const HIDABLE_CONTROLS = [
  'showTestData', 'discretize', 'playButton', 'stepButton', 'resetButton', 'learningRate', 'activation',
  'regularization', 'regularizationRate', 'problem', 'dataset', 'percTrainData', 'noise', 'batchSize',
  'numHiddenLayers', ...FEATURE_IDS,
] as const;
export type HidableControl = (typeof HIDABLE_CONTROLS)[number];
export type HideKey = `${HidableControl}_hide`;

export type Settings = {
  activation: Activation;
  regularization: Regularization;
  batchSize: number;
  dataset: ClassificationDataset;
  regDataset: RegressionDataset;
  learningRate: number;
  regularizationRate: number;
  noise: number;
  networkShape: number[];
  seed: string;
  showTestData: boolean;
  discretize: boolean;
  percTrainData: number;
  problem: Problem;
  initZero: boolean;
  hideText: boolean;
} & { [K in FeatureId]: boolean } & { [K in HideKey]: boolean };

export type SettingKey = keyof Settings;

export type Row =
  | { key: SettingKey; type: 'enum'; values: readonly string[]; default: string }
  /** A number from a fixed list (learning rates). */
  | { key: SettingKey; type: 'choice'; values: readonly number[]; default: number }
  | { key: SettingKey; type: 'number'; min: number; max: number; integer: boolean; default: number }
  | { key: SettingKey; type: 'boolean'; default: boolean }
  | { key: SettingKey; type: 'string'; pattern: RegExp; default: string }
  /** Comma list of integers in [min, max], at most maxLength items (empty allowed). */
  | { key: SettingKey; type: 'array'; min: number; max: number; maxLength: number; default: readonly number[] };

const URL_FEATURE_ORDER: readonly FeatureId[] = ['x', 'y', 'xTimesY', 'xSquared', 'ySquared', 'sinX', 'sinY'];
const FEATURES_ON_BY_DEFAULT: ReadonlySet<FeatureId> = new Set(['x', 'y']);

/** Serialization order: TensorFlow Playground's, then hide flags. */
export const URL_TABLE: readonly Row[] = [
  { key: 'activation', type: 'enum', values: ACTIVATIONS, default: 'tanh' },
  { key: 'regularization', type: 'enum', values: REGULARIZATIONS, default: 'none' },
  { key: 'batchSize', type: 'number', min: 1, max: MAX_BATCH_SIZE, integer: true, default: 10 },
  { key: 'dataset', type: 'enum', values: CLASSIFICATION_DATASETS, default: 'circle' },
  { key: 'regDataset', type: 'enum', values: REGRESSION_DATASETS, default: 'reg-plane' },
  { key: 'learningRate', type: 'choice', values: LEARNING_RATES, default: 0.03 },
  { key: 'regularizationRate', type: 'choice', values: REGULARIZATION_RATES, default: 0 },
  { key: 'noise', type: 'number', min: 0, max: 50, integer: false, default: 0 },
  { key: 'networkShape', type: 'array', min: 1, max: MAX_NEURONS, maxLength: MAX_HIDDEN_LAYERS, default: [4, 2] },
  // TensorFlow Playground writes Math.random().toFixed(5); accept any short token so hand-made links work too.
  { key: 'seed', type: 'string', pattern: /^[0-9A-Za-z._-]{1,32}$/, default: '0.00000' },
  { key: 'showTestData', type: 'boolean', default: false },
  { key: 'discretize', type: 'boolean', default: false },
  { key: 'percTrainData', type: 'number', min: 10, max: 90, integer: false, default: 50 },
  ...URL_FEATURE_ORDER.map((id): Row => ({ key: id, type: 'boolean', default: FEATURES_ON_BY_DEFAULT.has(id) })),
  { key: 'problem', type: 'enum', values: PROBLEMS, default: 'classification' },
  { key: 'initZero', type: 'boolean', default: false },
  { key: 'hideText', type: 'boolean', default: false },
  ...HIDABLE_CONTROLS.map((c): Row => ({ key: `${c}_hide`, type: 'boolean', default: false })),
];

/** Keys TensorFlow Playground writes that this app has no use for: accepted without a notice, not written back. */
export const SILENTLY_ACCEPTED_KEYS: readonly string[] = ['cosX', 'cosY', 'collectStats', 'tutorial'];

/** The settings every row's default gives. Returns a fresh object (arrays copied). */
export function defaultSettings(): Settings {
  const out: Record<string, unknown> = {};
  for (const row of URL_TABLE) out[row.key] = row.type === 'array' ? [...row.default] : row.default;
  return out as Settings;
}
