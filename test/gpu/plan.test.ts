// Traced plans and the fused dense step: replaying a recorded training step on WebGPU gives the weights
// eager CPU steps give, creates nothing after warm-up, and survives a device loss.
import { describe, expect, it } from 'vitest';
import { Sequential, layers, useBackend } from '../../src/index';
import type { OptimizerSpec } from '../../src/index';
import type { Backend } from '../../src/engine/backend/backend';
import { compileTrainer, type TrainerData, type TrainerPath } from '../../src/engine/plan';
import { counterValue } from '../../src/engine/counter';
import { engineStats, statsDelta } from '../../src/engine/stats';
import { cpu, gpuSuite, maxViolation, randomValues, webgpuBackend } from './setup';

const gpu = await webgpuBackend();
const available = typeof gpu !== 'string';

function mlp(optimizer: OptimizerSpec, loss = 'mse', l2 = 0): Sequential {
  const model = new Sequential(
    [
      layers.input({ shape: [2] }),
      layers.dense({ units: 8, activation: 'tanh', kernelRegularizer: l2 ? { l2 } : undefined }),
      layers.dense({ units: 8, activation: 'relu' }),
      layers.dropout({ rate: 0.25 }),
      layers.dense({ units: 1, activation: loss === 'mse' ? 'tanh' : 'sigmoid' }),
    ],
    { seed: 7 },
  );
  model.compile({ optimizer, loss });
  return model;
}

function cnn(): Sequential {
  const model = new Sequential(
    [
      layers.input({ shape: [8, 8, 1] }),
      layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu', padding: 'same' }),
      layers.maxPooling2d({ poolSize: 2 }),
      layers.flatten(),
      layers.dense({ units: 3, activation: 'softmax' }),
    ],
    { seed: 11 },
  );
  model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy' });
  return model;
}

const playgroundData = (rows: number, classes: boolean): TrainerData => {
  const x = randomValues(rows * 2, 5, 6);
  const y = Float32Array.from({ length: rows }, (_, i) => (x[2 * i] * x[2 * i + 1] > 0 ? 1 : classes ? 0 : -1));
  return { x, xShape: [rows, 2], y, yShape: [rows, 1] };
};

/** A dense network the fused step takes: no dropout, every layer Dense. */
function dense(optimizer: OptimizerSpec, loss: string, acts: string[], extra: { l1?: number; l2?: number; useBias?: boolean } = {}): () => Sequential {
  return () => {
    const reg = extra.l1 || extra.l2 ? { l1: extra.l1, l2: extra.l2 } : undefined;
    const model = new Sequential(
      [
        layers.input({ shape: [2] }),
        ...acts.map((activation, i) =>
          layers.dense({
            units: i === acts.length - 1 ? 1 : 5 + i,
            activation: activation as 'tanh',
            kernelRegularizer: reg,
            biasRegularizer: i === 0 ? reg : undefined,
            useBias: i === 1 ? extra.useBias : undefined,
          }),
        ),
      ],
      { seed: 5 },
    );
    model.compile({ optimizer, loss });
    return model;
  };
}

/** 2→8→8→classes with `output` on the last layer (a multi-class playground network), compiled with `loss`. */
function classifier(optimizer: OptimizerSpec, loss: string, output: string, classes: number, hidden = ['tanh', 'relu']): () => Sequential {
  return () => {
    const model = new Sequential(
      [
        layers.input({ shape: [2] }),
        ...hidden.map((activation) => layers.dense({ units: 8, activation: activation as 'tanh' })),
        layers.dense({ units: classes, activation: output as 'softmax' }),
      ],
      { seed: 9 },
    );
    model.compile({ optimizer, loss });
    return model;
  };
}

/** Points of the plane labelled by angle into `classes` sectors: one-hot rows, or class indices when `sparse`. */
const sectorData = (rows: number, classes: number, sparse = false): TrainerData => {
  const x = randomValues(rows * 2, 13, 6);
  const label = (i: number): number => Math.min(classes - 1, Math.floor(((Math.atan2(x[2 * i + 1], x[2 * i]) + Math.PI) / (2 * Math.PI)) * classes));
  if (sparse) return { x, xShape: [rows, 2], y: Float32Array.from({ length: rows }, (_, i) => label(i)), yShape: [rows] };
  const y = new Float32Array(rows * classes);
  for (let i = 0; i < rows; i++) y[i * classes + label(i)] = 1;
  return { x, xShape: [rows, 2], y, yShape: [rows, classes] };
};

/** Several regression outputs per row, in (-1, 1). */
const multiOutputData = (rows: number, outputs: number): TrainerData => {
  const x = randomValues(rows * 2, 17, 3);
  const y = Float32Array.from({ length: rows * outputs }, (_, k) => Math.tanh(x[2 * Math.floor(k / outputs)] * (1 + (k % outputs)) - x[2 * Math.floor(k / outputs) + 1]));
  return { x, xShape: [rows, 2], y, yShape: [rows, outputs] };
};

const imageData = (rows: number): TrainerData => ({
  x: randomValues(rows * 64, 9),
  xShape: [rows, 8, 8, 1],
  y: Float32Array.from({ length: rows }, (_, i) => i % 3),
  yShape: [rows],
});

/**
 * Train `steps` steps with `make()` on `backend`, in the given replay chunks; the final weights, flattened.
 * With `startStep` the model's step counter starts there, and must have advanced by every step.
 */
async function train(
  backend: Backend,
  make: () => Sequential,
  data: TrainerData,
  batchSize: number,
  chunks: number[],
  expectPath?: TrainerPath,
  startStep?: number,
): Promise<Float32Array> {
  useBackend(backend);
  const model = make();
  const { step, dense, state } = model.getTrainStep();
  if (startStep !== undefined) backend.assign(state.counter.handle, backend.createCounter(startStep));
  const trainer = compileTrainer({ step, dense, data, batchSize });
  if (expectPath) expect(trainer.path, String(trainer.unfusedReason)).toBe(expectPath);
  for (const k of chunks) trainer.run(k);
  if (startStep !== undefined) {
    const steps = chunks.reduce((a, b) => a + b, 0);
    expect(counterValue(await backend.read(state.counter.handle))).toBe(startStep + steps);
  }
  const weights = await model.getWeights();
  trainer.dispose();
  model.dispose();
  return Float32Array.from(weights.flatMap((w) => Array.from(w.values)));
}

describe.skipIf(!available)(gpuSuite('traced training plans on WebGPU', gpu), () => {
  const cases: [string, () => Sequential, TrainerData, number][] = [
    ['MLP, SGD with momentum, MSE, dropout', () => mlp({ type: 'sgd', learningRate: 0.03, momentum: 0.9 }), playgroundData(50, false), 10],
    ['MLP, Adam, binary crossentropy, L2', () => mlp({ type: 'adam', learningRate: 0.01 }, 'binary_crossentropy', 0.01), playgroundData(53, true), 7],
    ['MLP, RMSprop', () => mlp('rmsprop'), playgroundData(40, false), 16],
    ['MLP, Adagrad', () => mlp({ type: 'adagrad', learningRate: 0.05 }), playgroundData(40, false), 8],
    ['CNN, Adam, sparse categorical crossentropy', cnn, imageData(24), 6],
  ];
  for (const [name, make, data, batch] of cases) {
    it(`${name}: replayed steps give the eager CPU weights`, async () => {
      if (typeof gpu === 'string') throw new Error(gpu);
      const expected = await train(cpu, make, data, batch, [10]);
      const actual = await train(gpu, make, data, batch, [1, 4, 5]);
      expect(maxViolation(actual, expected)).toBe(0);
    });
  }

  const fusedCases: [string, () => Sequential, TrainerData, number][] = [
    ['SGD, MSE, tanh (the playground)', dense({ type: 'sgd', learningRate: 0.03 }, 'mse', ['tanh', 'tanh', 'tanh', 'tanh']), playgroundData(50, false), 10],
    ['SGD with Nesterov momentum, MAE, relu/linear', dense({ type: 'sgd', learningRate: 0.05, momentum: 0.9, nesterov: true }, 'mae', ['relu', 'relu', 'linear']), playgroundData(37, false), 6],
    ['Adam, binary crossentropy from logits, L1 and L2', dense({ type: 'adam', learningRate: 0.02 }, 'binary_crossentropy', ['elu', 'swish', 'sigmoid'], { l1: 0.001, l2: 0.01 }), playgroundData(53, true), 7],
    ['RMSprop, Huber, leaky relu/softplus, a layer without bias', dense('rmsprop', 'huber', ['leaky_relu', 'softplus', 'tanh'], { useBias: false }), playgroundData(40, false), 16],
    ['Adagrad, MSE, sigmoid, batch larger than the set', dense({ type: 'adagrad', learningRate: 0.1 }, 'mse', ['sigmoid', 'linear']), playgroundData(9, false), 12],
    // Multi-class: the loss couples a row's outputs, computed by row after the forward pass.
    ['Adam, softmax with categorical crossentropy (2→8→8→4, the multi-class playground)', classifier({ type: 'adam', learningRate: 0.02 }, 'categorical_crossentropy', 'softmax', 4), sectorData(60, 4), 10],
    ['SGD with momentum, softmax with sparse categorical crossentropy, 6 classes', classifier({ type: 'sgd', learningRate: 0.1, momentum: 0.9 }, 'sparse_categorical_crossentropy', 'softmax', 6, ['relu']), sectorData(45, 6, true), 8],
    ['RMSprop, MSE on a softmax output (its Jacobian)', classifier('rmsprop', 'mse', 'softmax', 3, ['elu', 'tanh']), sectorData(40, 3), 5],
    ['Adagrad, categorical crossentropy on sigmoid outputs (probabilities, clipped)', classifier({ type: 'adagrad', learningRate: 0.2 }, 'categorical_crossentropy', 'sigmoid', 3), sectorData(40, 3), 9],
    ['Adam, sparse categorical crossentropy on sigmoid probabilities', classifier({ type: 'adam', learningRate: 0.05 }, 'sparse_categorical_crossentropy', 'sigmoid', 5), sectorData(33, 5, true), 7],
    // Element-wise losses with several outputs per row: the mean over every output element.
    ['Adam, MSE with three tanh outputs', classifier({ type: 'adam', learningRate: 0.01 }, 'mse', 'tanh', 3), multiOutputData(30, 3), 6],
    ['SGD, binary crossentropy from logits, two sigmoid outputs', classifier({ type: 'sgd', learningRate: 0.3 }, 'binary_crossentropy', 'sigmoid', 2), sectorData(30, 2), 4],
  ];
  for (const [name, make, data, batch] of fusedCases) {
    it(`fused dense step, ${name}: one dispatch per step, the eager CPU weights`, async () => {
      if (typeof gpu === 'string') throw new Error(gpu);
      const expected = await train(cpu, make, data, batch, [10], 'eager');
      const actual = await train(gpu, make, data, batch, [1, 4, 5], 'fused');
      expect(maxViolation(actual, expected)).toBe(0);
    });
  }

  it('fused dense step, the 256-thread variant a hardware GPU runs for bigger networks: the eager CPU weights', async () => {
    if (typeof gpu === 'string') throw new Error(gpu);
    // SwiftShader takes the 32-thread variant for every size; pretend to be a GPU to run the other.
    const emulated = gpu.executor.emulated;
    gpu.executor.emulated = false;
    try {
      const make = dense({ type: 'adam', learningRate: 0.01 }, 'mse', ['relu', 'tanh', 'tanh', 'linear'], { l2: 0.001 });
      const data = playgroundData(70, false);
      const expected = await train(cpu, make, data, 64, [6], 'eager');
      const actual = await train(gpu, make, data, 64, [2, 4], 'fused');
      expect(maxViolation(actual, expected)).toBe(0);
      // Softmax with cross-entropy, a batch of more rows than threads (one thread per row at the output).
      const multiclass = classifier({ type: 'adam', learningRate: 0.01 }, 'categorical_crossentropy', 'softmax', 5);
      const sectors = sectorData(400, 5);
      expect(maxViolation(await train(gpu, multiclass, sectors, 300, [1, 3], 'fused'), await train(cpu, multiclass, sectors, 300, [4], 'eager'))).toBe(0);
    } finally {
      gpu.executor.emulated = emulated;
    }
  });

  // An f32 counter stops at 2^24 (1 + 2^24 rounds back), where dropout masks and Adam's t would freeze.
  it('past 2^24 steps the step counter advances, fused and replayed, and the weights equal the CPU weights', async () => {
    if (typeof gpu === 'string') throw new Error(gpu);
    const start = 2 ** 24 - 3;
    const fused = classifier({ type: 'adam', learningRate: 0.02 }, 'categorical_crossentropy', 'softmax', 4);
    const data = sectorData(40, 4);
    const expectedFused = await train(cpu, fused, data, 10, [7], 'eager', start);
    expect(maxViolation(await train(gpu, fused, data, 10, [2, 5], 'fused', start), expectedFused)).toBe(0);
    // Dropout draws its mask from the counter: a fresh one every step past 2^24 too.
    const replayed = () => mlp({ type: 'adam', learningRate: 0.01 });
    const playground = playgroundData(50, false);
    const expectedPlan = await train(cpu, replayed, playground, 10, [7], 'eager', start);
    expect(maxViolation(await train(gpu, replayed, playground, 10, [3, 4], 'plan', start), expectedPlan)).toBe(0);
  });

  it('a device that binds fewer bytes than the parameters take: the update splits per parameter, same weights; a tensor past it is refused', async () => {
    if (typeof gpu === 'string') throw new Error(gpu);
    const make = () => mlp({ type: 'adam', learningRate: 0.01 });
    const data = playgroundData(50, false);
    const dispatchesPerStep = (): number => {
      useBackend(gpu);
      const model = make();
      const trainer = compileTrainer({ ...model.getTrainStep(), data, batchSize: 10 });
      const n = trainer.dispatchesPerStep;
      trainer.dispose();
      model.dispose();
      return n;
    };
    const expected = await train(cpu, make, data, 10, [10]);
    const packed = dispatchesPerStep();
    const limit = gpu.executor.maxBindingBytes;
    // 1 KiB: every tensor of this step fits, the six parameters packed together (6 × 256 B aligned) do not.
    gpu.executor.maxBindingBytes = 1024;
    try {
      // One update dispatch for all six parameters became six.
      expect(dispatchesPerStep()).toBe(packed + 5);
      expect(maxViolation(await train(gpu, make, data, 10, [3, 7]), expected)).toBe(0);
      expect(() => gpu.fill([257], 0)).toThrow(
        'WebGPU: a tensor of shape [257] takes 1,028 bytes, more than this device binds at once (1,024 bytes, its maxStorageBufferBindingSize); use smaller batches, or the CPU backend',
      );
    } finally {
      gpu.executor.maxBindingBytes = limit;
    }
  });

  const lossCases: [string, () => Sequential, TrainerData][] = [
    ['MSE with L2', dense({ type: 'adam', learningRate: 0.01 }, 'mse', ['tanh', 'tanh'], { l2: 0.01 }), playgroundData(30, false)],
    ['softmax with categorical crossentropy (a mean over rows)', classifier({ type: 'adam', learningRate: 0.01 }, 'categorical_crossentropy', 'softmax', 4), sectorData(30, 4)],
    ['sigmoid probabilities with sparse categorical crossentropy', classifier('sgd', 'sparse_categorical_crossentropy', 'sigmoid', 3), sectorData(30, 3, true)],
  ];
  for (const [name, make, data] of lossCases) {
    it(`the fused step reports the same loss as the eager step, and follows a new row order: ${name}`, async () => {
      if (typeof gpu === 'string') throw new Error(gpu);
      const order = Array.from({ length: 30 }, (_, i) => (i * 7) % 30);
      const run = async (backend: Backend): Promise<number[]> => {
        useBackend(backend);
        const model = make();
        const { step, dense: spec } = model.getTrainStep();
        const trainer = compileTrainer({ step, dense: spec, data, batchSize: 4 });
        expect(trainer.path).toBe(backend === cpu ? 'eager' : 'fused');
        trainer.run(3);
        trainer.setOrder(order);
        trainer.run(4);
        const loss = await trainer.latestLoss();
        const weights = (await model.getWeights()).flatMap((w) => Array.from(w.values));
        trainer.dispose();
        model.dispose();
        return [loss, ...weights];
      };
      expect(maxViolation(Float32Array.from(await run(gpu)), Float32Array.from(await run(cpu)))).toBe(0);
    });
  }

  it('the fused step refuses class labels outside the output layer, naming the row', async () => {
    if (typeof gpu === 'string') throw new Error(gpu);
    useBackend(gpu);
    const model = classifier('sgd', 'sparse_categorical_crossentropy', 'softmax', 3)();
    const data = sectorData(12, 3, true);
    data.y[5] = 3;
    const training = model.getTrainStep();
    // Nothing the refused trainer allocated stays behind.
    const live = gpu.executor.live.size;
    expect(() => compileTrainer({ ...training, data, batchSize: 4 })).toThrow(
      'dense step: label 3 in row 5 is not a class index in [0, 3) (the last layer has 3 units)',
    );
    expect(gpu.executor.live.size).toBe(live);
    model.dispose();
  });

  it('networks the fused step does not take run as a traced plan, saying why', async () => {
    if (typeof gpu === 'string') throw new Error(gpu);
    useBackend(gpu);
    // Softmax on a hidden layer: the fused step takes it on the output only.
    const softmax = new Sequential(
      [layers.input({ shape: [2] }), layers.dense({ units: 4, activation: 'softmax' }), layers.dense({ units: 3, activation: 'softmax' })],
      { seed: 1 },
    );
    softmax.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy' });
    const labels: TrainerData = { ...playgroundData(20, true), y: Float32Array.from({ length: 20 }, (_, i) => i % 3), yShape: [20] };
    expect(softmax.getTrainStep().dense).toBeNull();
    const big = dense('sgd', 'mse', ['relu', 'relu', 'relu', 'linear'])();
    const { step, dense: spec } = big.getTrainStep();
    const trainer = compileTrainer({ step, dense: spec, data: playgroundData(20, false), batchSize: 1e6 });
    expect(trainer.path).toBe('plan');
    expect(trainer.unfusedReason).toMatch(/multiply-adds per pass exceed/);
    trainer.dispose();
    const plain = compileTrainer({ step: softmax.getTrainStep().step, data: labels, batchSize: 5 });
    expect([plain.path, plain.unfusedReason]).toEqual(['plan', null]);
    plain.dispose();
    big.dispose();
    softmax.dispose();
  });

  it('after warm-up a replayed step creates no buffer, bind group or pipeline, and submits once', async () => {
    if (typeof gpu === 'string') throw new Error(gpu);
    useBackend(gpu);
    const model = mlp({ type: 'sgd', learningRate: 0.03 });
    const trainer = compileTrainer({ step: model.getTrainStep().step, data: playgroundData(500, false), batchSize: 10 });
    trainer.run(1);
    await trainer.latestLoss();
    // Settles the once-a-second recovery snapshot the first readback starts, so it does not count below.
    await trainer.snapshot();
    const before = engineStats();
    trainer.run(100);
    const after = statsDelta(before, engineStats());
    expect(after.buffersCreated).toBe(0);
    expect(after.bindGroupsCreated).toBe(0);
    expect(after.pipelinesCompiled).toBe(0);
    expect(after.submits).toBe(1);
    expect(after.dispatches).toBe(100 * trainer.dispatchesPerStep);
    const loss = await trainer.latestLoss();
    expect(Number.isFinite(loss)).toBe(true);
    const read = statsDelta(before, engineStats());
    expect(read.bytesReadBack).toBe(4);
    trainer.dispose();
    model.dispose();
  });

  it('recovers from a lost device: parameters come back from the snapshot and training goes on', async () => {
    // A backend of its own: this test destroys its device.
    const { WebGPUBackend } = await import('../../src/engine/backend/webgpu/webgpu-backend');
    const own = await WebGPUBackend.create();
    useBackend(own);
    const model = mlp({ type: 'adam', learningRate: 0.01 });
    const data = playgroundData(60, false);
    const trainer = compileTrainer({ step: model.getTrainStep().step, data, batchSize: 10 });
    trainer.run(5);
    await trainer.snapshot();
    const saved = await model.getWeights();
    const events: string[] = [];
    const restored = new Promise<void>((resolve) =>
      own.onDeviceEvent((e) => {
        events.push(e.type);
        if (e.type !== 'lost') resolve();
      }),
    );
    own.executor.simulateLoss();
    await restored;
    expect(events).toEqual(['lost', 'restored']);
    expect(maxViolation(Float32Array.from((await model.getWeights()).flatMap((w) => Array.from(w.values))), Float32Array.from(saved.flatMap((w) => Array.from(w.values))), 0, 0)).toBe(0);

    // Training continues on the new device exactly as an uninterrupted run from the same point would.
    expect(trainer.run(5)).toBe(5);
    const resumed = Float32Array.from((await model.getWeights()).flatMap((w) => Array.from(w.values)));
    const reference = await train(cpu, () => mlp({ type: 'adam', learningRate: 0.01 }), data, 10, [10]);
    expect(maxViolation(resumed, reference)).toBe(0);
    useBackend(own);
    trainer.dispose();
    model.dispose();
    own.destroy();
  });
});
