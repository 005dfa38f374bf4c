// The trainer's recovery paths on the CPU backend: divergence rolls back, a backend switch keeps the
// weights, a lost backend restores the last snapshot, engine errors are shown.
import { describe, expect, it } from 'vitest';
import type { BackendEvent } from '../../../src/app/engine-startup';
import { suggestedLearningRate } from '../../../src/app/divergence';
import { createSequentialEngine } from '../../../src/app/sequential-engine';
import { findNonFinite } from '../../../src/app/snapshots';
import { createPlaygroundStore, type PlaygroundState } from '../../../src/app/store';
import { Trainer, type EngineAdapter } from '../../../src/app/trainer';
import { defaultSettings, type Settings } from '../../../src/app/url-table';
import { ManualFrames } from './manual-frames';

/** A CPU engine whose backend events the test sends. */
function cpuEngine(): { engine: EngineAdapter; send: (event: BackendEvent) => void; activations: string[] } {
  const inner = createSequentialEngine({ prefer: ['cpu'] });
  let listener: ((event: BackendEvent) => void) | undefined;
  const activations: string[] = [];
  return {
    engine: {
      start: (onEvent) => {
        listener = onEvent;
        return inner.start();
      },
      createNetwork: (spec) => inner.createNetwork(spec),
    },
    send: (event) => listener!(event),
    activations,
  };
}

async function start(overrides: Partial<Settings>, engine: EngineAdapter = createSequentialEngine({ prefer: ['cpu'] }), frames = new ManualFrames()) {
  const store = createPlaygroundStore({ settings: { ...defaultSettings(), seed: '0.35497', ...overrides } });
  const trainer = new Trainer(store, engine, frames, { outputResolution: 10, neuronResolution: 4 });
  await trainer.start();
  return { store, frames, trainer };
}

/** Every number the views draw is finite. */
function expectAllFinite(s: PlaygroundState): void {
  expect(Number.isFinite(s.trainLoss)).toBe(true);
  expect(Number.isFinite(s.testLoss)).toBe(true);
  expect(findNonFinite({ trainLoss: s.trainLoss!, testLoss: s.testLoss!, params: s.network! })).toBeNull();
  expect([...s.lossHistory.train, ...s.lossHistory.test].every(Number.isFinite)).toBe(true);
  expect(s.heatmaps!.output.every(Number.isFinite)).toBe(true);
  for (const column of s.heatmaps!.columns) for (const grid of column) expect(grid.every(Number.isFinite)).toBe(true);
}

describe('divergence', () => {
  const cases: [string, Partial<Settings>][] = [
    ['regression: learning rate 10 and ReLU on the plane', { problem: 'regression', regDataset: 'reg-plane', activation: 'relu', learningRate: 10 }],
    ['classification: learning rate 10 and L2 rate 10', { problem: 'classification', dataset: 'circle', activation: 'relu', learningRate: 10, regularization: 'L2', regularizationRate: 10 }],
  ];
  for (const [name, settings] of cases) {
    it(`${name}: pauses within a frame, rolls back to the last finite state and says what to try`, async () => {
      const { store, frames, trainer } = await start(settings);
      const initial = store.getState().network;
      store.getState().play();
      await frames.run(trainer, 20);
      const s = store.getState();
      expect(s.playing).toBe(false);
      expect(s.alert).toEqual({ kind: 'diverged', epoch: 1, restoredEpoch: 0, what: 'loss', learningRate: 10 });
      // The first epoch overflowed: back to the initial weights, every number finite.
      expect(s.epoch).toBe(0);
      expect(s.network).toEqual(initial);
      expectAllFinite(s);
      // A lower learning rate trains from there.
      store.getState().setSetting('learningRate', suggestedLearningRate(10));
      store.getState().publishAlert(null);
      store.getState().play();
      await frames.run(trainer, 5);
      expect(store.getState().epoch).toBe(5);
      expect(store.getState().alert).toBeNull();
      expectAllFinite(store.getState());
    });
  }

  for (const [name, settings] of cases) {
    it(`${name}, in frames shorter than an epoch: the alert appears only with the state it rolled back to`, async () => {
      // Each clock reading costs 1 ms, so a frame's budget runs out within the first epoch and the frames
      // before the overflow publish finite but huge losses or weights, as a browser's short frames do.
      const { store, frames, trainer } = await start(settings, undefined, new ManualFrames(1));
      let largestShown = 0;
      let atAlert: PlaygroundState | null = null;
      store.subscribe((s) => {
        if (s.alert && !atAlert) atAlert = s;
        if (atAlert || !s.network) return;
        for (const v of [s.trainLoss ?? 0, ...s.network.weights.flat(2), ...s.network.biases.flat()]) largestShown = Math.max(largestShown, Math.abs(v));
      });
      store.getState().play();
      for (let i = 0; i < 200 && store.getState().playing; i++) await frames.run(trainer, 1);
      expect(largestShown).toBeGreaterThan(1e6);
      const s = store.getState();
      expect(s.alert).toMatchObject({ kind: 'diverged', restoredEpoch: 0, learningRate: 10 });
      // The first store state with the alert already holds the restored results, not the last huge frame's.
      expect(atAlert).not.toBeNull();
      const first = atAlert!;
      expect(first.epoch).toBe(0);
      expect(first.trainLoss).toBe(s.trainLoss);
      expect(first.trainLoss!).toBeLessThan(1);
      expect(first.network).toEqual(s.network);
      expect(first.lossHistory).toEqual(s.lossHistory);
      expectAllFinite(first);
    });
  }

  it('a device lost while a divergence rolls back: the network comes back at the state rolled back to, not the huge one before', async () => {
    const { engine, send } = cpuEngine();
    const create = engine.createNetwork;
    let creates = 0;
    // The rollback's network (the second one built) fails on a lost device, as WebGPU's would.
    engine.createNetwork = (spec) => {
      if (++creates !== 2) return create(spec);
      send({ type: 'switch', info: { name: 'cpu', description: 'CPU', fallbackReason: 'the GPU device was lost (test); recreating it', preparing: 'webgpu' }, activate: () => {}, lost: true });
      return Promise.reject(new Error('GPU device lost'));
    };
    engine.failedFromLoss = () => Promise.resolve(creates === 2);
    const { store, frames, trainer } = await start(cases[0][1], engine, new ManualFrames(1));
    const initial = store.getState().network;
    store.getState().play();
    for (let i = 0; i < 200 && store.getState().playing; i++) await frames.run(trainer, 1);
    await trainer.idle();
    const s = store.getState();
    expect(creates).toBe(3);
    expect(s.playing).toBe(false);
    expect(s.error).toBeNull();
    expect(s.epoch).toBe(0);
    expect(s.network).toEqual(initial);
    expect(s.trainLoss!).toBeLessThan(1);
    expectAllFinite(s);
  });

  it('a weight edited to a huge value rolls back to the weights before the edit', async () => {
    const { store, frames, trainer } = await start({ problem: 'regression', regDataset: 'reg-plane', networkShape: [] });
    store.getState().play();
    await frames.run(trainer, 3);
    store.getState().pause();
    const before = store.getState().network;
    store.getState().setWeight(0, 0, 0, 3e38);
    await trainer.idle();
    const s = store.getState();
    expect(s.alert).toMatchObject({ kind: 'diverged', epoch: 3, restoredEpoch: 3 });
    expect(s.network).toEqual(before);
    expectAllFinite(s);
  });

  it('suggests a learning rate a hundredth or less of the one that diverged, from the allowed values', () => {
    expect(suggestedLearningRate(10)).toBe(0.1);
    expect(suggestedLearningRate(3)).toBe(0.03);
    expect(suggestedLearningRate(0.3)).toBe(0.003);
    expect(suggestedLearningRate(0.00001)).toBe(0.00001);
  });
});

describe('backend changes', () => {
  it('moving to another backend keeps the weights, the epoch and the loss chart', async () => {
    const { engine, send, activations } = cpuEngine();
    const { store, frames, trainer } = await start({}, engine);
    store.getState().play();
    await frames.run(trainer, 10);
    store.getState().pause();
    await trainer.idle();
    const before = store.getState();
    send({ type: 'switch', info: { name: 'webgpu', description: 'WebGPU · test', fallbackReason: null }, activate: () => activations.push('gpu'), lost: false });
    await trainer.idle();
    const after = store.getState();
    expect(activations).toEqual(['gpu']);
    expect(after.backend.description).toBe('WebGPU · test');
    expect(after.network).toEqual(before.network);
    expect(after.epoch).toBe(10);
    expect(after.trainLoss).toBeCloseTo(before.trainLoss!, 6);
    expect(after.lossHistory).toEqual(before.lossHistory);
    store.getState().play();
    await frames.run(trainer, 5);
    expect(store.getState().epoch).toBe(15);
    expect(store.getState().trainLoss!).toBeLessThan(before.trainLoss!);
  });

  it('a lost backend: the network comes back from the last snapshot on the new one, and training goes on', async () => {
    const { engine, send } = cpuEngine();
    const { store, frames, trainer } = await start({}, engine);
    store.getState().play();
    await frames.run(trainer, 20);
    const before = store.getState();
    send({ type: 'switch', info: { name: 'cpu', description: 'CPU', fallbackReason: 'the GPU device was lost (test); recreating it', preparing: 'webgpu' }, activate: () => {}, lost: true });
    await trainer.idle();
    const after = store.getState();
    expect(after.backend.fallbackReason).toMatch(/device was lost/);
    expect(after.network).toEqual(before.network);
    expect(after.epoch).toBe(before.epoch);
    expect(after.trainLoss).toBeCloseTo(before.trainLoss!, 6);
    expect(after.error).toBeNull();
    await frames.run(trainer, 5);
    expect(store.getState().epoch).toBe(before.epoch + 5);
    expect(store.getState().playing).toBe(true);
  });

  it('engine errors and status changes reach the store', async () => {
    const { engine, send } = cpuEngine();
    const { store } = await start({}, engine);
    send({ type: 'error', message: 'WebGPU: out of memory in matmul [4096, 4096]' });
    expect(store.getState().error).toBe('WebGPU: out of memory in matmul [4096, 4096]');
    send({ type: 'status', info: { name: 'cpu', description: 'CPU', fallbackReason: 'no adapter' } });
    expect(store.getState().backend.fallbackReason).toBe('no adapter');
  });
});
