// The one store: settings (the URL's content), the trainer's published results, and the actions views call.
// Views read it and call actions; the trainer connects through `connectTrainer` and writes results back
// with `publish*`. No view talks to the engine.
import { createStore, useStore, type StoreApi } from 'zustand';
import type { CourseTable } from '../data/course-tables';
import type { Table } from '../data/tables';
import { FEATURE_IDS, type FeatureId } from '../data/features';
import { describeLesson, type Lesson, type UploadedTable } from './lesson';
import { fetchCourseTable, fetchImages, lessonData, type LessonData } from './lesson-data';
import { IMAGE_DATASET_IDS, type ImageDatasetId } from '../data/image-datasets';
import type { ImageSet, LoadProgress } from '../data/images';
import { appendLoss, emptyLossHistory, truncateLoss, type LossHistory } from './loss-history';
import { appendParams, emptyParamHistory, type ParamHistory } from './param-history';
import { randomSeed } from './seed';
import { checkSetting, type IgnoredEntry } from './url-codec';
import { MAX_HIDDEN_LAYERS, MAX_NEURONS, defaultSettings, type SettingKey, type Settings } from './url-table';
import type { Locale } from './i18n';
import type { TrainerPath } from '../engine/plan';
import { pythonFileName, type Summary } from '../index';
import { lessonFileName, lessonFileText, openLessonFile } from './lesson-file';
import { lessonProblem } from './image-stack';
import { stackValue } from './image-stack-codec';
import type { LayerConfig } from '../data/image-presets';
import { savedTable } from './saved-table';
import type { DataPart, LessonMetrics } from './lesson-metrics';
import type { CodeLanguage, SavedModel } from './trainer';
import type { BackendMeasurement } from './backend-choice';

/** A node of the network diagram. Column 0 = input features (enabled ones, in FEATURE_IDS order), 1..k = hidden layers, k+1 = output. */
export interface NodeRef {
  column: number;
  index: number;
}

export interface Notice extends IgnoredEntry {
  id: number;
}

export interface BackendInfo {
  name: 'pending' | 'webgpu' | 'cpu';
  /** For the badge, e.g. "WebGPU · swiftshader" or "CPU". */
  description: string;
  /** Why WebGPU is not in use (null when it is, or while pending). */
  fallbackReason: string | null;
  /** A backend being prepared to take over (WebGPU compiling its pipelines, or a lost device being recreated). */
  preparing?: 'webgpu' | null;
  /** Each path's measured training rate on the lesson's network, the user's preference and the path chosen. */
  measured?: BackendMeasurement;
}

/** Training stopped itself: the numbers overflowed, so it paused and rolled back (see snapshots.ts). */
export interface TrainingAlert {
  kind: 'diverged';
  /** The epoch at which a loss or weight stopped being a finite number. */
  epoch: number;
  /** The epoch it rolled back to. */
  restoredEpoch: number;
  what: 'loss' | 'weights';
  learningRate: number;
}

/** Values of every node over the plot's plane (grid.ts's GridPlane), row-major, first row at the top. */
export interface Heatmaps {
  /** The network's output at high resolution (the big plot): [outputUnits, outputResolution²]. */
  outputResolution: number;
  output: Float32Array;
  outputUnits: number;
  /** Half the side of the plotted square, in input units. */
  radius: number;
  /** Every node's own grid, `columns[column][index]`, each neuronResolution² values (inputs included). */
  neuronResolution: number;
  columns: Float32Array[][];
}

/** Parameters for drawing links and bias squares and for hover cards. */
export interface NetworkParams {
  /** weights[c][i][j]: from node i of column c to node j of column c + 1 (Keras kernel layout [in, out]). */
  weights: number[][][];
  /** biases[c][j] for node j of column c; biases[0] is empty (inputs have none). */
  biases: number[][];
  /** An image lesson's parameters as the model's weight list (convolutions have no links to draw); weights and biases stay empty. */
  tensors?: { shape: number[]; values: Float32Array }[];
}

export type PlaygroundData = LessonData;
export { makeData } from './lesson-data';

/** What the trainer must do when the store changes; the store calls these after updating its state. */
export interface TrainerPort {
  /** Build a fresh network from settings and seed (architecture changed, reset pressed, new data). */
  reset(): void;
  /** The data changed but the network stays (regenerate). */
  dataChanged(): void;
  /** learningRate / batchSize / regularizationRate changed: apply from the next step on. */
  hyperparametersChanged(): void;
  /** What the plots show changed (slice axes): draw the grids again. */
  viewChanged(): void;
  /** Play/pause flipped: start or stop the frame loop. */
  playingChanged(playing: boolean): void;
  /** Train one epoch (when paused). */
  step(): void;
  setWeight(column: number, from: number, to: number, value: number): void;
  setBias(column: number, index: number, value: number): void;
  /** The engine panel opened: publish its figures. */
  engineInfoRequested(): void;
  /** The next reset builds this saved model instead of a fresh one. */
  loadModel(saved: SavedModel): void;
  /** The current model's file and epoch (after the work queued before). */
  saveModel(): Promise<SavedModel>;
  /** A Python script that rebuilds the current model, with the lesson's preprocessing and data. */
  exportScript(language: CodeLanguage): Promise<string>;
  /** The drawn digit changed: classify it. */
  drawingChanged(): void;
  /** Another test image to look inside: publish every layer's output for it. */
  inspectedChanged(): void;
  /** A confusion cell was picked or cleared: publish (or drop) its part's predicted classes. */
  highlightChanged(): void;
  /** The test images' grid switched to or from only the mistakes: read the test images' probabilities it needs. */
  mistakesChanged(): void;
}

/** One layer's output for the inspected image, without the batch axis. */
export interface FeatureMaps {
  name: string;
  type: string;
  shape: number[];
  values: Float32Array;
}

/** An image set being downloaded: compressed bytes so far and in all (0 when the server does not say). */
export interface ImageLoad {
  dataset: ImageDatasetId;
  loaded: number;
  total: number;
}

/** Where an image lesson's epoch stands (published every frame; the losses only at an epoch's end). */
export interface ImageProgress {
  /** Batches done in the current epoch, of `batches`. */
  batch: number;
  batches: number;
  /** Training images per second, measured over the last second or more; null until measured. */
  imagesPerSecond: number | null;
  /** Seconds to the end of the current epoch at that rate; null until measured. */
  secondsLeft: number | null;
}

/** Test images an image lesson's grid shows (the first ones; only the mistakes show any of them). */
export const TEST_IMAGES_SHOWN = 40;

/** An image lesson's view of the test images. */
export interface ImageResults {
  /** The test set's confusion counts [true class][predicted class], from the device's metric counts. */
  testConfusion: number[][];
  /**
   * The class probabilities [rows, classes] of the first test images: the TEST_IMAGES_SHOWN the grid shows,
   * or every test image while only the mistakes are shown (which of them are wrong needs them all).
   */
  testProbabilities: Float32Array;
  /** The first convolution's kernel [kernel height, kernel width, channels, filters] and bias (null without one). */
  filters: { shape: number[]; values: Float32Array; bias: Float32Array } | null;
}

/** A file for the page to download. */
export interface DownloadFile {
  name: string;
  text: string;
}

/** Each sample's predicted class in one part of the data, in the part's order. */
export interface HighlightClasses {
  part: DataPart;
  predicted: Int32Array;
}

/** A confusion-matrix cell picked in the metrics panel: its points are highlighted on the plot. */
export interface ConfusionCell {
  part: DataPart;
  /** True class (row) and predicted class (column). */
  actual: number;
  predicted: number;
}

/** The engine panel's figures: how the engine trains and, once measured, rates per second. */
export interface EngineDebug {
  path: TrainerPath;
  dispatchesPerStep: number;
  /** The steps run on the CPU. */
  cpu?: boolean;
  stepsPerSecond: number | null;
  framesPerSecond: number | null;
  dispatchesPerSecond: number | null;
  submitsPerSecond: number | null;
  buffersPerSecond: number | null;
  bytesReadBackPerSecond: number | null;
  /** Since the page started. */
  pipelinesCompiled: number;
  /** Time from a frame's submit to its training steps being finished (on the GPU, or the CPU), ms. */
  msPerFrame?: number | null;
}

export interface TrainingResults {
  epoch: number;
  trainLoss: number;
  /** NaN when the lesson has no test part. */
  testLoss: number;
  /** NaN when the lesson holds no validation part. */
  validationLoss?: number;
  /** Classification only: the share of examples classified right, in [0, 1]. */
  trainAccuracy?: number | null;
  testAccuracy?: number | null;
  network?: NetworkParams;
  heatmaps?: Heatmaps;
  /** Null when the lesson holds no validation part. */
  validationAccuracy?: number | null;
  /** The metrics panel's figures, when recomputed (at most a few times a second while training). */
  metrics?: LessonMetrics;
  images?: ImageResults;
}

export interface PlaygroundState {
  settings: Settings;
  /** What the settings describe (derived; replaced with them). */
  lesson: Lesson;
  /** The CSV the user opened (kept in the page only; `dataset=upload` trains on it). */
  upload: UploadedTable | null;
  playing: boolean;
  /** Completed passes over the training set since the last reset. */
  epoch: number;
  trainLoss: number | null;
  testLoss: number | null;
  validationLoss: number | null;
  trainAccuracy: number | null;
  testAccuracy: number | null;
  validationAccuracy: number | null;
  lossHistory: LossHistory;
  /** Accuracy over epochs (train, test, validation), thinned like the loss history; empty for regression. */
  accuracyHistory: LossHistory;
  /** Snapshots of the parameters over training, for the weight and bias histograms (oldest first). */
  paramHistory: ParamHistory;
  /** The metrics panel's figures for each part of the data (null before the first evaluation). */
  metrics: LessonMetrics | null;
  /** The confusion cell whose points the plot highlights, or null. */
  highlight: ConfusionCell | null;
  /** The highlighted part's predicted class per sample: read from the engine only while a cell is highlighted. */
  highlightClasses: HighlightClasses | null;
  /** Keras's model.summary() of the current network. */
  summary: Summary | null;
  /** Why the last lesson file could not be opened (the running lesson is untouched), or null. */
  fileError: string | null;
  /** The epoch early stopping ended training at (marked on the loss chart), or null. */
  stoppedEpoch: number | null;
  backend: BackendInfo;
  notices: Notice[];
  heatmaps: Heatmaps | null;
  network: NetworkParams | null;
  data: PlaygroundData;
  hovered: NodeRef | null;
  locale: Locale;
  /** A training failure to show (e.g. the GPU device was lost); null when all is well. */
  error: string | null;
  /** Training paused itself and says why (divergence); null when all is well. */
  alert: TrainingAlert | null;
  /** The engine panel (opened from the backend badge) and its latest figures. */
  debugOpen: boolean;
  debug: EngineDebug | null;
  /** An image set downloading, or null. */
  imageLoad: ImageLoad | null;
  imageProgress: ImageProgress | null;
  imageResults: ImageResults | null;
  /** The digit drawn on the canvas, centred like the dataset's images ([height × width] in [0, 1]), or null. */
  drawing: Float32Array | null;
  /** The network's class probabilities for `drawing`. */
  drawingProbabilities: Float32Array | null;
  /** The test images' grid shows only the misclassified ones. */
  onlyMistakes: boolean;
  /** The test image whose feature maps are shown (index into data.test), and every layer's output for it. */
  inspected: number;
  featureMaps: FeatureMaps[] | null;

  /** Change one setting; throws on a value outside its URL row's allowed set. Resets/regenerates like TensorFlow Playground. */
  setSetting<K extends SettingKey>(key: K, value: Settings[K]): void;
  /** Replace all settings at once (hash change); resets the network when anything but view/live settings changed. */
  applySettings(settings: Settings): void;
  toggleFeature(id: FeatureId): void;
  /** Train on a user's CSV from now on (the previous lesson is replaced only once the file has been read without error). */
  openUpload(upload: UploadedTable): void;
  addLayer(): void;
  removeLayer(): void;
  /** An image lesson's layers before its output, as edited (written to the link as a preset's name when they are one). */
  setImageStack(layers: readonly LayerConfig[]): void;
  /** `layer` counts hidden layers from 0. */
  addNeuron(layer: number): void;
  removeNeuron(layer: number): void;
  togglePlay(): void;
  /** Starts training, unless the lesson's network cannot be built (image-stack.ts's lessonProblem says why). */
  play(): void;
  pause(): void;
  /** One epoch. */
  step(): void;
  /** New weights from the same seed: the same run again. */
  reset(): void;
  /** New seed and new data; the network is kept. */
  regenerate(): void;
  setWeight(column: number, from: number, to: number, value: number): void;
  setBias(column: number, index: number, value: number): void;
  setHovered(node: NodeRef | null): void;
  addNotices(entries: readonly IgnoredEntry[]): void;
  dismissNotice(id: number): void;
  dismissAllNotices(): void;
  setLocale(locale: Locale): void;
  toggleDebug(): void;
  setDrawing(pixels: Float32Array | null): void;
  inspect(testIndex: number): void;
  showOnlyMistakes(on: boolean): void;
  setHighlight(cell: ConfusionCell | null): void;
  /** The whole lesson (settings, model with weights and optimizer state, preprocessing) as a lesson file. */
  saveLessonFile(): Promise<DownloadFile>;
  /**
   * Open a lesson file's text: its settings replace the lesson's and training goes on from its model. A bad
   * file leaves everything as it was and sets `fileError`; returns whether it opened.
   */
  openLessonFile(text: string): boolean;
  dismissFileError(): void;
  /** The current model as a PyTorch or Keras script. */
  exportCode(language: CodeLanguage): Promise<DownloadFile>;

  // Written by the trainer.
  connectTrainer(port: TrainerPort): () => void;
  publishResults(results: TrainingResults): void;
  publishBackend(backend: BackendInfo): void;
  publishError(message: string | null): void;
  publishAlert(alert: TrainingAlert | null): void;
  publishDebug(debug: EngineDebug): void;
  /** Early stopping ended training after `epoch`. */
  publishStopped(epoch: number): void;
  publishImageProgress(progress: ImageProgress | null): void;
  publishDrawingProbabilities(probabilities: Float32Array | null): void;
  publishFeatureMaps(maps: FeatureMaps[] | null): void;
  /** Fresh probabilities of the first test images (the grid's view changed; see ImageResults). */
  publishTestProbabilities(probabilities: Float32Array): void;
  publishSummary(summary: Summary): void;
  publishHighlightClasses(classes: HighlightClasses | null): void;
}

export type PlaygroundStore = StoreApi<PlaygroundState>;

/** How a setting's change reaches the trainer (TensorFlow Playground's behaviour; `grid`: the plots' axes). */
export type SettingEffect = 'network' | 'data' | 'live' | 'grid' | 'view';

export function settingEffect(key: SettingKey): SettingEffect {
  switch (key) {
    case 'learningRate':
    case 'batchSize':
    case 'regularizationRate':
    case 'momentum':
    case 'rho':
    case 'beta1':
    case 'beta2':
    case 'epsilon':
    case 'fullBatch':
    case 'earlyStopping':
    case 'monitor':
    case 'patience':
    case 'minDelta':
    case 'restoreBestWeights':
      return 'live';
    case 'dataset':
    case 'regDataset':
    case 'noise':
    case 'percTrainData':
    case 'seed':
    case 'problem':
    case 'classes':
    case 'validationSplit':
    case 'points':
      return 'data';
    case 'activation':
    case 'regularization':
    case 'networkShape':
    case 'initZero':
    case 'outputActivation':
    case 'loss':
    case 'optimizer':
    case 'layerActivations':
    case 'dropout':
    case 'layerRegularization':
    case 'imageModel':
      return 'network';
    case 'sliceX':
    case 'sliceY':
      return 'grid';
    default:
      return (FEATURE_IDS as readonly string[]).includes(key) ? 'network' : 'view';
  }
}

/** The enabled input features, in FEATURE_IDS order: the network's input columns. */
export function enabledFeatures(settings: Settings): FeatureId[] {
  return FEATURE_IDS.filter((id) => settings[id]);
}

const SETTING_KEYS = Object.keys(defaultSettings()) as SettingKey[];

/** A run's results before its first evaluation. */
const EMPTY_RUN = {
  epoch: 0,
  trainLoss: null,
  testLoss: null,
  trainAccuracy: null,
  testAccuracy: null,
  validationLoss: null,
  validationAccuracy: null,
  lossHistory: emptyLossHistory(),
  accuracyHistory: emptyLossHistory(),
  paramHistory: emptyParamHistory(),
  stoppedEpoch: null,
  metrics: null,
  highlight: null,
  highlightClasses: null,
  imageProgress: null,
  imageResults: null,
  drawingProbabilities: null,
  featureMaps: null,
} satisfies Partial<PlaygroundState>;

function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => v === b[i]);
  return a === b;
}

export interface StoreOptions {
  settings?: Settings;
  locale?: Locale;
  /** For `regenerate`; tests pass a seeded one. */
  random?: () => number;
  /** Reads a course table (default: from the page's data/ folder). */
  loadTable?: (name: CourseTable) => Promise<Table>;
  /** Reads an image set (default: from the page's data/ folder, with progress). */
  loadImages?: (name: ImageDatasetId, onProgress: LoadProgress) => Promise<ImageSet>;
}

export function createPlaygroundStore({ settings, locale = 'en', random = Math.random, loadTable = fetchCourseTable, loadImages = fetchImages }: StoreOptions = {}): PlaygroundStore {
  const initial = settings ?? { ...defaultSettings(), seed: randomSeed(random) };
  const initialLesson = describeLesson(initial);
  let port: TrainerPort | null = null;
  let nextNoticeId = 1;
  const tables = new Map<CourseTable | 'upload', Table>();
  let upload: UploadedTable | null = null;
  const loading = new Set<CourseTable | ImageDatasetId>();
  const images = new Map<ImageDatasetId, ImageSet>();

  const store = createStore<PlaygroundState>()((set, get) => {
    /** Clear training results (the trainer publishes new ones after it rebuilds). */
    const clearRun = () =>
      set({ ...EMPTY_RUN, error: null, alert: null });

    /** Apply new settings; returns whether the trainer was told to reset. */
    const changeSettings = (next: Settings): boolean => {
      const prev = get().settings;
      const changed = SETTING_KEYS.filter((k) => !sameValue(prev[k], next[k]));
      if (changed.length === 0) return false;
      const effects = new Set(changed.map(settingEffect));
      const lesson = describeLesson(next, upload);
      const data = effects.has('data') ? lessonData(lesson, tables, images) : get().data;
      set({ settings: next, lesson, data });
      if (data.loading) requestData(data.loading);
      const reset = effects.has('data') || effects.has('network');
      // A network that cannot be built stops the run (it is explained on its layer).
      if (reset && lessonProblem(lesson)) get().pause();
      if (reset) {
        clearRun();
        port?.reset();
      } else if (effects.has('live')) {
        port?.hyperparametersChanged();
      }
      if (effects.has('grid')) port?.viewChanged();
      return reset;
    };

    const setShape = (shape: number[]) => get().setSetting('networkShape', shape);

    return {
      settings: initial,
      lesson: initialLesson,
      upload: null,
      playing: false,
      ...EMPTY_RUN,
      summary: null,
      fileError: null,
      backend: { name: 'pending', description: '', fallbackReason: null },
      notices: [],
      heatmaps: null,
      network: null,
      data: lessonData(initialLesson, tables, images),
      hovered: null,
      locale,
      error: null,
      alert: null,
      debugOpen: false,
      debug: null,
      imageLoad: null,
      imageProgress: null,
      imageResults: null,
      drawing: null,
      drawingProbabilities: null,
      onlyMistakes: false,
      inspected: 0,
      featureMaps: null,

      setSetting: (key, value) => {
        const problem = checkSetting(key, value);
        if (problem) throw new Error(`setSetting: ${key} = ${String(value)}: ${problem}`);
        const copy = Array.isArray(value) ? ([...value] as Settings[typeof key]) : value;
        changeSettings({ ...get().settings, [key]: copy });
      },
      applySettings: (settings) => {
        for (const key of SETTING_KEYS) {
          const problem = checkSetting(key, settings[key]);
          if (problem) throw new Error(`applySettings: ${key} = ${String(settings[key])}: ${problem}`);
        }
        changeSettings({ ...settings, networkShape: [...settings.networkShape] });
      },
      toggleFeature: (id) => {
        const settings = get().settings;
        // The last enabled input stays: a network needs one.
        if (settings[id] && enabledFeatures(settings).length === 1) return;
        get().setSetting(id, !settings[id]);
      },
      openUpload: (next) => {
        upload = next;
        tables.set('upload', next.table);
        const settings: Settings = { ...get().settings, dataset: 'upload', problem: 'classification' };
        const lesson = describeLesson(settings, upload);
        set({ upload: next, settings, lesson, data: lessonData(lesson, tables, images) });
        clearRun();
        port?.reset();
      },
      addLayer: () => {
        const shape = get().settings.networkShape;
        if (shape.length < MAX_HIDDEN_LAYERS) setShape([...shape, shape.length > 0 ? shape[shape.length - 1] : 2]);
      },
      removeLayer: () => {
        const shape = get().settings.networkShape;
        if (shape.length > 0) setShape(shape.slice(0, -1));
      },
      addNeuron: (layer) => {
        const shape = get().settings.networkShape;
        if (layer in shape && shape[layer] < MAX_NEURONS) setShape(shape.map((n, i) => (i === layer ? n + 1 : n)));
      },
      removeNeuron: (layer) => {
        const shape = get().settings.networkShape;
        if (layer in shape && shape[layer] > 1) setShape(shape.map((n, i) => (i === layer ? n - 1 : n)));
      },
      setImageStack: (layers) => {
        const { lesson } = get();
        if (lesson.data.kind !== 'images') throw new Error('setImageStack: the lesson has no images');
        get().setSetting('imageModel', stackValue(layers, lesson.data.shape[0]));
      },
      togglePlay: () => (get().playing ? get().pause() : get().play()),
      play: () => {
        if (get().playing || lessonProblem(get().lesson)) return;
        set({ playing: true });
        port?.playingChanged(true);
      },
      pause: () => {
        if (!get().playing) return;
        set({ playing: false });
        port?.playingChanged(false);
      },
      step: () => {
        get().pause();
        if (!lessonProblem(get().lesson)) port?.step();
      },
      reset: () => {
        clearRun();
        port?.reset();
      },
      regenerate: () => {
        const settings = { ...get().settings, seed: randomSeed(random) };
        const lesson = describeLesson(settings, upload);
        set({ settings, lesson, data: lessonData(lesson, tables, images) });
        port?.dataChanged();
      },
      setWeight: (column, from, to, value) => {
        const network = get().network;
        const row = network?.weights[column]?.[from];
        if (!network || !row || !(to in row)) throw new Error(`setWeight: no link from node ${from} of column ${column} to node ${to}`);
        if (!Number.isFinite(value)) throw new Error(`setWeight: value must be a finite number, got ${value}`);
        const weights = network.weights.map((w, c) => (c !== column ? w : w.map((r, i) => (i !== from ? r : r.map((v, j) => (j === to ? value : v))))));
        set({ network: { ...network, weights } });
        port?.setWeight(column, from, to, value);
      },
      setBias: (column, index, value) => {
        const network = get().network;
        const row = network?.biases[column];
        if (!network || !row || !(index in row)) throw new Error(`setBias: no bias for node ${index} of column ${column}`);
        if (!Number.isFinite(value)) throw new Error(`setBias: value must be a finite number, got ${value}`);
        const biases = network.biases.map((b, c) => (c !== column ? b : b.map((v, j) => (j === index ? value : v))));
        set({ network: { ...network, biases } });
        port?.setBias(column, index, value);
      },
      setHovered: (node) => set({ hovered: node }),
      addNotices: (entries) => {
        if (entries.length === 0) return;
        set({ notices: [...get().notices, ...entries.map((e) => ({ ...e, id: nextNoticeId++ }))] });
      },
      dismissNotice: (id) => set({ notices: get().notices.filter((n) => n.id !== id) }),
      dismissAllNotices: () => set({ notices: [] }),
      setLocale: (next) => set({ locale: next }),
      setHighlight: (cell) => {
        // Another part's classes are not this cell's; the same part's stay until fresh ones arrive.
        const kept = get().highlightClasses;
        set({ highlight: cell, highlightClasses: cell && kept?.part === cell.part ? kept : null });
        port?.highlightChanged();
      },
      saveLessonFile: async () => {
        if (!port) throw new Error('saveLessonFile: the trainer has not started');
        const onUpload = get().settings.dataset === 'upload';
        if (onUpload && !upload) throw new Error('saveLessonFile: no CSV is open; open one to train on before saving');
        const { model, epoch, progress } = await port.saveModel();
        const { settings, data } = get();
        const table = onUpload && upload ? savedTable(upload) : undefined;
        const saved = { settings, epoch, ...(table && { table }), ...(progress && { progress }) };
        return { name: lessonFileName(settings, epoch), text: lessonFileText(saved, model, data.standardization) };
      },
      openLessonFile: (text) => {
        let opened: ReturnType<typeof openLessonFile>;
        try {
          opened = openLessonFile(text);
        } catch (error) {
          set({ fileError: error instanceof Error ? error.message : String(error) });
          return false;
        }
        get().pause();
        set({ fileError: null });
        port?.loadModel({ model: opened.model, epoch: opened.epoch, progress: opened.progress });
        if (opened.upload) {
          // The file's table replaces any CSV open now; the settings below describe the lesson on it.
          upload = opened.upload;
          tables.set('upload', opened.upload.table);
          const lesson = describeLesson(get().settings, upload);
          set({ upload, lesson, data: lessonData(lesson, tables, images) });
        }
        // The same settings reset nothing by themselves: the saved model must still replace the network.
        if (!changeSettings(opened.settings)) {
          clearRun();
          port?.reset();
        }
        return true;
      },
      dismissFileError: () => set({ fileError: null }),
      exportCode: async (language) => {
        if (!port) throw new Error('exportCode: the trainer has not started');
        const text = await port.exportScript(language);
        const { settings } = get();
        const dataset = settings.problem === 'regression' ? settings.regDataset : settings.dataset;
        return { name: pythonFileName(`${dataset}_${language}`), text };
      },

      connectTrainer: (trainer) => {
        port = trainer;
        return () => {
          if (port === trainer) port = null;
        };
      },
      publishResults: ({ epoch, trainLoss, testLoss, trainAccuracy = null, testAccuracy = null, network, heatmaps, validationLoss = Number.NaN, validationAccuracy = null, metrics, images: imageResults }) => {
        const state = get();
        // An earlier epoch than the chart's last is a rollback (divergence): the later points go.
        const history = truncateLoss(state.lossHistory, epoch);
        set({
          epoch,
          trainLoss,
          testLoss,
          validationLoss,
          trainAccuracy,
          testAccuracy,
          validationAccuracy,
          metrics: metrics ?? state.metrics,
          accuracyHistory:
            trainAccuracy === null || state.accuracyHistory.epochs.at(-1) === epoch
              ? state.accuracyHistory
              : appendLoss(state.accuracyHistory, epoch, trainAccuracy, testAccuracy ?? Number.NaN, undefined, validationAccuracy ?? Number.NaN),
          paramHistory: network ? appendParams(state.paramHistory, epoch, network) : state.paramHistory,
          // Republishing the same epoch (after a weight edit, say) updates the numbers but adds no point.
          lossHistory: history.epochs.at(-1) === epoch ? history : appendLoss(history, epoch, trainLoss, testLoss, undefined, validationLoss),
          network: network ?? state.network,
          heatmaps: heatmaps ?? state.heatmaps,
          imageResults: imageResults ?? state.imageResults,
        });
      },
      publishBackend: (backend) => set({ backend }),
      publishError: (message) => set({ error: message }),
      publishAlert: (alert) => set({ alert }),
      publishDebug: (debug) => set({ debug }),
      publishStopped: (epoch) => set({ stoppedEpoch: epoch }),
      publishImageProgress: (progress) => set({ imageProgress: progress }),
      publishDrawingProbabilities: (probabilities) => set({ drawingProbabilities: probabilities }),
      publishFeatureMaps: (maps) => set({ featureMaps: maps }),
      publishTestProbabilities: (probabilities) => {
        const results = get().imageResults;
        if (results) set({ imageResults: { ...results, testProbabilities: probabilities } });
      },
      showOnlyMistakes: (on) => {
        set({ onlyMistakes: on });
        port?.mistakesChanged();
      },
      inspect: (testIndex) => {
        const count = get().data.test.length;
        if (!(Number.isInteger(testIndex) && testIndex >= 0 && testIndex < count)) throw new Error(`inspect: no test image ${testIndex}; expected 0 to ${count - 1}`);
        set({ inspected: testIndex });
        port?.inspectedChanged();
      },
      setDrawing: (pixels) => {
        set({ drawing: pixels, drawingProbabilities: null });
        if (pixels) port?.drawingChanged();
      },
      publishSummary: (summary) => set({ summary }),
      publishHighlightClasses: (classes) => set({ highlightClasses: classes }),
      toggleDebug: () => {
        const open = !get().debugOpen;
        set({ debugOpen: open, debug: null });
        if (open) port?.engineInfoRequested();
      },
    };
  });

  function requestData(name: CourseTable | ImageDatasetId): void {
    if ((IMAGE_DATASET_IDS as readonly string[]).includes(name)) requestImages(name as ImageDatasetId);
    else requestTable(name as CourseTable);
  }

  /** The lesson's data arrived: train on it (unless the lesson moved on meanwhile). */
  function dataArrived(name: CourseTable | ImageDatasetId): void {
    const state = store.getState();
    if (state.data.loading !== name) return;
    store.setState({ data: lessonData(state.lesson, tables, images), ...EMPTY_RUN });
    port?.reset();
  }

  /** Download an image set once, with progress; as requestTable otherwise. */
  function requestImages(name: ImageDatasetId): void {
    if (images.has(name) || loading.has(name)) return;
    loading.add(name);
    store.setState({ imageLoad: { dataset: name, loaded: 0, total: 0 } });
    const progress: LoadProgress = (loaded, total) => store.setState({ imageLoad: { dataset: name, loaded, total } });
    loadImages(name, progress).then(
      (set) => {
        loading.delete(name);
        images.set(name, set);
        store.setState({ imageLoad: null });
        dataArrived(name);
      },
      (error: unknown) => {
        loading.delete(name);
        store.setState({ imageLoad: null });
        store.getState().publishError(`${name}: ${error instanceof Error ? error.message : String(error)}`);
      },
    );
  }

  /** Load a course table once; when it arrives and the lesson still wants it, its data replaces the placeholder. */
  function requestTable(name: CourseTable): void {
    if (tables.has(name) || loading.has(name)) return;
    loading.add(name);
    loadTable(name).then(
      (table) => {
        loading.delete(name);
        tables.set(name, table);
        dataArrived(name);
      },
      (error: unknown) => {
        loading.delete(name);
        store.getState().publishError(`${name}: ${error instanceof Error ? error.message : String(error)}`);
      },
    );
  }

  const first = store.getState().data.loading;
  if (first) requestData(first);
  return store;
}

/** The app's store. Its seed is random until the URL sync applies the page's hash. */
export const playgroundStore: PlaygroundStore = createPlaygroundStore();

/** React hook: `usePlayground((s) => s.epoch)`. */
export function usePlayground<T>(selector: (state: PlaygroundState) => T): T {
  return useStore(playgroundStore, selector);
}
