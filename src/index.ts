// The public engine API, importable from the browser and from plain Node (`npx tsx`): a Keras-shaped
// model (TensorFlow.js spelling), the backend switch, metrics helpers, tables, and tensors/ops for advanced use.
export { Sequential } from './nn/sequential';
export type { SequentialOptions, CompileOptions, PredictOptions, Training } from './nn/sequential';
export { layers, Layer, layerFromConfig } from './nn/layers';
export type { DenseOptions, Conv2DOptions, Pooling2DOptions, DropoutOptions, Param } from './nn/layers';
export { callbacks, EarlyStopping } from './nn/callbacks';
export type { Callback, CallbackModel, EarlyStoppingOptions, EarlyStoppingState, Logs, WeightSnapshot } from './nn/callbacks';
export type { FitOptions, History } from './nn/fit';
export type { TrainState, TrainStep } from './nn/train-step';
export type { Summary, SummaryRow } from './nn/summary';
export type { ModelJSON, WeightValue } from './nn/serialization';
export type { Inspection, LayerInspection, LayerOutput } from './nn/introspection';
export type { HostArray, ArrayInput } from './nn/host-array';
export { toCategorical } from './nn/host-array';
export { ACTIVATIONS, type Activation } from './nn/activations';
export { LOSSES } from './nn/losses';
export { OPTIMIZER_DEFAULTS, type OptimizerOptions, type OptimizerSpec } from './nn/optimizers';
export { INITIALIZERS, type InitializerName } from './nn/initializers';
export { auc, argmaxRows, computeMetrics, confusionMatrix, METRICS, type MetricName } from './nn/metrics';
export { classificationReport, rocCurve, precisionRecallCurve, regressionMetrics } from './nn/metrics';
export { aucThresholds, confusionFromCounts, thresholdCountsOf, rocFromCounts, precisionRecallFromCounts, regressionFromSums, type ThresholdCounts } from './nn/metrics';
export type { ClassScores, ClassificationReport, RocCurve, PrecisionRecallCurve, RegressionMetrics } from './nn/metrics';

export { setBackend, createBackend, getBackend, activeBackend, registerBackend, releaseBackend, useBackend, type BackendName } from './engine/registry';
export type { Backend, BackendCapabilities, MetricCountsInfo } from './engine/backend/backend';
export { Tensor, disposeAll, grad, noGrad, tidy } from './engine/tensor';
export * as ops from './engine/ops';
export { createRng } from './engine/random';

export { parseTable, splitTable, standardize, takeRows, tableInputs, fetchTable, readTableFile, type Table, type SplitOptions } from './data/tables';

// Fast paths: a training step traced once and replayed many steps per submit, every neuron over a grid, counters.
export { compileTrainer, type CompileTrainerOptions, type Trainer, type TrainerData } from './engine/plan';
export { evaluateGrid, GRID_FEATURES, type GridActivation, type GridFeature, type GridOptions, type GridLayer } from './engine/grid';
export { counterValue } from './engine/counter';
export { engineStats, resetEngineStats, statsDelta, type EngineStats } from './engine/stats';

// Saving a lesson (its description, the model file and the preprocessing) as one versioned JSON file.
export { createLessonFile, readLessonFile, checkPreprocessing, LESSON_FORMAT, LESSON_FORMAT_VERSION } from './nn/lesson-file';
export type { LessonFile, Preprocessing, StandardizePreprocessing, ReadLessonOptions } from './nn/lesson-file';
export { MODEL_FORMAT, MODEL_FORMAT_VERSION } from './nn/serialization';
export type { OptimizerStateJSON, EncodedArray } from './nn/serialization';

// Export as code: a self-contained Python script rebuilding the trained model (PyTorch or Keras).
export { exportPyTorch } from './nn/export/pytorch';
export { exportKeras } from './nn/export/keras';
export { pythonFileName } from './nn/export/python';
export type { ExportOptions, EmbeddedData, DataFileReference } from './nn/export/exported-model';
