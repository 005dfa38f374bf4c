// The network's parameters at a few moments of training, for the weight and bias histograms (as
// TensorBoard stacks them). Bounded however long training runs: a snapshot is kept every `stride` epochs,
// and when there are too many every other one is dropped and the stride doubles, so the stack always
// spans the whole run.
import type { NetworkParams } from './store';

export const MAX_PARAM_SNAPSHOTS = 10;

export interface ParamSnapshot {
  epoch: number;
  params: NetworkParams;
}

export interface ParamHistory {
  snapshots: ParamSnapshot[];
  /** Epochs between kept snapshots. */
  stride: number;
}

export function emptyParamHistory(): ParamHistory {
  return { snapshots: [], stride: 1 };
}

/** The history with the parameters published at `epoch` (the input is left unchanged, for React's identity checks). */
export function appendParams(history: ParamHistory, epoch: number, params: NetworkParams, maxSnapshots = MAX_PARAM_SNAPSHOTS): ParamHistory {
  const last = history.snapshots.at(-1);
  // The same epoch republished (a weight edited by hand): its snapshot is replaced.
  if (last && last.epoch === epoch) return { ...history, snapshots: [...history.snapshots.slice(0, -1), { epoch, params }] };
  if (last && epoch < last.epoch + history.stride) return history;
  let snapshots = [...history.snapshots, { epoch, params }];
  let stride = history.stride;
  if (snapshots.length > maxSnapshots) {
    snapshots = snapshots.filter((_, i) => i % 2 === 0);
    stride *= 2;
  }
  return { snapshots, stride };
}
