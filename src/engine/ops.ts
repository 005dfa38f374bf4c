// Differentiable ops. Each forward calls one backend kernel; its vector-Jacobian product sits right beside it.
import type {
  ActivationKind,
  BinaryOp,
  Conv2DInfo,
  LossInfo,
  MetricCountsInfo,
  Pool2DInfo,
  Shape,
  UnaryOp,
} from './backend/backend';
import { backend, result, Tensor, tracking } from './tensor';
import { broadcastShapes, normalizeAxes, shapeSize } from './shape';

const b = backend;

// ---- creation ----

export function tensor(values: ArrayLike<number>, shape: Shape, requiresGrad = false): Tensor {
  const data = values instanceof Float32Array ? values : Float32Array.from(values);
  if (data.length !== shapeSize(shape)) {
    throw new Error(`tensor: ${data.length} values do not fill shape [${shape.join(', ')}] (${shapeSize(shape)} expected)`);
  }
  return new Tensor(b().upload(data, shape), [], null, requiresGrad);
}

export function fill(shape: Shape, value: number): Tensor {
  return new Tensor(b().fill(shape, value));
}

/** Overwrite `target`'s values in place, on its own backend, after the work queued so far (plans that bind it read the new ones). */
export function write(target: Tensor, values: Float32Array): void {
  target.backend.write(target.handle, values);
}

export const zeros = (shape: Shape): Tensor => fill(shape, 0);
export const ones = (shape: Shape): Tensor => fill(shape, 1);

/** A trainable leaf: same storage as `t`, marked for gradients. */
export function variable(t: Tensor): Tensor {
  return new Tensor(t.handle, [], null, true);
}

// ---- element-wise ----

/** Sum `dy` over the axes that broadcasting added or stretched, so it matches `shape`. */
export function unbroadcast(dy: Tensor, shape: Shape): Tensor {
  if (dy.shape.length === shape.length && dy.shape.every((d, i) => d === shape[i])) return dy;
  const lead = dy.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < dy.rank; i++) if (i < lead || (shape[i - lead] === 1 && dy.shape[i] !== 1)) axes.push(i);
  const summed = axes.length ? sum(dy, axes, true) : dy;
  return reshape(summed, shape);
}

function binary(op: BinaryOp, x: Tensor, y: Tensor, vjp: (dy: Tensor, out: Tensor) => [Tensor | null, Tensor | null]): Tensor {
  broadcastShapes(x.shape, y.shape, op);
  const out: Tensor = result(b().binary(op, x.handle, y.handle), [x, y], (dy) => {
    const [dx, dyy] = vjp(dy, out);
    return [dx && unbroadcast(dx, x.shape), dyy && unbroadcast(dyy, y.shape)];
  });
  return out;
}

export const add = (x: Tensor, y: Tensor): Tensor => binary('add', x, y, (dy) => [dy, dy]);
export const sub = (x: Tensor, y: Tensor): Tensor => binary('sub', x, y, (dy) => [dy, neg(dy)]);
export const mul = (x: Tensor, y: Tensor): Tensor => binary('mul', x, y, (dy) => [mul(dy, y), mul(dy, x)]);
export const div = (x: Tensor, y: Tensor): Tensor =>
  binary('div', x, y, (dy, out) => [div(dy, y), neg(div(mul(dy, out), y))]);
/** x^y; the gradient with respect to y uses log(x) and so needs x > 0. */
export const pow = (x: Tensor, y: Tensor): Tensor =>
  binary('pow', x, y, (dy, out) => [
    mul(dy, mul(y, pow(x, sub(y, ones([]))))),
    y.requiresGrad || y.vjp ? mul(dy, mul(out, log(x))) : null,
  ]);
/** Ties send the gradient to x. */
export const maximum = (x: Tensor, y: Tensor): Tensor =>
  binary('maximum', x, y, (dy) => {
    const xWins = nonDiff('greater', x, y, 'equal');
    return [mul(dy, xWins), mul(dy, sub(ones([]), xWins))];
  });
export const minimum = (x: Tensor, y: Tensor): Tensor =>
  binary('minimum', x, y, (dy) => {
    const yWins = nonDiff('greater', x, y);
    return [mul(dy, sub(ones([]), yWins)), mul(dy, yWins)];
  });

/** 1 where x > y (or, with `orEqual`, x >= y), else 0; carries no gradient. */
function nonDiff(op: 'greater', x: Tensor, y: Tensor, orEqual?: 'equal'): Tensor {
  const gt = new Tensor(b().binary(op, x.handle, y.handle));
  if (!orEqual) return gt;
  // Tensors, not bare handles, so the enclosing tidy frees them.
  return new Tensor(b().binary('maximum', gt.handle, new Tensor(b().binary('equal', x.handle, y.handle)).handle));
}

export const equal = (x: Tensor, y: Tensor): Tensor => new Tensor(b().binary('equal', x.handle, y.handle));
export const greater = (x: Tensor, y: Tensor): Tensor => new Tensor(b().binary('greater', x.handle, y.handle));

function unary(op: UnaryOp, x: Tensor, vjp: (dy: Tensor, out: Tensor) => Tensor | null): Tensor {
  const out: Tensor = result(b().unary(op, x.handle), [x], (dy) => [vjp(dy, out)]);
  return out;
}

export const neg = (x: Tensor): Tensor => unary('neg', x, (dy) => neg(dy));
export const exp = (x: Tensor): Tensor => unary('exp', x, (dy, out) => mul(dy, out));
export const log = (x: Tensor): Tensor => unary('log', x, (dy) => div(dy, x));
export const sqrt = (x: Tensor): Tensor => unary('sqrt', x, (dy, out) => div(dy, mul(fill([], 2), out)));
export const abs = (x: Tensor): Tensor => unary('abs', x, (dy) => mul(dy, sign(x)));
/** Piecewise constant: zero gradient. */
export const sign = (x: Tensor): Tensor => unary('sign', x, () => null);
export const square = (x: Tensor): Tensor => unary('square', x, (dy) => mul(dy, mul(fill([], 2), x)));
export const reciprocal = (x: Tensor): Tensor => unary('reciprocal', x, (dy, out) => neg(mul(dy, mul(out, out))));

/** An element-wise activation; `step` has zero gradient by definition (inference-only demos). */
export function activation(kind: ActivationKind, x: Tensor): Tensor {
  if (kind === 'linear') return x;
  const out: Tensor = result(b().activation(kind, x.handle), [x], (dy) => [
    new Tensor(b().activationGrad(kind, out.handle, dy.handle, x.handle)),
  ]);
  return out;
}

/** Softmax over the last axis. dx = y ⊙ (dy − Σ dy⊙y). */
export function softmax(x: Tensor): Tensor {
  const out: Tensor = result(b().softmax(x.handle), [x], (dy) => {
    const dot = sum(mul(dy, out), [x.rank - 1], true);
    return [mul(out, sub(dy, dot))];
  });
  return out;
}

// ---- reductions ----

export function sum(x: Tensor, axes?: number | number[], keepDims = false): Tensor {
  const ax = normalizeAxes(axes, x.rank, 'sum');
  return result(b().reduce('sum', x.handle, ax, keepDims), [x], (dy) => [
    mul(reshape(dy, keptShape(x.shape, ax)), ones(x.shape)),
  ]);
}

export function mean(x: Tensor, axes?: number | number[], keepDims = false): Tensor {
  const ax = normalizeAxes(axes, x.rank, 'mean');
  const count = ax.reduce((n, a) => n * x.shape[a], 1);
  return result(b().reduce('mean', x.handle, ax, keepDims), [x], (dy) => [
    mul(reshape(dy, keptShape(x.shape, ax)), fill(x.shape, 1 / count)),
  ]);
}

/** The gradient goes to every element equal to the maximum. */
export function max(x: Tensor, axes?: number | number[], keepDims = false): Tensor {
  const ax = normalizeAxes(axes, x.rank, 'max');
  const out: Tensor = result(b().reduce('max', x.handle, ax, keepDims), [x], (dy) => {
    const kept = keptShape(x.shape, ax);
    const isMax = equal(x, reshape(out, kept));
    return [mul(isMax, reshape(dy, kept))];
  });
  return out;
}

function keptShape(shape: Shape, axes: number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

// ---- shape ----

export function reshape(x: Tensor, shape: Shape): Tensor {
  const resolved = resolveShape(shape, x.size);
  if (resolved.length === x.rank && resolved.every((d, i) => d === x.shape[i])) return x;
  return result(b().reshape(x.handle, resolved), [x], (dy) => [reshape(dy, x.shape)]);
}

function resolveShape(shape: Shape, size: number): number[] {
  const known = shape.reduce((n, d) => (d === -1 ? n : n * d), 1);
  const out = shape.map((d) => (d === -1 ? size / known : d));
  if (shapeSize(out) !== size || out.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new Error(`reshape: cannot reshape ${size} values to [${shape.join(', ')}]`);
  }
  return out;
}

export function transpose(x: Tensor, perm?: number[]): Tensor {
  const p = perm ?? x.shape.map((_, i) => x.rank - 1 - i);
  if (p.length !== x.rank || [...p].sort((a, c) => a - c).some((v, i) => v !== i)) {
    throw new Error(`transpose: perm [${p.join(', ')}] is not a permutation of ${x.rank} axes`);
  }
  const inverse = p.map((_, i) => p.indexOf(i));
  return result(b().transpose(x.handle, p), [x], (dy) => [transpose(dy, inverse)]);
}

export function slice(x: Tensor, begin: number[], size: number[]): Tensor {
  const sz = size.map((s, i) => (s === -1 ? x.shape[i] - begin[i] : s));
  if (begin.length !== x.rank || sz.length !== x.rank || sz.some((s, i) => begin[i] < 0 || s < 0 || begin[i] + s > x.shape[i])) {
    throw new Error(`slice: begin [${begin}] size [${size}] out of range for shape [${x.shape.join(', ')}]`);
  }
  return result(b().slice(x.handle, begin, sz), [x], (dy) => [
    pad(dy, x.shape.map((d, i) => [begin[i], d - begin[i] - sz[i]] as [number, number])),
  ]);
}

export function pad(x: Tensor, paddings: [number, number][]): Tensor {
  if (paddings.length !== x.rank) throw new Error(`pad: ${paddings.length} paddings for rank ${x.rank}`);
  return result(b().pad(x.handle, paddings), [x], (dy) => [
    slice(dy, paddings.map((p) => p[0]), x.shape.slice()),
  ]);
}

export function concat(xs: Tensor[], axis: number): Tensor {
  const rank = xs[0].rank;
  const ax = axis < 0 ? axis + rank : axis;
  for (const t of xs) {
    if (t.rank !== rank || t.shape.some((d, i) => i !== ax && d !== xs[0].shape[i])) {
      throw new Error(`concat: shapes ${xs.map((s) => `[${s.shape}]`).join(' ')} differ outside axis ${ax}`);
    }
  }
  return result(b().concat(xs.map((t) => t.handle), ax), xs, (dy) => {
    let offset = 0;
    return xs.map((t) => {
      const begin = t.shape.map((_, i) => (i === ax ? offset : 0));
      offset += t.shape[ax];
      return slice(dy, begin, t.shape.slice());
    });
  });
}

/** Rows of x chosen by `indices` (no gradient to the indices; used to cut batches). */
export function gatherRows(x: Tensor, indices: Tensor): Tensor {
  return new Tensor(b().gatherRows(x.handle, indices.handle));
}

// ---- linear algebra ----

/** op(x)·op(y) for 2-D tensors, with an optional fused bias add and activation. */
export function matmul(
  x: Tensor,
  y: Tensor,
  transposeA = false,
  transposeB = false,
  bias?: Tensor,
  act: ActivationKind = 'linear',
): Tensor {
  if (x.rank !== 2 || y.rank !== 2) throw new Error(`matmul: expected 2-D tensors, got [${x.shape}] and [${y.shape}]`);
  const k1 = transposeA ? x.shape[0] : x.shape[1];
  const k2 = transposeB ? y.shape[1] : y.shape[0];
  if (k1 !== k2) throw new Error(`matmul: inner dimensions differ: [${x.shape}]${transposeA ? 'ᵀ' : ''} · [${y.shape}]${transposeB ? 'ᵀ' : ''}`);
  const n = transposeB ? y.shape[0] : y.shape[1];
  if (bias && (bias.rank !== 1 || bias.shape[0] !== n)) throw new Error(`matmul: bias of shape [${bias.shape}] does not match ${n} outputs`);
  const inputs = bias ? [x, y, bias] : [x, y];
  const out: Tensor = result(
    b().matmul(x.handle, y.handle, transposeA, transposeB, bias?.handle, act === 'linear' ? undefined : act),
    inputs,
    (dy) => {
      // Through the activation first, then the linear part: z = op(x)·op(y) + bias.
      // swish's derivative needs z, so only it recomputes the pre-activation.
      const z = act === 'swish' ? new Tensor(b().matmul(x.handle, y.handle, transposeA, transposeB, bias?.handle)) : undefined;
      const dz = act === 'linear' ? dy : new Tensor(b().activationGrad(act, out.handle, dy.handle, z?.handle));
      const dx = transposeA ? matmul(y, dz, transposeB, true) : matmul(dz, y, false, !transposeB);
      const dw = transposeB ? matmul(dz, x, true, transposeA) : matmul(x, dz, !transposeA, false);
      return bias ? [dx, dw, sum(dz, [0])] : [dx, dw];
    },
  );
  return out;
}

// ---- convolution and pooling ----

/** 2-D convolution with the matmul's optional fused epilogue: + bias ([outC]), then the activation. */
export function conv2d(x: Tensor, w: Tensor, info: Conv2DInfo, bias?: Tensor, act: ActivationKind = 'linear'): Tensor {
  if (x.rank !== 4 || w.rank !== 4) throw new Error(`conv2d: expected NHWC input and [kh, kw, inC, outC] kernel, got [${x.shape}] and [${w.shape}]`);
  if (x.shape[3] !== w.shape[2]) throw new Error(`conv2d: input has ${x.shape[3]} channels, kernel expects ${w.shape[2]}`);
  if (bias && (bias.rank !== 1 || bias.shape[0] !== w.shape[3])) throw new Error(`conv2d: bias of shape [${bias.shape}] does not match ${w.shape[3]} filters`);
  const inputs = bias ? [x, w, bias] : [x, w];
  const out: Tensor = result(b().conv2d(x.handle, w.handle, info, bias?.handle, act === 'linear' ? undefined : act), inputs, (dy) => {
    // As in matmul: through the activation, then the linear part (swish recomputes its pre-activation).
    const z = act === 'swish' ? new Tensor(b().conv2d(x.handle, w.handle, info, bias?.handle)) : undefined;
    const dz = act === 'linear' ? dy : new Tensor(b().activationGrad(act, out.handle, dy.handle, z?.handle));
    // The input gradient is skipped where nothing needs it (a network's input images).
    const dx = x.requiresGrad || x.vjp ? new Tensor(b().conv2dBackpropInput(dz.handle, w.handle, x.shape, info)) : null;
    const dw = new Tensor(b().conv2dBackpropFilter(x.handle, dz.handle, w.shape, info));
    return bias ? [dx, dw, sum(dz, [0, 1, 2])] : [dx, dw];
  });
  return out;
}

export function pool2d(x: Tensor, info: Pool2DInfo): Tensor {
  if (x.rank !== 4) throw new Error(`${info.type}Pooling2d: expected NHWC input, got [${x.shape}]`);
  return result(b().pool2d(x.handle, info), [x], (dy) => [new Tensor(b().pool2dBackward(dy.handle, x.handle, info))]);
}

// ---- training ----

/** x ⊙ mask, with the mask drawn from (seed, step, index); the same mask scales the gradient. */
export function dropout(x: Tensor, rate: number, seed: number, step: Tensor): Tensor {
  if (!(rate >= 0 && rate < 1)) throw new Error(`dropout: rate must be in [0, 1), got ${rate}`);
  if (rate === 0) return x;
  const mask = new Tensor(b().dropoutMask(x.shape, rate, seed, step.handle));
  return mul(x, mask);
}

/** Mean loss as a scalar; its gradient comes from the same fused kernel pass. */
export function loss(info: LossInfo, pred: Tensor, target: Tensor): Tensor {
  const { loss: value, grad: g } = b().lossWithGrad(info, pred.handle, target.handle);
  // The gradient comes with the loss (one kernel); freed at once when no backward pass will use it.
  const gradient = new Tensor(g);
  if (!tracking([pred])) {
    gradient.dispose();
    return new Tensor(value);
  }
  return result(value, [pred], (dy) => [mul(gradient, dy)]);
}

/** A metric's counts or sums on the device (Backend.metricCounts): no gradient, a few numbers to read back. */
export function metricCounts(info: MetricCountsInfo, pred: Tensor, labels: Tensor, thresholds?: Tensor): Tensor {
  return new Tensor(b().metricCounts(info, pred.handle, labels.handle, thresholds?.handle));
}
