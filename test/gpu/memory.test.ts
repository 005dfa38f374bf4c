// Device memory stays flat: the WebGPU backend keeps every live buffer (for device-loss recovery), so any
// tensor an API call forgets to dispose is a leak that a long lesson on a projector would run into.
import { describe, expect, it } from 'vitest';
import { createSequentialEngine } from '../../src/app/sequential-engine';
import { createPlaygroundStore } from '../../src/app/store';
import { gridPlane } from '../../src/app/grid';
import { dataSet, networkSpec } from '../../src/app/trainer';
import { defaultSettings } from '../../src/app/url-table';
import { Sequential, layers, useBackend } from '../../src/index';
import { engineStats, statsDelta } from '../../src/engine/stats';
import { randomValues, webgpuBackend } from './setup';

const gpu = await webgpuBackend();

describe.skipIf(typeof gpu === 'string')('device memory on WebGPU', () => {
  it("a playground frame (train, losses, parameters, every heatmap) creates no buffer, leaves no storage behind and reads into two host arrays in turn", async () => {
    if (typeof gpu === 'string') throw new Error(gpu);
    const engine = createSequentialEngine({ prefer: ['cpu'] });
    await engine.start();
    useBackend(gpu); // the app picks WebGPU through navigator.gpu; in Node the shared Dawn backend stands in
    const settings = { ...defaultSettings(), seed: '0.3' };
    const store = createPlaygroundStore({ settings });
    const { lesson, data } = store.getState();
    const network = await engine.createNetwork(networkSpec(lesson, data.train.length));
    network.setData(dataSet(lesson, data.train), dataSet(lesson, data.validation), dataSet(lesson, data.test));
    const plane = gridPlane(lesson, data);
    const frame = async (): Promise<Float32Array[]> => {
      await network.trainBatches(25);
      await network.evaluate();
      await network.getParams();
      const neurons = await network.evaluateGrid(64, plane);
      const output = await network.evaluateOutput(200, plane);
      return [neurons[0][0], output];
    };
    for (let i = 0; i < 5; i++) await frame();
    const live = gpu.executor.live.size;
    const before = engineStats();
    const frames: Float32Array[][] = [];
    for (let i = 0; i < 10; i++) frames.push(await frame());
    expect(statsDelta(before, engineStats()).buffersCreated).toBe(0);
    expect(gpu.executor.live.size).toBe(live);
    // A new array each frame, so the views (which compare by reference) redraw; the same two throughout.
    for (let i = 2; i < frames.length; i++) {
      frames[i].forEach((grid, k) => {
        expect(grid.buffer).not.toBe(frames[i - 1][k].buffer);
        expect(grid.buffer).toBe(frames[i - 2][k].buffer);
      });
    }
    network.dispose();
  });

  it('a lesson frame with softmax, dropout and a slice through a table creates no buffer and leaves no storage behind', async () => {
    if (typeof gpu === 'string') throw new Error(gpu);
    const engine = createSequentialEngine({ prefer: ['cpu'] });
    await engine.start();
    useBackend(gpu);
    const { readFileSync } = await import('node:fs');
    const { COURSE_TABLE_INFO, parseCourseTable } = await import('../../src/data/course-tables');
    const { lessonData } = await import('../../src/app/lesson-data');
    const { describeLesson } = await import('../../src/app/lesson');
    const iris = parseCourseTable('iris', readFileSync(`public/data/${COURSE_TABLE_INFO.iris.file}`, 'utf8'));
    const lesson = describeLesson({ ...defaultSettings(), seed: '0.3', dataset: 'iris', networkShape: [8, 6], dropout: [0.2], optimizer: 'adam', validationSplit: 0.2, sliceX: 2, sliceY: 3 });
    const data = lessonData(lesson, new Map([['iris', iris]]));
    const network = await engine.createNetwork(networkSpec(lesson, data.train.length));
    network.setData(dataSet(lesson, data.train), dataSet(lesson, data.validation), dataSet(lesson, data.test));
    const plane = gridPlane(lesson, data);
    const frame = async (): Promise<void> => {
      await network.trainBatches(10);
      await network.evaluate();
      await network.getParams();
      await network.evaluateGrid(32, plane);
      await network.evaluateOutput(100, plane);
    };
    for (let i = 0; i < 5; i++) await frame();
    const live = gpu.executor.live.size;
    const before = engineStats();
    for (let i = 0; i < 10; i++) await frame();
    expect(statsDelta(before, engineStats()).buffersCreated).toBe(0);
    expect(gpu.executor.live.size).toBe(live);
    network.dispose();
  });

  it('fit, evaluate, predict, trainOnBatch, layerOutputs and inspect free everything they allocate', async () => {
    if (typeof gpu === 'string') throw new Error(gpu);
    useBackend(gpu);
    const model = new Sequential([layers.input({ shape: [3] }), layers.dense({ units: 5, activation: 'relu' }), layers.dropout({ rate: 0.2 }), layers.dense({ units: 2, activation: 'softmax' })], { seed: 2 });
    model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    const x = { shape: [40, 3], values: randomValues(120, 4) };
    const y = Array.from({ length: 40 }, (_, i) => i % 2);
    const round = async (): Promise<void> => {
      await model.fit(x, y, { epochs: 2, batchSize: 8, validationSplit: 0.25, onBatchEnd: () => {} });
      await model.evaluate(x, y);
      await model.predict(x);
      await model.trainOnBatch(x, y);
      await model.layerOutputs({ shape: [2, 3], values: randomValues(6, 5) });
      await model.inspect({ shape: [1, 3], values: randomValues(3, 6) }, [1]);
    };
    await round();
    const live = gpu.executor.live.size;
    await round();
    await round();
    expect(gpu.executor.live.size).toBe(live);
    model.dispose();
  });

  it('a CNN (convolution, pooling, flatten views) frees what fit and predict allocate', async () => {
    if (typeof gpu === 'string') throw new Error(gpu);
    useBackend(gpu);
    const model = new Sequential(
      [
        layers.input({ shape: [6, 6, 1] }),
        layers.conv2d({ filters: 3, kernelSize: 3, activation: 'relu', padding: 'same' }),
        layers.averagePooling2d({ poolSize: 2 }),
        layers.flatten(),
        layers.dense({ units: 2, activation: 'softmax' }),
      ],
      { seed: 3 },
    );
    model.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy' });
    const x = { shape: [12, 6, 6, 1], values: randomValues(12 * 36, 7) };
    const y = Array.from({ length: 12 }, (_, i) => i % 2);
    const round = async (): Promise<void> => {
      await model.fit(x, y, { epochs: 1, batchSize: 5 });
      await model.predict(x);
    };
    await round();
    const live = gpu.executor.live.size;
    await round();
    expect(gpu.executor.live.size).toBe(live);
    model.dispose();
  });
});
