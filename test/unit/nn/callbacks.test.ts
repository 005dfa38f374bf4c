import { describe, expect, it } from 'vitest';
import { callbacks, type CallbackModel, type WeightSnapshot } from '../../../src/nn/callbacks';

/** A stand-in model whose "weights" are the epoch they were snapshotted at. */
function fakeModel(): CallbackModel & { restored: number | null; epoch: number } {
  return {
    stopTraining: false,
    restored: null,
    epoch: 0,
    snapshotWeights(): WeightSnapshot {
      const epoch = this.epoch;
      return { dispose: () => undefined, epoch } as WeightSnapshot;
    },
    restoreWeights(s: WeightSnapshot) {
      this.restored = (s as WeightSnapshot & { epoch: number }).epoch;
    },
  };
}

function run(values: number[], options: Parameters<typeof callbacks.earlyStopping>[0], monitor = 'val_loss') {
  const model = fakeModel();
  const stopper = callbacks.earlyStopping(options);
  stopper.setModel(model);
  stopper.onTrainBegin();
  let epoch = 0;
  for (; epoch < values.length && !model.stopTraining; epoch++) {
    model.epoch = epoch;
    stopper.onEpochEnd(epoch, { [monitor]: values[epoch] });
  }
  return { stopper, model, epochsRun: epoch };
}

describe('earlyStopping', () => {
  it('with patience 0 stops at the first epoch that does not improve', () => {
    expect(run([3, 2, 2.5, 1], { patience: 0 }).epochsRun).toBe(3);
  });

  it('waits `patience` epochs and honors minDelta', () => {
    expect(run([3, 2, 2.5, 2.4, 1], { patience: 2 }).stopper.stoppedEpoch).toBe(3);
    // 2.95 is not better than 3 by more than 0.1.
    expect(run([3, 2.95, 2.9, 1], { patience: 1, minDelta: 0.1 }).stopper.stoppedEpoch).toBe(1);
  });

  it("mode 'auto' maximizes accuracy-like monitors", () => {
    const { stopper } = run([0.5, 0.6, 0.55, 0.58], { monitor: 'val_accuracy', patience: 1 }, 'val_accuracy');
    expect(stopper.mode).toBe('max');
    expect(stopper.bestEpoch).toBe(1);
    expect(stopper.stoppedEpoch).toBe(2);
  });

  it('restores the best epoch only when it stops', () => {
    expect(run([3, 1, 2, 2], { patience: 2, restoreBestWeights: true }).model.restored).toBe(1);
    expect(run([3, 2, 1], { patience: 2, restoreBestWeights: true }).model.restored).toBeNull();
  });

  it('rejects bad options and a missing monitor', () => {
    expect(() => callbacks.earlyStopping({ patience: -1 })).toThrow(/patience must be a non-negative integer/);
    expect(() => run([1], { monitor: 'val_loss' }, 'loss')).toThrow(/monitor "val_loss" is not in the epoch logs; expected one of loss/);
  });
});

describe('earlyStopping state', () => {
  it('resumed from its state (and its best weights) it stops where the uninterrupted run does, restoring the same epoch', () => {
    const values = [3, 2, 2.5, 2.4, 2.6, 2.2, 2.7, 2.8];
    const options = { patience: 3, restoreBestWeights: true };
    const straight = run(values, options);
    // The first four epochs, then a fresh callback given the saved state and a snapshot of the best epoch's weights.
    const first = run(values.slice(0, 4), options);
    const state = first.stopper.state;
    expect(state).toEqual({ wait: 2, best: 2, bestEpoch: 1 });
    const model = fakeModel();
    model.epoch = state.bestEpoch;
    const best = model.snapshotWeights();
    const resumed = callbacks.earlyStopping(options);
    resumed.setModel(model);
    resumed.onTrainBegin();
    resumed.resume(JSON.parse(JSON.stringify(state)), best);
    for (let epoch = 4; epoch < values.length && !model.stopTraining; epoch++) {
      model.epoch = epoch;
      resumed.onEpochEnd(epoch, { val_loss: values[epoch] });
    }
    expect(resumed.stoppedEpoch).toBe(straight.stopper.stoppedEpoch);
    expect(model.restored).toBe(straight.model.restored);
    // Before any epoch there is no best: null, not an Infinity JSON cannot hold.
    expect(callbacks.earlyStopping().state).toEqual({ wait: 0, best: null, bestEpoch: -1 });
  });
});
