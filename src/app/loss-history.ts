// Train/test loss over time, bounded in memory however long training runs: when full, every other
// sample is dropped and only every `stride`-th later sample is kept, so the curve keeps its whole span.

export const MAX_LOSS_POINTS = 1000;

export interface LossHistory {
  epochs: number[];
  train: number[];
  test: number[];
  /** NaN where the lesson holds no validation part. */
  validation: number[];
  /** Keep one sample out of this many offered. */
  stride: number;
  /** Samples offered so far (kept or not). */
  offered: number;
}

export function emptyLossHistory(): LossHistory {
  return { epochs: [], train: [], test: [], validation: [], stride: 1, offered: 0 };
}

/** Returns a new history with the sample offered (the input is left unchanged, for React's identity checks). */
export function appendLoss(history: LossHistory, epoch: number, train: number, test: number, maxPoints = MAX_LOSS_POINTS, validation = Number.NaN): LossHistory {
  const offered = history.offered + 1;
  if ((offered - 1) % history.stride !== 0) return { ...history, offered };
  let epochs = [...history.epochs, epoch];
  let trainOut = [...history.train, train];
  let testOut = [...history.test, test];
  let validationOut = [...history.validation, validation];
  let stride = history.stride;
  if (epochs.length > maxPoints) {
    const even = (_: number, i: number) => i % 2 === 0;
    epochs = epochs.filter(even);
    trainOut = trainOut.filter(even);
    testOut = testOut.filter(even);
    validationOut = validationOut.filter(even);
    stride *= 2;
  }
  return { epochs, train: trainOut, test: testOut, validation: validationOut, stride, offered };
}
