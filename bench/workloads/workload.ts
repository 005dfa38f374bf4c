// One benchmark workload: its description and how each engine runs it.
import type { Budget, CellResult, Target, WorkloadInfo } from './types';

export interface Workload extends WorkloadInfo {
  targets: Target[];
  /** Run on TensorFlow.js's current backend (the page selects 'webgpu' or 'cpu' first). */
  tfjs(budget: Budget): Promise<CellResult>;
  /** Run on our engine's active backend (the page selects 'webgpu' or 'cpu' first). */
  ours(budget: Budget): Promise<CellResult>;
}
