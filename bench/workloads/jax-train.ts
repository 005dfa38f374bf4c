// jax-js (@jax-js/jax) the way its documentation trains: parameters are a list of arrays, one training step
// (forward, loss, `valueAndGrad`, optimizer update) is one `jit`-compiled function, batches are uploaded
// once, and the loop awaits `blockUntilReady` regularly, as its docs advise "to avoid queueing up too many
// pending operations". Arrays follow its reference-counting rules: `.ref` wherever a value is used twice.
// The Adam update is written out here (optax's formula, as in Keras): `@jax-js/optax` is not installed.
import { blockUntilReady, defaultDevice, jit, nn, numpy as np, tree, valueAndGrad } from '@jax-js/jax';
import type { Batches } from './data';
import { measure, trainingCell } from './measure';
import type { Budget, CellResult } from './types';

export type JaxDevice = 'webgpu' | 'wasm';
export type JaxParams = np.Array[];
export type JaxForward = (p: JaxParams, x: np.Array) => np.Array;

/** A parameter's initial values and shape (weights as the model's layout wants them). */
export interface ParamInit {
  values: Float32Array;
  shape: number[];
}

export interface JaxTask {
  forward: JaxForward;
  loss: 'mse' | 'softmax_cross_entropy';
  optimizer: { type: 'sgd' | 'adam'; learningRate: number };
  params: ParamInit[];
  data: Batches;
  /** One example's shape as the forward function takes it, e.g. [2] or [1, 28, 28]. */
  xShape: number[];
  labelWidth: number;
  /** Units per step: 1 for steps/s, the batch size for images/s. */
  perStep: number;
}

// Steps between two waits: the queue stays short (jax-js slows down as pending work grows: 9 → 120 ms a
// step in Node after 10 → 400 unwaited steps) while the wait stays out of the per-step cost. Quick runs
// here waiting every step or every 16 differed by less than this shared machine's noise.
const WAIT_EVERY = 16;
const B1 = 0.9;
const B2 = 0.999;
const EPS = 1e-7;

function lossOf(task: Pick<JaxTask, 'forward' | 'loss'>): (p: JaxParams, x: np.Array, y: np.Array) => np.Array {
  if (task.loss === 'mse') return (p, x, y) => np.square(task.forward(p, x).sub(y)).mean();
  return (p, x, y) => {
    const batch = y.shape[0];
    return nn.logSoftmax(task.forward(p, x)).mul(y).sum().mul(-1 / batch);
  };
}

/** Parameters, Adam's moments (empty for SGD) and the step count (a type alias: jax-js trees need one). */
export type JaxTrainState = {
  p: JaxParams;
  m: JaxParams;
  v: JaxParams;
  t: np.Array;
};

/** One training step as a plain function (jaxTrain jit-compiles it): the next state and this step's loss. */
export function jaxStep(task: Pick<JaxTask, 'forward' | 'loss' | 'optimizer'>): (s: JaxTrainState, x: np.Array, y: np.Array) => [JaxTrainState, np.Array] {
  const loss = lossOf(task);
  const lr = task.optimizer.learningRate;
  if (task.optimizer.type === 'sgd') {
    return (s, x, y) => {
      const [value, g] = valueAndGrad(loss)(tree.ref(s.p), x, y);
      return [{ ...s, p: s.p.map((w, i) => w.sub(g[i].mul(lr))) }, value];
    };
  }
  return (s, x, y) => {
    const [value, g] = valueAndGrad(loss)(tree.ref(s.p), x, y);
    const t = s.t.add(1);
    // lr·√(1 − β₂ᵗ)/(1 − β₁ᵗ): the bias corrections folded into the step size.
    const lrT = np.sqrt(np.power(B2, t.ref).mul(-1).add(1)).mul(lr).div(np.power(B1, t.ref).mul(-1).add(1));
    const m = s.m.map((mi, i) => mi.mul(B1).add(g[i].ref.mul(1 - B1)));
    const v = s.v.map((vi, i) => vi.mul(B2).add(np.square(g[i]).mul(1 - B2)));
    const p = s.p.map((w, i) => w.sub(m[i].ref.mul(lrT.ref).div(np.sqrt(v[i].ref).add(EPS))));
    lrT.dispose();
    return [{ p, m, v, t }, value];
  };
}

/** A jax-js array of `values` (the bench's arrays all live in plain ArrayBuffers), shaped `shape`. */
export function jaxArray(values: Float32Array, shape: number[]): np.Array {
  return np.array(values as Float32Array<ArrayBuffer>).reshape(shape);
}

/** Train `task` on jax-js's `device` for the budget: one jit-compiled step per batch. */
export async function jaxTrain(task: JaxTask, device: JaxDevice, budget: Budget): Promise<CellResult> {
  defaultDevice(device);
  const adam = task.optimizer.type === 'adam';
  const batchOf = (v: Float32Array, width: number[]): np.Array => jaxArray(v, [-1, ...width]);
  const xs = task.data.x.map((v) => batchOf(v, task.xShape));
  const ys = task.data.y.map((v) => batchOf(v, [task.labelWidth]));
  let state: JaxTrainState = {
    p: task.params.map((q) => jaxArray(q.values, q.shape)),
    // Adam's moments (SGD has none).
    m: adam ? task.params.map((q) => np.zeros(q.shape)) : [],
    v: adam ? task.params.map((q) => np.zeros(q.shape)) : [],
    t: np.array(0),
  };
  const step = jit(jaxStep(task));
  // The latest step's loss (the ones before it are released as they are replaced).
  const held: { loss: np.Array | null } = { loss: null };
  let next = 0;
  try {
    const m = await measure(
      {
        async run(reps) {
          for (let i = 0; i < reps; i++) {
            const k = next++ % xs.length;
            let loss: np.Array;
            [state, loss] = step(state, xs[k].ref, ys[k].ref);
            held.loss?.dispose();
            held.loss = loss;
            if (next % WAIT_EVERY === 0) await blockUntilReady(state);
          }
        },
        async sync() {
          return (await held.loss!.ref.data())[0];
        },
        batches: xs.length,
      },
      budget,
    );
    return trainingCell(m, task.perStep, `one jit-compiled step (valueAndGrad + ${task.optimizer.type} update), blockUntilReady every ${WAIT_EVERY} steps, loss read every ${m.chunk}`);
  } finally {
    held.loss?.dispose();
    tree.dispose([state, xs, ys]);
    step.dispose();
  }
}
