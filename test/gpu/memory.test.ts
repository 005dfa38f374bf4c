// Device memory stays flat: the WebGPU backend keeps every live buffer (for device-loss recovery), so any
// tensor an API call forgets to dispose is a leak that a long lesson on a projector would run into.
import { describe, expect, it } from 'vitest';
import { createSequentialEngine } from '../../src/app/sequential-engine';
import { createPlaygroundStore } from '../../src/app/store';
import { gridPlane } from '../../src/app/grid';
import { dataSet, networkSpec } from '../../src/app/trainer';
import { defaultSettings } from '../../src/app/url-table';
import { ACTIVATIONS, LOSSES, Sequential, grad, layers, ops, tidy, useBackend, type Activation, type Tensor } from '../../src/index';
import { engineStats, statsDelta } from '../../src/engine/stats';
import { gpuSuite, randomValues, webgpuBackend } from './setup';

const gpu = await webgpuBackend();

describe.skipIf(typeof gpu === 'string')(gpuSuite('device memory on WebGPU', gpu), () => {
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

  // fit, evaluate and predict keep their latest call's data and passes on the model (call-cache.ts): a
  // second call with the same shapes traces the one-off passes of the first, and from then on nothing grows.
  it('fit, evaluate, predict, trainOnBatch, layerOutputs and inspect stay flat when repeated, and dispose frees everything', async () => {
    if (typeof gpu === 'string') throw new Error(gpu);
    useBackend(gpu);
    const baseline = gpu.executor.live.size;
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
    await round();
    const live = gpu.executor.live.size;
    await round();
    await round();
    expect(gpu.executor.live.size).toBe(live);
    model.dispose();
    expect(gpu.executor.live.size).toBe(baseline);
  });

  it('a CNN (convolution, pooling, flatten views): fit and predict stay flat when repeated, and dispose frees everything', async () => {
    if (typeof gpu === 'string') throw new Error(gpu);
    useBackend(gpu);
    const baseline = gpu.executor.live.size;
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
    await round();
    const live = gpu.executor.live.size;
    await round();
    await round();
    expect(gpu.executor.live.size).toBe(live);
    model.dispose();
    expect(gpu.executor.live.size).toBe(baseline);
  });
});

const OPTIMIZERS = ['sgd', 'adam', 'rmsprop', 'adagrad'] as const;

/** Output units, output activation and targets (8 rows) for a loss. */
function head(loss: (typeof LOSSES)[number]): { units: number; activation: Activation; y: unknown } {
  const labels = Array.from({ length: 8 }, (_, i) => i % 3);
  switch (loss) {
    case 'binary_crossentropy':
      return { units: 1, activation: 'sigmoid', y: labels.map((l) => [l % 2]) };
    case 'categorical_crossentropy':
      return { units: 3, activation: 'softmax', y: labels.map((l) => [0, 1, 2].map((c) => (c === l ? 1 : 0))) };
    case 'sparse_categorical_crossentropy':
      return { units: 3, activation: 'softmax', y: labels };
    default:
      return { units: 2, activation: 'linear', y: labels.map((l) => [l / 2, 1 - l / 2]) };
  }
}

describe.skipIf(typeof gpu === 'string')(gpuSuite('backward passes release every temporary on WebGPU', gpu), () => {
  // Each activation in a conv and a dense layer, with pooling (max and average in turn) and dropout; the
  // losses and optimizers rotate over the models so each is trained at least once.
  ACTIVATIONS.forEach((activation, i) => {
    const loss = LOSSES[i % LOSSES.length];
    const optimizer = OPTIMIZERS[i % OPTIMIZERS.length];
    it(`${activation} (conv and dense), ${loss}, ${optimizer}: live buffers after 50 training steps (fit and trainOnBatch in turn, with predict, evaluate and inspect) equal those after 6`, async () => {
      if (typeof gpu === 'string') throw new Error(gpu);
      useBackend(gpu);
      const out = head(loss);
      const model = new Sequential(
        [
          layers.input({ shape: [4, 4, 1] }),
          layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same', activation }),
          i % 2 ? layers.averagePooling2d({ poolSize: 2 }) : layers.maxPooling2d({ poolSize: 2 }),
          layers.flatten(),
          layers.dense({ units: 3, activation }),
          layers.dropout({ rate: 0.3 }),
          layers.dense({ units: out.units, activation: out.activation }),
        ],
        { seed: 40 + i },
      );
      model.compile({ optimizer, loss });
      const x = { shape: [8, 4, 4, 1], values: randomValues(8 * 16, 50 + i) };
      const one = { shape: [1, 4, 4, 1], values: x.values.slice(0, 16) };
      const oneY = (out.y as unknown[]).slice(0, 1);
      const round = async (): Promise<void> => {
        // Two steps: one through fit, one through trainOnBatch.
        await model.fit(x, out.y, { epochs: 1, batchSize: 8 });
        await model.trainOnBatch(x, out.y);
        await model.predict(x);
        await model.evaluate(x, out.y);
        await model.inspect(one, oneY);
      };
      for (let r = 0; r < 3; r++) await round();
      const live = gpu.executor.live.size;
      for (let r = 3; r < 25; r++) await round();
      expect(gpu.executor.live.size).toBe(live);
      model.dispose();
    });
  });

  it('the gradients of maximum, minimum, and swish in the matmul and conv2d epilogues leave nothing behind', async () => {
    if (typeof gpu === 'string') throw new Error(gpu);
    useBackend(gpu);
    const a = ops.variable(ops.tensor(randomValues(12, 60), [3, 4]));
    const b = ops.variable(ops.tensor(randomValues(12, 61), [3, 4]));
    const w = ops.variable(ops.tensor(randomValues(8, 62), [4, 2]));
    const img = ops.variable(ops.tensor(randomValues(2 * 9, 63), [2, 3, 3, 1]));
    const k = ops.variable(ops.tensor(randomValues(4, 64), [2, 2, 1, 1]));
    const losses: [string, () => Tensor][] = [
      ['maximum', () => ops.sum(ops.maximum(a, b))],
      ['minimum', () => ops.sum(ops.minimum(a, b))],
      ['matmul swish', () => ops.sum(ops.matmul(a, w, false, false, undefined, 'swish'))],
      ['conv2d swish', () => ops.sum(ops.conv2d(img, k, { strides: [1, 1], padding: 'valid' }, undefined, 'swish'))],
    ];
    for (const [name, f] of losses) {
      const live = gpu.executor.live.size;
      await tidy(() => {
        const loss = f();
        return grad(loss, [a, b, w, img, k]);
      }).reduce(async (done, g) => {
        await done;
        await g.data();
        g.dispose();
      }, Promise.resolve());
      expect(gpu.executor.live.size, name).toBe(live);
    }
    for (const t of [a, b, w, img, k]) t.dispose();
  });
});
