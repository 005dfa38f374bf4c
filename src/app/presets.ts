// Ready-made lessons a teacher can open with one click: each is a partial setting list over the defaults
// (the seed is kept so the class sees the same data).
import type { MessageKey } from './i18n';
import { defaultSettings, type Settings } from './url-table';

export interface Preset {
  id: string;
  /** Translation key of its name. */
  title: MessageKey;
  settings: Partial<Settings>;
}

const ONLY_XY = { x: true, y: true, xSquared: false, ySquared: false, xTimesY: false, sinX: false, sinY: false };

export const PRESETS: readonly Preset[] = [
  { id: 'linear', title: 'preset.linear', settings: { ...ONLY_XY, dataset: 'gauss', networkShape: [], activation: 'linear' } },
  { id: 'xor-feature', title: 'preset.xorFeature', settings: { ...ONLY_XY, dataset: 'xor', xTimesY: true, networkShape: [] } },
  { id: 'circle-squares', title: 'preset.circleSquares', settings: { ...ONLY_XY, dataset: 'circle', x: false, y: false, xSquared: true, ySquared: true, networkShape: [] } },
  { id: 'xor-hidden', title: 'preset.xorHidden', settings: { ...ONLY_XY, dataset: 'xor', networkShape: [4], activation: 'tanh' } },
  {
    id: 'spiral-deep',
    title: 'preset.spiralDeep',
    settings: { ...ONLY_XY, dataset: 'spiral', sinX: true, sinY: true, xSquared: true, ySquared: true, networkShape: [8, 8, 6], activation: 'tanh', learningRate: 0.03 },
  },
  {
    id: 'overfitting',
    title: 'preset.overfitting',
    settings: { ...ONLY_XY, dataset: 'spiral', noise: 35, percTrainData: 20, networkShape: [8, 8, 8], activation: 'relu', showTestData: true },
  },
  {
    id: 'regularization',
    title: 'preset.regularization',
    settings: { ...ONLY_XY, dataset: 'spiral', noise: 35, percTrainData: 20, networkShape: [8, 8, 8], activation: 'relu', showTestData: true, regularization: 'L2', regularizationRate: 0.003 },
  },
  // The course's lessons beyond TensorFlow Playground.
  { id: 'blobs-softmax', title: 'preset.blobsSoftmax', settings: { ...ONLY_XY, dataset: 'blobs', classes: 4, networkShape: [6], optimizer: 'adam', learningRate: 0.01, showTestData: true } },
  { id: 'spiral-arms', title: 'preset.spiralArms', settings: { ...ONLY_XY, dataset: 'spiral3', classes: 3, networkShape: [8, 8], activation: 'relu', optimizer: 'adam', learningRate: 0.01 } },
  { id: 'iris', title: 'preset.iris', settings: { dataset: 'iris', percTrainData: 80, networkShape: [8], optimizer: 'adam', learningRate: 0.01, showTestData: true, sliceX: 2, sliceY: 3 } },
  {
    id: 'breast-cancer-early-stopping',
    title: 'preset.breastCancer',
    settings: { dataset: 'breast-cancer', percTrainData: 80, networkShape: [16, 16], activation: 'relu', optimizer: 'adam', learningRate: 0.01, validationSplit: 0.2, earlyStopping: true, patience: 5, restoreBestWeights: true },
  },
  { id: 'weight-height', title: 'preset.weightHeight', settings: { dataset: 'weight-height', networkShape: [2], activation: 'sigmoid', learningRate: 1 } },
  { id: 'xor-table', title: 'preset.xorTable', settings: { dataset: 'xor-table', networkShape: [2], activation: 'tanh', optimizer: 'adam', learningRate: 0.1 } },
  // Image lessons: the course's optimizer, Adam. For the CNNs, learning rate 0.003 (the course's 0.001 left
  // MNIST at 96.4 % and Fashion at 84.4 % after 5 epochs, under the 97 % and 85 %), and batch 64 for
  // MNIST (at batch 32 and 0.003 its test accuracy swung 97.9 → 96.8 % between epochs 4 and 5). README, Data.
  { id: 'digits8-mlp', title: 'preset.digits8Mlp', settings: { dataset: 'digits8', imageModel: 'mlp', optimizer: 'adam', learningRate: 0.001, batchSize: 32 } },
  { id: 'mnist-cnn', title: 'preset.mnistCnn', settings: { dataset: 'mnist', imageModel: 'cnn', optimizer: 'adam', learningRate: 0.003, batchSize: 64 } },
  { id: 'fashion-cnn', title: 'preset.fashionCnn', settings: { dataset: 'fashion', imageModel: 'cnn', optimizer: 'adam', learningRate: 0.003, batchSize: 32 } },
  { id: 'batch-regimes', title: 'preset.fullBatch', settings: { ...ONLY_XY, dataset: 'blobs', classes: 3, noise: 20, networkShape: [4], optimizer: 'sgd', learningRate: 0.1, fullBatch: true } },
];

/** The full settings a preset gives: defaults, the current seed, then the preset's own values. */
export function presetSettings(preset: Preset, current: Settings): Settings {
  return { ...defaultSettings(), seed: current.seed, ...preset.settings };
}
