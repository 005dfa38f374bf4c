import { describe, expect, it } from 'vitest';
import { createSequentialEngine } from '../../../src/app/sequential-engine';
import { createPlaygroundStore, type PlaygroundStore } from '../../../src/app/store';
import { Trainer, type EngineAdapter, type TrainerOptions } from '../../../src/app/trainer';
import { defaultSettings, type Settings } from '../../../src/app/url-table';
import { ManualFrames } from './manual-frames';

async function startTrainer(overrides: Partial<Settings> = {}, options: TrainerOptions = { outputResolution: 20, neuronResolution: 8 }, msPerReading = 0) {
  const store: PlaygroundStore = createPlaygroundStore({ settings: { ...defaultSettings(), seed: '0.35497', ...overrides } });
  const frames = new ManualFrames(msPerReading);
  const trainer = new Trainer(store, createSequentialEngine({ prefer: ['cpu'] }), frames, options);
  await trainer.start();
  return { store, frames, trainer };
}

describe('trainer on the CPU backend', () => {
  it('publishes the backend, losses, parameters and every heatmap at the requested resolutions', async () => {
    const { store } = await startTrainer({}, { outputResolution: 200, neuronResolution: 32 });
    const s = store.getState();
    expect(s.backend).toMatchObject({ name: 'cpu', fallbackReason: null });
    expect(s.epoch).toBe(0);
    expect(s.trainLoss).toBeGreaterThan(0);
    expect(s.testLoss).toBeGreaterThan(0);
    expect(s.network?.weights.map((w) => [w.length, w[0].length])).toEqual([[2, 4], [4, 2], [2, 1]]);
    expect(s.network?.biases.map((b) => b.length)).toEqual([0, 4, 2, 1]);
    const h = s.heatmaps!;
    expect(h.output).toHaveLength(200 * 200);
    expect(h.columns.map((c) => c.length)).toEqual([2, 4, 2, 1]);
    for (const column of h.columns) for (const grid of column) expect(grid).toHaveLength(32 * 32);
    // Column 0 is X₁ itself: −6 → 6 left to right; the tanh output stays in (−1, 1).
    expect(h.columns[0][0][0]).toBeCloseTo(-6 + 6 / 32, 5);
    expect(h.columns[0][0][31]).toBeCloseTo(6 - 6 / 32, 5);
    for (const v of h.output) expect(Math.abs(v)).toBeLessThan(1);
  });

  it('loss falls on circle with the default settings, one epoch per frame', async () => {
    const { store, frames, trainer } = await startTrainer();
    const initial = store.getState().trainLoss!;
    store.getState().play();
    await frames.run(trainer, 150);
    const s = store.getState();
    expect(s.epoch).toBe(150);
    expect(s.trainLoss!).toBeLessThan(initial * 0.3);
    expect(s.testLoss!).toBeLessThan(initial * 0.3);
    expect(s.lossHistory.epochs).toHaveLength(151);
  });

  it('the engine panel gets the training path at once, then steps, frames and engine counters per second', async () => {
    // Each clock reading advances 5 ms: rates come from the fake clock.
    const { store, frames, trainer } = await startTrainer({}, { outputResolution: 20, neuronResolution: 8 }, 5);
    store.getState().toggleDebug();
    await trainer.idle();
    expect(store.getState().debug).toMatchObject({ path: 'eager', dispatchesPerStep: 0, stepsPerSecond: null });
    store.getState().play();
    await frames.run(trainer, 80);
    const d = store.getState().debug!;
    expect(d.stepsPerSecond).toBeGreaterThan(0);
    expect(d.framesPerSecond).toBeGreaterThan(0);
    // At most one epoch per frame: 25 steps of 10 rows on the 250 training points.
    expect(d.stepsPerSecond! / d.framesPerSecond!).toBeLessThanOrEqual(25);
    // The engine's counters are WebGPU's (test/e2e shows them there); the CPU backend leaves them at 0.
    expect(d.dispatchesPerSecond).toBe(0);
    store.getState().toggleDebug();
    expect(store.getState()).toMatchObject({ debugOpen: false, debug: null });
    await frames.run(trainer, 5);
    expect(store.getState().debug).toBeNull();
  });

  it('reset gives the same initial weights (same seed, same run); another seed gives others', async () => {
    const { store, frames, trainer } = await startTrainer();
    const initial = store.getState().network;
    store.getState().play();
    await frames.run(trainer, 5);
    expect(store.getState().network).not.toEqual(initial);
    store.getState().reset();
    await trainer.idle();
    expect(store.getState().network).toEqual(initial);
    expect(store.getState().epoch).toBe(0);
    const other = await startTrainer({ seed: '0.1' });
    expect(other.store.getState().network).not.toEqual(initial);
  });

  it('an epoch longer than the frame budget spreads over frames', async () => {
    // Each training step takes 20 ms on the fake clock, against a 10 ms budget.
    const frames = new ManualFrames();
    const inner = createSequentialEngine({ prefer: ['cpu'] });
    const slowSteps: EngineAdapter = {
      start: () => inner.start(),
      createNetwork: async (spec) => {
        const network = await inner.createNetwork(spec);
        const trainBatches = network.trainBatches.bind(network);
        network.trainBatches = async (count) => {
          frames.advance(count * 20);
          await trainBatches(count);
        };
        return network;
      },
    };
    const store = createPlaygroundStore({ settings: { ...defaultSettings(), seed: '0.35497' } });
    const trainer = new Trainer(store, slowSteps, frames, { outputResolution: 4, neuronResolution: 2, frameBudgetMs: 10 });
    await trainer.start();
    store.getState().play();
    // 25 steps per epoch: a few frames find that one step fills the budget, then one or two per frame
    // (a whole epoch per frame would be 30 epochs).
    await frames.run(trainer, 3);
    expect(store.getState().epoch).toBe(0);
    await frames.run(trainer, 27);
    expect(store.getState().epoch).toBeGreaterThanOrEqual(1);
    expect(store.getState().epoch).toBeLessThanOrEqual(2);
  });

  it('a step given while the backend is still starting is kept, not lost', async () => {
    const store = createPlaygroundStore({ settings: { ...defaultSettings(), seed: '0.2' } });
    const trainer = new Trainer(store, createSequentialEngine({ prefer: ['cpu'] }), new ManualFrames(), { outputResolution: 4, neuronResolution: 2 });
    const started = trainer.start();
    store.getState().step();
    await started;
    await trainer.idle();
    expect(store.getState().epoch).toBe(1);
  });

  it('step trains exactly one epoch while paused', async () => {
    const { store, trainer } = await startTrainer();
    store.getState().step();
    store.getState().step();
    await trainer.idle();
    expect(store.getState().epoch).toBe(2);
  });

  it('learning rate applies live; architecture changes rebuild', async () => {
    const { store, trainer } = await startTrainer();
    store.getState().step();
    store.getState().setSetting('learningRate', 0.3);
    store.getState().step();
    await trainer.idle();
    expect(store.getState().epoch).toBe(2);
    store.getState().setSetting('networkShape', [3]);
    await trainer.idle();
    expect(store.getState().epoch).toBe(0);
    expect(store.getState().network?.weights.map((w) => [w.length, w[0].length])).toEqual([[2, 3], [3, 1]]);
  });

  it('a weight edit reaches the network and its heatmaps', async () => {
    const { store, trainer } = await startTrainer({ networkShape: [] });
    const before = store.getState().heatmaps!.output;
    store.getState().setWeight(0, 0, 0, 3);
    await trainer.idle();
    expect(store.getState().network?.weights[0][0][0]).toBe(3);
    expect(store.getState().heatmaps!.output).not.toEqual(before);
  });

  it('zero initialization and regression (linear output) build as asked', async () => {
    const { store } = await startTrainer({ initZero: true, problem: 'regression' });
    const s = store.getState();
    expect(s.network?.weights.flat(2).every((w) => w === 0)).toBe(true);
    expect(s.data.train.length + s.data.test.length).toBe(1200);
  });
});

describe('trainer failures', () => {
  it('an engine error pauses training and is shown, and the trainer keeps working', async () => {
    const store = createPlaygroundStore();
    let fail = true;
    const engine = createSequentialEngine({ prefer: ['cpu'] });
    const flaky: EngineAdapter = {
      start: () => engine.start(),
      createNetwork: (spec) => (fail ? Promise.reject(new Error('device lost')) : engine.createNetwork(spec)),
    };
    const trainer = new Trainer(store, flaky, new ManualFrames(), { outputResolution: 10, neuronResolution: 4 });
    store.getState().play();
    await trainer.start();
    expect(store.getState().error).toBe('device lost');
    expect(store.getState().playing).toBe(false);
    fail = false;
    store.getState().reset();
    await trainer.idle();
    expect(store.getState().error).toBeNull();
    expect(store.getState().network).not.toBeNull();
  });
});
