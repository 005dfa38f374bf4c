// Model files on one backend: a saved model continues training exactly where it stopped (optimizer slots and
// step counter included). test/unit/nn/model-file.test.ts runs it on 'cpu', test/gpu/model-file.test.ts on 'webgpu'.
import { beforeAll, describe, expect, it } from 'vitest';
import { layers, Sequential, setBackend, type BackendName, type OptimizerSpec } from '../../../src/index';

const x = [
  [0.1, -2, 3],
  [1, 1, 1],
  [-0.5, 0.3, 2],
  [2, -1, 0],
];
const y = [0, 1, 2, 1];

function mlp(optimizer: OptimizerSpec): Sequential {
  const model = new Sequential(
    [
      layers.input({ shape: [3] }),
      layers.dense({ units: 5, activation: 'tanh', kernelRegularizer: { l1: 0.01 } }),
      layers.dropout({ rate: 0.3 }),
      layers.dense({ units: 3, activation: 'softmax' }),
    ],
    { seed: 11 },
  );
  model.compile({ optimizer, loss: 'sparse_categorical_crossentropy' });
  return model;
}

const images = Array.from({ length: 2 * 5 * 5 * 2 }, (_, i) => Math.sin(i * 0.7));
function cnn(optimizer: OptimizerSpec): Sequential {
  const model = new Sequential(
    [
      layers.input({ shape: [5, 5, 2] }),
      layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'relu' }),
      layers.maxPooling2d({ poolSize: 2 }),
      layers.flatten(),
      layers.dense({ units: 1, activation: 'sigmoid' }),
    ],
    { seed: 5 },
  );
  model.compile({ optimizer, loss: 'binary_crossentropy' });
  return model;
}

type Case = { name: string; make: (o: OptimizerSpec) => Sequential; x: unknown; y: unknown };
const MLP: Case = { name: 'MLP with dropout', make: mlp, x, y };
const CNN: Case = { name: 'CNN', make: cnn, x: { shape: [2, 5, 5, 2], values: images }, y: [1, 0] };

async function train(model: Sequential, c: Case, steps: number): Promise<void> {
  for (let i = 0; i < steps; i++) await model.trainOnBatch(c.x, c.y);
}

const flat = async (m: Sequential): Promise<number[]> => (await m.getWeights()).flatMap((w) => Array.from(w.values));

export function describeModelFileSuite(backend: BackendName): void {
  describe(`model files (${backend} backend)`, () => {
    // Starting a device can take a while on a busy machine.
    beforeAll(() => setBackend(backend), 60_000);

    const optimizers: OptimizerSpec[] = [
      { type: 'sgd', learningRate: 0.1, momentum: 0.9, nesterov: true },
      { type: 'rmsprop', learningRate: 0.01 },
      { type: 'adam', learningRate: 0.05 },
      { type: 'adagrad', learningRate: 0.1 },
    ];
    const cases: [Case, OptimizerSpec][] = [...optimizers.map((o): [Case, OptimizerSpec] => [MLP, o]), [CNN, { type: 'adam', learningRate: 0.05 }]];
    it.each(cases.map(([c, o]) => [c.name, typeof o === 'string' ? o : o.type, c, o] as const))(
      '%s with %s: train 3 steps, save, load, train 3 more equals training 6 steps',
      async (_name, _kind, c, optimizer) => {
        const reference = c.make(optimizer);
        await train(reference, c, 6);
        const first = c.make(optimizer);
        await train(first, c, 3);
        const text = JSON.stringify(await first.toJSON());
        const resumed = Sequential.fromJSON(text);
        await train(resumed, c, 3);
        expect(await flat(resumed)).toEqual(await flat(reference));
        expect(await resumed.predict(c.x)).toEqual(await reference.predict(c.x));

        // Without the saved state the same run ends elsewhere: the check above depends on it.
        const fresh = Sequential.fromJSON({ ...JSON.parse(text), optimizerState: null });
        await train(fresh, c, 3);
        expect(await flat(fresh)).not.toEqual(await flat(reference));
      },
    );

    it('L1 with zero crossings clipped: dead links stay dead after save and load, edited or not', async () => {
      const make = (): Sequential => {
        const model = new Sequential(
          [layers.input({ shape: [3] }), layers.dense({ units: 6, activation: 'tanh', kernelRegularizer: { l1: 0.4, clipAtZero: true } }), layers.dense({ units: 3, activation: 'softmax' })],
          { seed: 11 },
        );
        model.compile({ optimizer: { type: 'sgd', learningRate: 0.5 }, loss: 'sparse_categorical_crossentropy' });
        return model;
      };
      const c = { ...MLP, make };
      // A dead weight edited to 0.3 keeps that value, as TensorFlow Playground keeps an edited dead link.
      const editDead = async (m: Sequential, index: number): Promise<void> => {
        const weights = await m.getWeights();
        weights[0].values[index] = 0.3;
        m.setWeights(weights);
      };
      const first = make();
      await train(first, c, 3);
      const kernel = (await first.getWeights())[0].values;
      const dead = [...kernel.keys()].filter((i) => kernel[i] === 0);
      expect(dead.length).toBeGreaterThan(0);
      const text = JSON.stringify(await first.toJSON());
      const reference = make();
      await train(reference, c, 3);
      await editDead(reference, dead[0]);
      await train(reference, c, 3);
      const resumed = Sequential.fromJSON(text);
      await editDead(resumed, dead[0]);
      await train(resumed, c, 3);
      const after = (await resumed.getWeights())[0].values;
      expect(after[dead[0]]).toBeCloseTo(0.3, 6);
      for (const i of dead.slice(1)) expect(after[i]).toBe(0);
      expect(await flat(resumed)).toEqual(await flat(reference));
      // With a fresh live mask the edited weight trains again: the check above rests on the saved mask.
      const fresh = Sequential.fromJSON({ ...JSON.parse(text), optimizerState: null });
      await editDead(fresh, dead[0]);
      await train(fresh, c, 3);
      expect((await fresh.getWeights())[0].values[dead[0]]).not.toBeCloseTo(0.3, 6);
    });

    it('a model compiled but never trained saves no optimizer state; an uncompiled one saves no compile', async () => {
      const compiled = mlp('adam');
      expect((await compiled.toJSON()).optimizerState).toBeNull();
      const bare = new Sequential([layers.input({ shape: [2] }), layers.dense({ units: 1 })], { seed: 1 });
      const json = await bare.toJSON();
      expect(json.compile).toBeNull();
      const loaded = Sequential.fromJSON(JSON.stringify(json));
      expect(await loaded.predict([[1, 2]])).toEqual(await bare.predict([[1, 2]]));
    });
  });
}
