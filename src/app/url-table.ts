// Every URL-backed setting, one row each: key (TensorFlow Playground's spelling where it has one), type,
// allowed values or range, default. The codec (url-codec.ts) is driven by this table alone.
// Rows marked `tfp` are TensorFlow Playground's own keys: always written, so a link reads as it does there.
// Every other row (the course's lessons) is written only when it differs from its default.
import {
  CLASSIFICATION_DATASETS, MAX_CLASSES, MIN_CLASSES, MULTICLASS_DATASETS, REGRESSION_DATASETS, type RegressionDataset,
} from '../data/playground-datasets';
import { COURSE_TABLES } from '../data/course-tables';
import { IMAGE_DATASET_IDS } from '../data/image-datasets';
import { DRAWN_PATTERN, MAX_LINK_POINTS, decodeDrawnPoints } from '../data/drawn-points';
import { FEATURE_IDS, type FeatureId } from '../data/features';
import { BACKEND_PREFERENCES, type BackendPreference } from './backend-choice';
import { stackValueProblem } from './image-stack-codec';

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

/** Every classification data source the `dataset` key names: TensorFlow Playground's, then the course's. */
/** `drawn`: points drawn on the plane; `upload`: the CSV file the user opened (never in the link itself); then the image sets. */
export const DATASETS = [...CLASSIFICATION_DATASETS, ...MULTICLASS_DATASETS, ...COURSE_TABLES, 'drawn', 'upload', ...IMAGE_DATASET_IDS] as const;
export type Dataset = (typeof DATASETS)[number];
/** The output layer's activation; `auto` takes the course's choice for the data (see lesson.ts). */
export const OUTPUT_ACTIVATIONS = ['auto', 'linear', 'tanh', 'sigmoid', 'softmax'] as const;
export type OutputActivationSetting = (typeof OUTPUT_ACTIVATIONS)[number];
/** Keras's loss names; `auto` pairs one with the output activation as the course does. */
export const LOSSES = ['auto', 'mse', 'mae', 'huber', 'binary_crossentropy', 'categorical_crossentropy'] as const;
export type LossSetting = (typeof LOSSES)[number];
export const OPTIMIZERS = ['sgd', 'momentum', 'nesterov', 'rmsprop', 'adam', 'adagrad'] as const;
export type OptimizerChoice = (typeof OPTIMIZERS)[number];
export const MONITORS = ['val_loss', 'loss', 'val_accuracy', 'accuracy'] as const;
export type Monitor = (typeof MONITORS)[number];
/** A hidden layer's own regularization; `global` follows the `regularization` key. */
export const LAYER_REGULARIZATIONS = ['global', 'none', 'L1', 'L2'] as const;
export type LayerRegularization = (typeof LAYER_REGULARIZATIONS)[number];
/** A hidden layer's own activation; `global` follows the `activation` key. */
export const LAYER_ACTIVATIONS = ['global', ...ACTIVATIONS] as const;
export type LayerActivation = (typeof LAYER_ACTIVATIONS)[number];
export const MAX_DROPOUT = 0.9;
/** The optimizers' ε (Keras: 1e-7); Adam's paper uses 1e-8. */
export const EPSILONS = [1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 0.01, 0.1, 1] as const;
/** Input columns a slice axis may name (the widest course table has 30). */
export const MAX_INPUTS = 64;

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
  dataset: Dataset;
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
  classes: number;
  outputActivation: OutputActivationSetting;
  loss: LossSetting;
  optimizer: OptimizerChoice;
  momentum: number;
  rho: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  fullBatch: boolean;
  layerActivations: LayerActivation[];
  dropout: number[];
  layerRegularization: LayerRegularization[];
  validationSplit: number;
  earlyStopping: boolean;
  monitor: Monitor;
  patience: number;
  minDelta: number;
  restoreBestWeights: boolean;
  points: string;
  sliceX: number;
  sliceY: number;
  /** A preset's name, or the edited layers (image-stack-codec.ts). */
  imageModel: string;
  backend: BackendPreference;
} & { [K in FeatureId]: boolean } & { [K in HideKey]: boolean };

export type SettingKey = keyof Settings;

type RowBase = { key: SettingKey; /** TensorFlow Playground's key: always written. */ tfp?: true };
export type Row = RowBase &
  (
    | { type: 'enum'; values: readonly string[]; default: string }
    /** A number from a fixed list (learning rates). */
    | { type: 'choice'; values: readonly number[]; default: number }
    | { type: 'number'; min: number; max: number; integer: boolean; default: number }
    | { type: 'boolean'; default: boolean }
    /** `expected` says what the pattern accepts; `maxLength` raises the codec's 256-character limit. */
    | { type: 'string'; pattern: RegExp; expected: string; maxLength?: number; /** A further check: the problem, or null. */ validate?: (raw: string) => string | null; default: string }
    /** Comma list of numbers in [min, max] (integers only when `integer`), at most maxLength items (empty allowed). */
    | { type: 'array'; min: number; max: number; integer: boolean; maxLength: number; default: readonly number[] }
    /** Comma list of names from `values`, at most maxLength items (empty allowed). */
    | { type: 'list'; values: readonly string[]; maxLength: number; default: readonly string[] }
  );

const tfp = <R extends Row>(row: R): R => ({ ...row, tfp: true });

const URL_FEATURE_ORDER: readonly FeatureId[] = ['x', 'y', 'xTimesY', 'xSquared', 'ySquared', 'sinX', 'sinY'];
const FEATURES_ON_BY_DEFAULT: ReadonlySet<FeatureId> = new Set(['x', 'y']);

/** Serialization order: TensorFlow Playground's, then hide flags. */
export const URL_TABLE: readonly Row[] = [
  ...[
    { key: 'activation', type: 'enum', values: ACTIVATIONS, default: 'tanh' },
    { key: 'regularization', type: 'enum', values: REGULARIZATIONS, default: 'none' },
    { key: 'batchSize', type: 'number', min: 1, max: MAX_BATCH_SIZE, integer: true, default: 10 },
    { key: 'dataset', type: 'enum', values: DATASETS, default: 'circle' },
    { key: 'regDataset', type: 'enum', values: REGRESSION_DATASETS, default: 'reg-plane' },
    { key: 'learningRate', type: 'choice', values: LEARNING_RATES, default: 0.03 },
    { key: 'regularizationRate', type: 'choice', values: REGULARIZATION_RATES, default: 0 },
    { key: 'noise', type: 'number', min: 0, max: 50, integer: false, default: 0 },
    { key: 'networkShape', type: 'array', min: 1, max: MAX_NEURONS, integer: true, maxLength: MAX_HIDDEN_LAYERS, default: [4, 2] },
    // TensorFlow Playground writes Math.random().toFixed(5); accept any short token so hand-made links work too.
    { key: 'seed', type: 'string', pattern: /^[0-9A-Za-z._-]{1,32}$/, expected: '1–32 letters, digits, ".", "_" or "-"', default: '0.00000' },
    { key: 'showTestData', type: 'boolean', default: false },
    { key: 'discretize', type: 'boolean', default: false },
    { key: 'percTrainData', type: 'number', min: 10, max: 90, integer: false, default: 50 },
    ...URL_FEATURE_ORDER.map((id): Row => ({ key: id, type: 'boolean', default: FEATURES_ON_BY_DEFAULT.has(id) })),
    { key: 'problem', type: 'enum', values: PROBLEMS, default: 'classification' },
    { key: 'initZero', type: 'boolean', default: false },
    { key: 'hideText', type: 'boolean', default: false },
    ...HIDABLE_CONTROLS.map((c): Row => ({ key: `${c}_hide`, type: 'boolean', default: false })),
  ].map((row) => tfp(row as Row)),
  // The course's lessons.
  { key: 'classes', type: 'number', min: MIN_CLASSES, max: MAX_CLASSES, integer: true, default: 3 },
  { key: 'outputActivation', type: 'enum', values: OUTPUT_ACTIVATIONS, default: 'auto' },
  { key: 'loss', type: 'enum', values: LOSSES, default: 'auto' },
  { key: 'optimizer', type: 'enum', values: OPTIMIZERS, default: 'sgd' },
  { key: 'momentum', type: 'number', min: 0, max: 0.999, integer: false, default: 0.9 },
  { key: 'rho', type: 'number', min: 0, max: 0.999, integer: false, default: 0.9 },
  { key: 'beta1', type: 'number', min: 0, max: 0.999, integer: false, default: 0.9 },
  { key: 'beta2', type: 'number', min: 0, max: 0.99999, integer: false, default: 0.999 },
  { key: 'epsilon', type: 'choice', values: EPSILONS, default: 1e-7 },
  { key: 'fullBatch', type: 'boolean', default: false },
  { key: 'layerActivations', type: 'list', values: LAYER_ACTIVATIONS, maxLength: MAX_HIDDEN_LAYERS, default: [] },
  { key: 'dropout', type: 'array', min: 0, max: MAX_DROPOUT, integer: false, maxLength: MAX_HIDDEN_LAYERS, default: [] },
  { key: 'layerRegularization', type: 'list', values: LAYER_REGULARIZATIONS, maxLength: MAX_HIDDEN_LAYERS, default: [] },
  { key: 'validationSplit', type: 'number', min: 0, max: 0.5, integer: false, default: 0 },
  { key: 'earlyStopping', type: 'boolean', default: false },
  { key: 'monitor', type: 'enum', values: MONITORS, default: 'val_loss' },
  { key: 'patience', type: 'number', min: 0, max: 1000, integer: true, default: 10 },
  { key: 'minDelta', type: 'number', min: 0, max: 10, integer: false, default: 0 },
  { key: 'restoreBestWeights', type: 'boolean', default: false },
  // Points drawn on the plane (dataset=drawn), packed by data/drawn-points.ts.
  { key: 'points', type: 'string', pattern: DRAWN_PATTERN, expected: 'drawn points (groups of three base64url characters)', maxLength: 3 * MAX_LINK_POINTS, validate: drawnPointsProblem, default: '' },
  { key: 'sliceX', type: 'number', min: 0, max: MAX_INPUTS - 1, integer: true, default: 0 },
  { key: 'sliceY', type: 'number', min: 0, max: MAX_INPUTS - 1, integer: true, default: 1 },
  // The image lessons' layers: a preset's name (data/image-presets.ts) or the edited list (image-stack-codec.ts);
  // the softmax output layer after them is the lesson's output.
  {
    key: 'imageModel',
    type: 'string',
    pattern: /^[a-z0-9_.,-]*$/,
    expected: 'a preset (mlp, cnn, cnn-course) or layers such as conv_16_3,max_2,flat,dense_64',
    // 16 layers of the longest token (conv_256_11_8_valid_leaky-relu) and their commas fit.
    maxLength: 512,
    validate: stackValueProblem,
    default: 'cnn',
  },
  // Where training runs: the path measured faster, or the one the user chose (see backend-choice.ts).
  { key: 'backend', type: 'enum', values: BACKEND_PREFERENCES, default: 'auto' },
];

function drawnPointsProblem(raw: string): string | null {
  try {
    decodeDrawnPoints(raw);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** Keys TensorFlow Playground writes that this app has no use for: accepted without a notice, not written back. */
export const SILENTLY_ACCEPTED_KEYS: readonly string[] = ['cosX', 'cosY', 'collectStats', 'tutorial'];

/** The settings every row's default gives. Returns a fresh object (arrays copied). */
export function defaultSettings(): Settings {
  const out: Record<string, unknown> = {};
  for (const row of URL_TABLE) out[row.key] = row.type === 'array' || row.type === 'list' ? [...row.default] : row.default;
  return out as Settings;
}
