// The lesson: one description of what the page teaches, derived from the settings (the URL's rows) and
// shared by the store, the trainer and the views.
//
//   Lesson = { data: DataSource, model: LayerSpec[], training: TrainingSpec, view: ViewSpec }
//
// The number of inputs and of classes (or outputs) comes from the data source; the trainer turns
// `model` + `training` into a Sequential and never looks at `view`; the views ask `view` what to draw.
// Choices left at `auto` take the course's pairing (linear/tanh → MSE, sigmoid → binary cross-entropy,
// softmax → categorical cross-entropy).
import { COURSE_TABLE_INFO, COURSE_TABLES, type CourseTable } from '../data/course-tables';
import type { Table } from '../data/tables';
import { FEATURE_IDS, featureById, type FeatureId } from '../data/features';
import { CLASSIFICATION_DATASETS, MULTICLASS_DATASETS, PLANE_RADIUS, type DatasetName } from '../data/playground-datasets';
import { IMAGE_DATASETS, IMAGE_DATASET_IDS, type ImageDatasetId } from '../data/image-datasets';
import type { LayerConfig } from '../data/image-presets';
import { resolveStack } from './image-stack-codec';
import type { MessageKey } from './i18n/en';
import { seedNumber } from './seed';
import type {
  Activation, LossSetting, Monitor, OptimizerChoice, OutputActivationSetting, Regularization, Settings,
} from './url-table';

export type OutputActivation = Exclude<OutputActivationSetting, 'auto'>;
export type LossName = Exclude<LossSetting, 'auto'>;

/** Where the examples come from, and what the network's inputs and targets are. */
export type DataSource =
  | {
      kind: 'plane';
      /** A generator, or the user's own points (`drawn`). */
      dataset: DatasetName | 'drawn';
      /** Drawn points in their link form (data/drawn-points.ts); empty otherwise. */
      points: string;
      /** 0 for regression. */
      classes: number;
      noise: number;
      percTrain: number;
      seed: string;
      /** The network's inputs: functions of the point (x₁, x₂). */
      features: FeatureId[];
      /** TensorFlow Playground's own problem (its rules apply unless Keras names were chosen). */
      tfp: boolean;
    }
  | {
      kind: 'table';
      /** A course table, or the user's CSV. */
      table: CourseTable | 'upload';
      classes: number;
      percTrain: number;
      seed: string;
      inputNames: readonly string[];
      classNames: readonly string[];
      /** So few rows that the network trains on all of them (no test part). */
      trainOnAll: boolean;
    }
  | {
      kind: 'images';
      /** A shipped image set (data/image-datasets.ts); its split into training and test images is fixed. */
      dataset: ImageDatasetId;
      classes: number;
      /** Translation keys, class index order. */
      classNames: readonly MessageKey[];
      /** The network's input shape [height, width, channels]. */
      shape: readonly [number, number, number];
    };

/** A user's CSV, read and encoded (data/csv.ts): its inputs' names and the rows as a table of classes. */
export interface UploadedTable {
  name: string;
  /** The column predicted. */
  target: string;
  inputNames: readonly string[];
  table: Table;
}

/** Fewer rows than this and an uploaded table trains on all of them, as the course does with its tiny tables. */
const MIN_ROWS_TO_SPLIT = 10;

export interface LayerSpec {
  units: number;
  activation: Activation | OutputActivation;
  /** Dropout after this layer's activation (training only). */
  dropout: number;
  regularization: Regularization;
  /** The user's rate; its meaning depends on the semantics (see tfp-semantics.ts). */
  regularizationRate: number;
}

export interface EarlyStoppingSpec {
  monitor: Monitor;
  patience: number;
  minDelta: number;
  restoreBestWeights: boolean;
}

export interface OptimizerSpec {
  kind: OptimizerChoice;
  learningRate: number;
  momentum: number;
  rho: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

export interface TrainingSpec {
  loss: LossName;
  optimizer: OptimizerSpec;
  /** 'full': one step per epoch over the whole training set. */
  batchSize: number | 'full';
  /** Fraction of the training set held out for validation (Keras's validation_split: the last rows). */
  validationSplit: number;
  earlyStopping: EarlyStoppingSpec | null;
  /** 'tfp': TensorFlow Playground's error, update and initialization; 'keras': Keras's. */
  semantics: 'tfp' | 'keras';
  initZero: boolean;
  /** Seed of the initial weights. */
  seed: number;
}

export type ViewSpec =
  /** The input plane [−radius, radius]²; the inputs are features of the point. */
  | { kind: 'plane'; radius: number; features: FeatureId[] }
  /** Two input columns as axes; every other input held at its training mean (standardized: 0). */
  | { kind: 'slice'; axes: [number, number] }
  /** Images in, class probabilities out: no plane to draw. */
  | { kind: 'images' };

export interface Lesson {
  data: DataSource;
  /**
   * Hidden layers, then the output layer. An image lesson's hidden layers are `stack` instead (convolutions,
   * pooling, flatten, dropout, dense in the model file's config form), and `model` holds its output layer.
   */
  model: LayerSpec[];
  stack: readonly LayerConfig[] | null;
  training: TrainingSpec;
  view: ViewSpec;
}

const TFP_DATASETS: ReadonlySet<string> = new Set(CLASSIFICATION_DATASETS);
const MULTICLASS: ReadonlySet<string> = new Set(MULTICLASS_DATASETS);

function isCourseTable(name: string): name is CourseTable {
  return (COURSE_TABLES as readonly string[]).includes(name);
}

function isImageDataset(name: string): name is ImageDatasetId {
  return (IMAGE_DATASET_IDS as readonly string[]).includes(name);
}

function dataSource(s: Settings, upload: UploadedTable | null): DataSource {
  if (s.problem === 'classification' && isImageDataset(s.dataset)) {
    const info = IMAGE_DATASETS[s.dataset];
    return { kind: 'images', dataset: s.dataset, classes: info.classNames.length, classNames: info.classNames, shape: [info.height, info.width, 1] };
  }
  const features = FEATURE_IDS.filter((id) => s[id]);
  if (s.problem === 'regression') {
    return { kind: 'plane', dataset: s.regDataset, points: '', classes: 0, noise: s.noise, percTrain: s.percTrainData, seed: s.seed, features, tfp: true };
  }
  if (isCourseTable(s.dataset)) {
    const info = COURSE_TABLE_INFO[s.dataset];
    return { kind: 'table', table: s.dataset, classes: info.classNames.length, percTrain: s.percTrainData, seed: s.seed, inputNames: info.inputNames, classNames: info.classNames, trainOnAll: info.trainOnAll ?? false };
  }
  if (s.dataset === 'upload') {
    const classNames = upload?.table.classNames ?? [];
    return {
      kind: 'table',
      table: 'upload',
      classes: Math.max(2, classNames.length),
      percTrain: s.percTrainData,
      seed: s.seed,
      inputNames: upload?.inputNames ?? [],
      classNames,
      trainOnAll: (upload?.table.count ?? 0) < MIN_ROWS_TO_SPLIT,
    };
  }
  const drawn = s.dataset === 'drawn';
  const classes = MULTICLASS.has(s.dataset) || drawn ? s.classes : 2;
  return {
    kind: 'plane',
    dataset: s.dataset as DatasetName | 'drawn',
    points: drawn ? s.points : '',
    classes,
    noise: s.noise,
    percTrain: s.percTrainData,
    seed: s.seed,
    features,
    tfp: TFP_DATASETS.has(s.dataset),
  };
}

/** How many inputs the network takes. */
export function inputCount(source: DataSource): number {
  if (source.kind === 'images') return source.shape[0] * source.shape[1] * source.shape[2];
  return source.kind === 'plane' ? source.features.length : source.inputNames.length;
}

/** The shape of one example as the network takes it: [inputs], or an image's [height, width, channels]. */
export function inputShape(source: DataSource): number[] {
  return source.kind === 'images' ? [...source.shape] : [inputCount(source)];
}

/** Display names of the network's inputs, in order. */
export function inputNames(source: DataSource): string[] {
  if (source.kind === 'images') return [];
  return source.kind === 'plane' ? source.features.map((id) => featureById(id).label) : [...source.inputNames];
}

/** The course's output activation for the data: tanh for TensorFlow Playground's two classes, softmax for more, sigmoid for a binary table. */
export function courseOutputActivation(source: DataSource): OutputActivation {
  if (source.classes === 0) return 'linear';
  if (source.classes > 2) return 'softmax';
  return source.kind === 'plane' ? 'tanh' : 'sigmoid';
}

/** The course's loss for an output activation. */
export function courseLoss(output: OutputActivation): LossName {
  if (output === 'softmax') return 'categorical_crossentropy';
  if (output === 'sigmoid') return 'binary_crossentropy';
  return 'mse';
}

/** Why a chosen output/loss pair is not the course's (a translation key), or null when it is. */
export function pairingWarning(output: OutputActivation, loss: LossName, classes: number): 'pairing.softmaxNeedsCce' | 'pairing.cceNeedsSoftmax' | 'pairing.bceNeedsSigmoid' | 'pairing.sigmoidLoss' | 'pairing.tanhLoss' | 'pairing.regressionLoss' | null {
  if (classes === 0 && (output === 'softmax' || loss === 'binary_crossentropy' || loss === 'categorical_crossentropy')) return 'pairing.regressionLoss';
  if (output === 'softmax' && loss !== 'categorical_crossentropy') return 'pairing.softmaxNeedsCce';
  if (loss === 'categorical_crossentropy' && output !== 'softmax') return 'pairing.cceNeedsSoftmax';
  if (loss === 'binary_crossentropy' && output !== 'sigmoid') return 'pairing.bceNeedsSigmoid';
  if (output === 'sigmoid' && loss !== 'mse' && loss !== 'binary_crossentropy') return 'pairing.sigmoidLoss';
  if (output === 'tanh' && loss !== 'mse') return 'pairing.tanhLoss';
  return null;
}

/** Units of the output layer: one per class when there are more than two (or with softmax), else one. */
export function outputUnits(source: DataSource, output: OutputActivation): number {
  if (source.classes === 0) return 1;
  return source.classes > 2 || output === 'softmax' ? source.classes : 1;
}

/** The lesson the settings describe (with the user's CSV when `dataset` is `upload`). */
export function describeLesson(s: Settings, upload: UploadedTable | null = null): Lesson {
  const data = dataSource(s, upload);
  const outputActivation = s.outputActivation === 'auto' ? courseOutputActivation(data) : s.outputActivation;
  const loss = s.loss === 'auto' ? courseLoss(outputActivation) : s.loss;
  // TensorFlow Playground's rules hold for its own problems as long as nothing was chosen by a Keras name.
  const semantics = data.kind === 'plane' && data.tfp && s.outputActivation === 'auto' && s.loss === 'auto' && s.optimizer === 'sgd' ? 'tfp' : 'keras';
  const images = data.kind === 'images';
  const hidden: LayerSpec[] = images ? [] : s.networkShape.map((units, i) => {
    const activation = s.layerActivations[i] ?? 'global';
    const regularization = s.layerRegularization[i] ?? 'global';
    return {
      units,
      activation: activation === 'global' ? s.activation : activation,
      dropout: s.dropout[i] ?? 0,
      regularization: regularization === 'global' ? s.regularization : regularization,
      regularizationRate: s.regularizationRate,
    };
  });
  // The output layer takes the global regularization, as TensorFlow Playground regularizes every link.
  const output: LayerSpec = {
    units: outputUnits(data, outputActivation),
    activation: outputActivation,
    dropout: 0,
    regularization: s.regularization,
    regularizationRate: s.regularizationRate,
  };
  const training: TrainingSpec = {
    loss,
    optimizer: {
      kind: s.optimizer,
      learningRate: s.learningRate,
      momentum: s.momentum,
      rho: s.rho,
      beta1: s.beta1,
      beta2: s.beta2,
      epsilon: s.epsilon,
    },
    batchSize: s.fullBatch ? 'full' : s.batchSize,
    validationSplit: s.validationSplit,
    earlyStopping: s.earlyStopping ? { monitor: s.monitor, patience: s.patience, minDelta: s.minDelta, restoreBestWeights: s.restoreBestWeights } : null,
    semantics,
    initZero: s.initZero,
    seed: seedNumber(s.seed, 'init'),
  };
  const view: ViewSpec =
    data.kind === 'plane'
      ? { kind: 'plane', radius: PLANE_RADIUS, features: data.features }
      : data.kind === 'images'
        ? { kind: 'images' }
        : { kind: 'slice', axes: sliceAxes(s.sliceX, s.sliceY, data.inputNames.length) };
  return { data, model: [...hidden, output], stack: data.kind === 'images' ? resolveStack(s.imageModel, data.shape[0]) : null, training, view };
}

/** Two distinct input columns within range: the asked ones where possible. */
function sliceAxes(x: number, y: number, inputs: number): [number, number] {
  if (inputs < 2) return [0, 0];
  const first = Math.min(x, inputs - 1);
  let second = Math.min(y, inputs - 1);
  if (second === first) second = first === 0 ? Math.min(1, inputs - 1) : 0;
  return [first, second];
}

/** A lesson classifies (else it fits a number). */
export function isClassification(lesson: Lesson): boolean {
  return lesson.data.classes > 0;
}

/** The output layer. */
export function outputLayer(lesson: Lesson): LayerSpec {
  return lesson.model[lesson.model.length - 1];
}

/**
 * Targets for the output layer, row-major [rows, units]: a regression value as is; one unit per class
 * (one-hot; −1 for "no" with tanh, as TensorFlow Playground's ±1 labels); one unit for two classes
 * (class 1 → 1, class 0 → −1 with tanh or linear, 0 with sigmoid).
 */
export function encodeTargets(lesson: Lesson, labels: ArrayLike<number>): Float32Array {
  const { units, activation } = outputLayer(lesson);
  if (!isClassification(lesson)) return Float32Array.from(labels);
  const off = activation === 'tanh' || (units === 1 && activation === 'linear') ? -1 : 0;
  const out = new Float32Array(labels.length * units).fill(off);
  for (let r = 0; r < labels.length; r++) {
    if (units === 1) out[r] = labels[r] === 1 ? 1 : off;
    else out[r * units + labels[r]] = 1;
  }
  return out;
}

/** The predicted class of each row of outputs [rows, units]: argmax, or one unit against its midpoint. */
export function decodeClasses(lesson: Lesson, outputs: ArrayLike<number>, rows: number): Int32Array {
  const { units, activation } = outputLayer(lesson);
  const out = new Int32Array(rows);
  if (units === 1) {
    const threshold = activation === 'sigmoid' ? 0.5 : 0;
    for (let r = 0; r < rows; r++) out[r] = outputs[r] >= threshold ? 1 : 0;
    return out;
  }
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let j = 1; j < units; j++) if (outputs[r * units + j] > outputs[r * units + best]) best = j;
    out[r] = best;
  }
  return out;
}

/** Batch size for a training set of `rows` (full batch: all of them). */
export function batchRows(training: TrainingSpec, rows: number): number {
  return training.batchSize === 'full' ? Math.max(1, rows) : training.batchSize;
}
