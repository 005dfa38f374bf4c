import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COURSE_TABLE_INFO, parseCourseTable } from '../../../src/data/course-tables';
import { createSequentialEngine } from '../../../src/app/sequential-engine';
import { createPlaygroundStore, type PlaygroundStore } from '../../../src/app/store';
import { EMPTY_DATA_SET, Trainer, type DataSet, type EngineAdapter, type NetworkSpec, type TrainerOptions } from '../../../src/app/trainer';
import { defaultSettings, type Settings } from '../../../src/app/url-table';
import { ManualFrames } from './manual-frames';

async function startTrainer(overrides: Partial<Settings> = {}, options: TrainerOptions = { outputResolution: 20, neuronResolution: 8 }, msPerReading = 0) {
  const store: PlaygroundStore = createPlaygroundStore({
    settings: { ...defaultSettings(), seed: '0.35497', ...overrides },
    loadTable: async (name) => parseCourseTable(name, readFileSync(`public/data/${COURSE_TABLE_INFO[name].file}`, 'utf8')),
  });
  const frames = new ManualFrames(msPerReading);
  const trainer = new Trainer(store, createSequentialEngine({ prefer: ['cpu'] }), frames, options);
  await trainer.start();
  // A course table arrives after start; the store then resets the trainer.
  await new Promise((resolve) => setTimeout(resolve, 0));
  await trainer.idle();
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

  it('tells the engine the network that trains and its data: at each build, data upload and batch change', async () => {
    const base = createSequentialEngine({ prefer: ['cpu'] });
    const told: { spec: NetworkSpec; train: DataSet }[] = [];
    const engine: EngineAdapter = {
      start: (onEvent) => base.start(onEvent),
      createNetwork: (spec, saved) => base.createNetwork(spec, saved),
      networkChanged: (spec, train) => void told.push({ spec, train }),
    };
    const store = createPlaygroundStore({ settings: { ...defaultSettings(), seed: '0.35497' } });
    const trainer = new Trainer(store, engine, new ManualFrames(0), { outputResolution: 20, neuronResolution: 8 });
    await trainer.start();
    const rows = store.getState().data.train.length;
    expect(told.at(-1)!.spec).toMatchObject({ inputShape: [2], batchRows: 10, layers: [{ units: 4 }, { units: 2 }, { units: 1 }] });
    expect(told.at(-1)!.train.rows).toBe(rows);
    const count = told.length;
    store.getState().setSetting('learningRate', 0.3);
    await trainer.idle();
    store.getState().setSetting('batchSize', 25);
    await trainer.idle();
    expect(told.slice(count).map((t) => [t.spec.training.optimizer.learningRate, t.spec.batchRows])).toEqual([[0.3, 10], [0.3, 25]]);
    store.getState().setSetting('networkShape', [3]);
    await trainer.idle();
    expect(told.at(-1)!.spec.layers.map((l) => l.units)).toEqual([3, 1]);
    trainer.stop();
  });

  it('frames train nothing while the engine holds training (it times its paths), and go on after', async () => {
    const base = createSequentialEngine({ prefer: ['cpu'] });
    let held = true;
    const engine: EngineAdapter = { start: (onEvent) => base.start(onEvent), createNetwork: (spec, saved) => base.createNetwork(spec, saved), trainingHeld: () => held };
    const store = createPlaygroundStore({ settings: { ...defaultSettings(), seed: '0.35497' } });
    const frames = new ManualFrames(0);
    const trainer = new Trainer(store, engine, frames, { outputResolution: 20, neuronResolution: 8 });
    await trainer.start();
    store.getState().play();
    await frames.run(trainer, 5);
    expect(store.getState().epoch).toBe(0);
    held = false;
    await frames.run(trainer, 5);
    expect(store.getState().epoch).toBe(5);
    trainer.stop();
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

describe('trainer on lessons beyond two classes (CPU)', () => {
  it('4 gaussian blobs: softmax with categorical cross-entropy, accuracies published, class-map grids as probabilities', async () => {
    const { store, frames, trainer } = await startTrainer({ dataset: 'blobs', classes: 4, noise: 10, networkShape: [6] });
    const s0 = store.getState();
    expect(s0.heatmaps!.outputUnits).toBe(4);
    expect(s0.heatmaps!.columns.map((c) => c.length)).toEqual([2, 6, 4]);
    // Probabilities at every grid point add up to 1.
    const points = 20 * 20;
    for (let p = 0; p < points; p += 37) {
      let sum = 0;
      for (let j = 0; j < 4; j++) sum += s0.heatmaps!.output[j * points + p];
      expect(sum).toBeCloseTo(1, 5);
    }
    store.getState().play();
    await frames.run(trainer, 40);
    const s = store.getState();
    expect(s.testAccuracy).toBeGreaterThanOrEqual(0.95);
    expect(s.trainAccuracy).toBeGreaterThanOrEqual(0.95);
    expect(s.trainLoss!).toBeLessThan(s0.trainLoss!);
  });
});

describe('trainer on the course tables (CPU)', () => {
  it('Iris: a slice through two inputs, 93% test accuracy or more', async () => {
    const { store, frames, trainer } = await startTrainer({ dataset: 'iris', percTrainData: 80, networkShape: [8], optimizer: 'adam', learningRate: 0.01 });
    const s0 = store.getState();
    expect(s0.data.test).toHaveLength(30);
    // Column 0: the four inputs, the two axes vary across the grid and the other two are held at their mean (0).
    expect(s0.heatmaps!.columns[0]).toHaveLength(4);
    expect(Math.max(...s0.heatmaps!.columns[0][2]) - Math.min(...s0.heatmaps!.columns[0][2])).toBeLessThan(1e-6);
    expect(s0.heatmaps!.columns[0][0][0]).toBeLessThan(s0.heatmaps!.columns[0][0][7]);
    store.getState().play();
    await frames.run(trainer, 60);
    expect(store.getState().testAccuracy).toBeGreaterThanOrEqual(0.93);
  });

  it('early stopping on val_loss (validation split) stops training and marks the epoch', async () => {
    const { store, frames, trainer } = await startTrainer({
      dataset: 'breast-cancer', percTrainData: 80, networkShape: [16, 16], optimizer: 'adam', learningRate: 0.03, validationSplit: 0.25,
      earlyStopping: true, patience: 2, restoreBestWeights: true,
    });
    expect(store.getState().data.validation.length).toBeGreaterThan(80);
    store.getState().play();
    await frames.run(trainer, 300);
    const s = store.getState();
    expect(s.playing).toBe(false);
    expect(s.stoppedEpoch).not.toBeNull();
    expect(s.stoppedEpoch).toBeLessThan(300);
    expect(s.epoch).toBe(s.stoppedEpoch);
    // The validation part's loss is published and kept in the history beside train and test.
    expect(Number.isFinite(s.validationLoss)).toBe(true);
    expect(s.lossHistory.validation.every(Number.isFinite)).toBe(true);
    expect(s.lossHistory.validation).toHaveLength(s.lossHistory.epochs.length);
  });
});

describe('grids over a slice', () => {
  it('equal the network at the same inputs: held inputs folded into the first bias, softmax finished on the host', async () => {
    const { gridPlane } = await import('../../../src/app/grid');
    const { networkSpec, dataSet } = await import('../../../src/app/trainer');
    const { lessonData } = await import('../../../src/app/lesson-data');
    const { describeLesson } = await import('../../../src/app/lesson');
    const iris = parseCourseTable('iris', readFileSync(`public/data/${COURSE_TABLE_INFO.iris.file}`, 'utf8'));
    const lesson = describeLesson({ ...defaultSettings(), seed: '0.4', dataset: 'iris', networkShape: [5], sliceX: 3, sliceY: 1 });
    const data = lessonData(lesson, new Map([['iris', iris]]));
    const engine = createSequentialEngine({ prefer: ['cpu'] });
    await engine.start();
    const network = await engine.createNetwork(networkSpec(lesson, data.train.length));
    network.setData(dataSet(lesson, data.train), dataSet(lesson, data.validation), dataSet(lesson, data.test));
    await network.trainBatches(30);
    // Held values away from 0, so the fold into the bias matters.
    const plane = { ...gridPlane(lesson, data), held: Float32Array.of(0.7, 0, -1.2, 0) };
    if (plane.kind !== 'slice') throw new Error('expected a slice');
    const n = 6;
    const grid = await network.evaluateOutput(n, plane);
    const x = new Float32Array(n * n * 4);
    const cell = (2 * plane.radius) / n;
    for (let p = 0; p < n * n; p++) {
      x.set(plane.held, p * 4);
      x[p * 4 + 3] = -plane.radius + ((p % n) + 0.5) * cell;
      x[p * 4 + 1] = plane.radius - (Math.floor(p / n) + 0.5) * cell;
    }
    network.setData(dataSet(lesson, data.train), EMPTY_DATA_SET, { x, y: new Float32Array(n * n * 3), labels: new Float32Array(n * n), rows: n * n });
    const direct = await network.outputs('test');
    for (let p = 0; p < n * n; p++) for (let j = 0; j < 3; j++) expect(grid[j * n * n + p]).toBeCloseTo(direct[p * 3 + j], 5);
    network.dispose();
  });
});
