// The fused training step of a small dense network on the host: batch gather, forward, element-wise loss,
// backward, optimizer update and the model's step counter in one pass of plain loops over arrays allocated
// once, with no tensor, graph or allocation per step (the CPU counterpart of shaders/dense_step.wgsl).
//
// Why TypeScript and not WebAssembly: a playground step is ~1,000 multiply-adds per pass over rows of 2-8
// values, too short for SIMD lanes or packing to pay; what costs is per-op overhead, which this loop does
// not have. The parameters and optimizer slots are the model's own CPU tensors, updated in place, so the
// model reads its weights as after eager steps. The arithmetic is the reference's: its loss
// (cpu/loss.ts elementLoss), activation slopes (cpu/elementwise.ts) and update rule (cpu/optimizer.ts).
import type { ActivationKind, OptimizerConfig, Regularization, TensorHandle } from '../backend';
import type { DenseStepParam, DenseStepSpec } from '../../dense-step';
import { cpu } from '../cpu/cpu-tensor';
import { activate, activationSlope, checkActivation } from '../cpu/elementwise';
import { categoricalRows, elementLosses } from '../cpu/loss';
import { checkSlotCount, SLOT_COUNTS, updateParameter } from '../cpu/optimizer';

/** One parameter: its values, slots and regularization (the model's storage) and its gradient (ours). */
interface Part {
  values: Float32Array;
  slot0: Float32Array;
  slot1: Float32Array | undefined;
  /** The live mask (clipAtZero), when the model keeps one. */
  live: Float32Array | undefined;
  regularization: Regularization;
  grad: Float64Array;
}

interface Layer {
  inputs: number;
  units: number;
  kernel: Part;
  bias: Part | null;
  activation: ActivationKind;
  /** [batch, units] each: pre-activation, activation, dL/dz. */
  z: Float64Array;
  a: Float64Array;
  delta: Float64Array;
}

const WHERE = 'fused CPU dense step';

/**
 * Multiply-adds of one forward pass (batch × Σ inputs·units) up to which the host loop beats running the
 * step op by op on the WebAssembly matmul. Measured in Node (same process, best of two rounds): 2→8→8→8→1
 * at batch 10 (1,520) 7× faster, at batch 30 (4,560) 2.7×, at batch 100 (15,200) 1.45×; but 2→16→16→16→1
 * at batch 20 (11,200) 0.77× and 4→16×4→1 at batch 30 (25,440) 0.48×: wide layers are where SIMD pays.
 */
export const HOST_DENSE_STEP_MAX_MACS = 8192;

/** Why `spec` at this batch size runs op by op rather than as the host loop, or null when it fuses. */
export function hostDenseStepObstacle(spec: DenseStepSpec, batch: number): string | null {
  if (spec.layers.length === 0) return 'the model has no layers';
  const { kind, fromLogits } = spec.loss;
  if (spec.layers.some((l) => l.activation === 'softmax')) return 'a softmax layer outside a cross-entropy from logits';
  if (kind === 'sparse_categorical_crossentropy' || (kind === 'categorical_crossentropy' && !fromLogits)) return `${kind}${fromLogits ? '' : ' from probabilities'} is not in the host loop`;
  const macs = batch * spec.layers.reduce((sum, l) => sum + l.kernel.variable.size, 0);
  if (macs > HOST_DENSE_STEP_MAX_MACS) return `${macs} multiply-adds per pass exceed ${HOST_DENSE_STEP_MAX_MACS}: the WebAssembly matmuls are faster`;
  return null;
}

function hostActivation(kind: ActivationKind | 'softmax'): ActivationKind {
  if (kind === 'softmax') throw new Error(`${WHERE}: a softmax layer runs op by op (see hostDenseStepObstacle)`);
  return checkActivation(kind, WHERE);
}

function part(p: DenseStepParam, optimizer: OptimizerConfig, what: string): Part {
  const values = cpu(p.variable.handle, WHERE, what).data;
  const count = SLOT_COUNTS[optimizer.kind];
  checkSlotCount(optimizer.kind, p.slots.length, p.regularization, what, WHERE);
  const slot = (h: TensorHandle, j: number): Float32Array => {
    const data = cpu(h, WHERE, `${what} slot ${j}`).data;
    if (data.length !== values.length) throw new Error(`${WHERE}: slot ${j} of ${what} has ${data.length} values, expected ${values.length}`);
    return data;
  };
  return {
    values,
    slot0: slot(p.slots[0], 0),
    slot1: count > 1 ? slot(p.slots[1], 1) : undefined,
    live: p.slots.length > count ? slot(p.slots[count], count) : undefined,
    regularization: p.regularization,
    grad: new Float64Array(values.length),
  };
}

export interface DenseStepData {
  x: Float32Array;
  y: Float32Array;
  rows: number;
}

/** The step of `spec` on batches of `batch` rows of `data`; `run` takes the row order and the trainer's step. */
export class HostDenseStep {
  private readonly layers: Layer[];
  private readonly parts: Part[];
  private readonly xWidth: number;
  private readonly yWidth: number;
  private readonly xb: Float64Array;
  private readonly yb: Float64Array;
  private readonly counter: Uint32Array;
  private readonly regularized: boolean;
  /**
   * [0]: data loss plus penalty of the latest step (before its update), as the eager step returns it. An
   * array, not a number field or a return value: storing a double there would box it, one allocation a step.
   */
  private readonly lossOut = Float64Array.of(NaN);

  constructor(
    private readonly spec: DenseStepSpec,
    private readonly data: DenseStepData,
    private readonly batch: number,
  ) {
    const { optimizer } = spec;
    this.xWidth = data.x.length / data.rows;
    this.yWidth = data.y.length / data.rows;
    let width = this.xWidth;
    this.layers = spec.layers.map((l, i) => {
      const shape = l.kernel.variable.shape;
      if (shape.length !== 2 || shape[0] !== width) throw new Error(`${WHERE}: layer ${i}'s kernel must be [${width}, units], got [${shape.join(', ')}]`);
      const units = shape[1];
      if (l.bias && (l.bias.variable.shape.length !== 1 || l.bias.variable.shape[0] !== units)) {
        throw new Error(`${WHERE}: layer ${i}'s bias must be [${units}], got [${l.bias.variable.shape.join(', ')}]`);
      }
      width = units;
      return {
        inputs: shape[0],
        units,
        kernel: part(l.kernel, optimizer, `layer ${i} kernel`),
        bias: l.bias ? part(l.bias, optimizer, `layer ${i} bias`) : null,
        activation: hostActivation(l.activation),
        z: new Float64Array(batch * units),
        a: new Float64Array(batch * units),
        delta: new Float64Array(batch * units),
      };
    });
    if (width !== this.yWidth) throw new Error(`${WHERE}: the last layer has ${width} units but the targets have ${this.yWidth} per row`);
    this.parts = this.layers.flatMap((l) => (l.bias ? [l.kernel, l.bias] : [l.kernel]));
    this.regularized = this.parts.some((p) => p.regularization.l1 !== 0 || p.regularization.l2 !== 0);
    this.xb = new Float64Array(batch * this.xWidth);
    this.yb = new Float64Array(batch * this.yWidth);
    const counter = cpu(spec.counter.handle, WHERE, 'counter').data;
    // The counter's four bytes hold a u32 (engine/counter.ts): viewed once, so a step reads it unboxed.
    this.counter = new Uint32Array(counter.buffer, counter.byteOffset, 1);
  }

  /** One step on rows order[(first + r) mod rows], r < batch. */
  run(order: Float32Array, first: number): void {
    this.gather(order, first);
    this.forward();
    this.lossAndDelta();
    this.backward();
    if (this.regularized) this.addPenalty();
    const step = this.counter[0];
    // Indexed loops here and below: a step must not create even an iterator.
    for (let k = 0; k < this.parts.length; k++) {
      const p = this.parts[k];
      updateParameter(this.spec.optimizer, step, p.values, p.grad, p.slot0, p.slot1, p.regularization, p.live);
    }
    this.counter[0] = step + 1;
  }

  get loss(): number {
    return this.lossOut[0];
  }

  private gather(order: Float32Array, first: number): void {
    const { x, y, rows } = this.data;
    const { xWidth, yWidth, xb, yb, batch } = this;
    for (let r = 0; r < batch; r++) {
      const row = order[(first + r) % rows];
      for (let j = 0; j < xWidth; j++) xb[r * xWidth + j] = x[row * xWidth + j];
      for (let j = 0; j < yWidth; j++) yb[r * yWidth + j] = y[row * yWidth + j];
    }
  }

  private forward(): void {
    let input = this.xb;
    for (let li = 0; li < this.layers.length; li++) {
      const l = this.layers[li];
      const { inputs, units, z, a } = l;
      const w = l.kernel.values;
      const bias = l.bias?.values;
      const kind = l.activation;
      // Dot products with the sum in a register: faster here than updating z row by row.
      for (let r = 0; r < this.batch; r++) {
        const row = r * inputs;
        for (let u = 0; u < units; u++) {
          let s = bias ? bias[u] : 0;
          for (let i = 0; i < inputs; i++) s += input[row + i] * w[i * units + u];
          z[r * units + u] = s;
          a[r * units + u] = activate(kind, s);
        }
      }
      input = a;
    }
  }

  /** The mean loss over every output element, and the last layer's δ = dL/dz. */
  private lossAndDelta(): void {
    const last = this.layers[this.layers.length - 1];
    const { a, z, delta, activation } = last;
    const count = a.length;
    if (this.spec.loss.kind === 'categorical_crossentropy') {
      // From logits (hostDenseStepObstacle refuses the rest): the last layer is linear, so δ = dL/da.
      categoricalRows(true, a, this.yb, delta, this.batch, count / this.batch, this.lossOut);
      this.lossOut[0] /= this.batch;
      return;
    }
    elementLosses(this.spec.loss.kind, this.spec.loss.fromLogits, a, this.yb, delta, count, this.lossOut);
    this.lossOut[0] /= count;
    for (let j = 0; j < count; j++) delta[j] *= activationSlope(activation, a[j], z[j]);
  }

  /** Every parameter's gradient, and each hidden layer's δ from the one above (before any update). */
  private backward(): void {
    const { batch } = this;
    for (let li = this.layers.length - 1; li >= 0; li--) {
      const l = this.layers[li];
      const below = li > 0 ? this.layers[li - 1] : null;
      const input = below ? below.a : this.xb;
      const { inputs, units, delta } = l;
      const gw = l.kernel.grad;
      const w = l.kernel.values;
      for (let i = 0; i < inputs; i++) {
        for (let u = 0; u < units; u++) {
          let s = 0;
          for (let r = 0; r < batch; r++) s += input[r * inputs + i] * delta[r * units + u];
          gw[i * units + u] = s;
        }
      }
      if (l.bias) {
        const gb = l.bias.grad;
        for (let u = 0; u < units; u++) {
          let s = 0;
          for (let r = 0; r < batch; r++) s += delta[r * units + u];
          gb[u] = s;
        }
      }
      if (!below) continue;
      const { a, z, activation } = below;
      for (let r = 0; r < batch; r++) {
        for (let i = 0; i < inputs; i++) {
          let s = 0;
          const row = i * units;
          for (let u = 0; u < units; u++) s += delta[r * units + u] * w[row + u];
          const at = r * inputs + i;
          below.delta[at] = s * activationSlope(activation, a[at], z[at]);
        }
      }
    }
  }

  /** Adds Σ l1·|w| + l2·w² over every parameter, before the update, to the loss. */
  private addPenalty(): void {
    let total = 0;
    for (let k = 0; k < this.parts.length; k++) {
      const { values, regularization: r } = this.parts[k];
      if (r.l1 === 0 && r.l2 === 0) continue;
      for (let i = 0; i < values.length; i++) total += r.l1 * Math.abs(values[i]) + r.l2 * values[i] * values[i];
    }
    this.lossOut[0] += total;
  }
}
