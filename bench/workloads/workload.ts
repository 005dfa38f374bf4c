// One benchmark workload: its description and how each library runs it.
import type { JaxDevice } from './jax-train';
import type { Budget, CellResult, Target, WorkloadInfo } from './types';

export interface Workload extends WorkloadInfo {
  targets: Target[];
  /** Run on TensorFlow.js's current backend (the page selects 'webgpu' or 'cpu' first). */
  tfjs(budget: Budget): Promise<CellResult>;
  /** Run on our engine's active backend (the page selects 'webgpu' or 'cpu' first). */
  ours(budget: Budget): Promise<CellResult>;
  /** Run on jax-js's `device` (initialized by the page). */
  jax?(budget: Budget, device: JaxDevice): Promise<CellResult>;
  convnetjs?(budget: Budget): Promise<CellResult>;
  /** Why a peer has no run for this workload, shown in the table's notes. */
  unsupported?: { jax?: string; convnetjs?: string };
}
