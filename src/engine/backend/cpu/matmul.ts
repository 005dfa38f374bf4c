// 2-D matmul op(a)·op(b) with the fused epilogue: + bias[n], then an activation.
import type { ActivationKind } from '../backend';
import type { ArrayPool } from './array-pool';
import { activationFn } from './elementwise';
import { CpuTensor, fmt } from './cpu-tensor';

/** [m, k, n] of op(a)·op(b), or an Error naming the shapes; checks the bias against n. */
export function matmulDims(
  aShape: readonly number[],
  bShape: readonly number[],
  transposeA: boolean,
  transposeB: boolean,
  biasShape?: readonly number[],
): [number, number, number] {
  if (aShape.length !== 2 || bShape.length !== 2) {
    throw new Error(`matmul: expected 2-D tensors, got a ${fmt(aShape)} and b ${fmt(bShape)}`);
  }
  const [m, k] = transposeA ? [aShape[1], aShape[0]] : [aShape[0], aShape[1]];
  const [k2, n] = transposeB ? [bShape[1], bShape[0]] : [bShape[0], bShape[1]];
  if (k !== k2) {
    throw new Error(
      `matmul: inner dimensions differ: a ${fmt(aShape)}${transposeA ? 'ᵀ' : ''} · b ${fmt(bShape)}${transposeB ? 'ᵀ' : ''}`,
    );
  }
  if (biasShape && (biasShape.length !== 1 || biasShape[0] !== n)) {
    throw new Error(`matmul: bias ${fmt(biasShape)} does not match ${n} output columns`);
  }
  return [m, k, n];
}

export function matmul(
  pool: ArrayPool,
  a: CpuTensor,
  b: CpuTensor,
  transposeA: boolean,
  transposeB: boolean,
  bias?: CpuTensor,
  activation?: ActivationKind,
): CpuTensor {
  const [m, k, n] = matmulDims(a.shape, b.shape, transposeA, transposeB, bias?.shape);
  const act = activationFn(activation ?? 'linear', 'matmul');
  // Element (i, p) of op(a) is ad[i*aRow + p*aCol]; element (p, j) of op(b) is bd[p*bRow + j*bCol].
  const aRow = transposeA ? 1 : k;
  const aCol = transposeA ? m : 1;
  const bRow = transposeB ? 1 : n;
  const bCol = transposeB ? k : 1;
  const ad = a.data;
  const bd = b.data;
  const out = pool.take(m * n);
  const acc = pool.accumulator(n);
  for (let i = 0; i < m; i++) {
    acc.fill(0, 0, n);
    for (let p = 0; p < k; p++) {
      const av = ad[i * aRow + p * aCol];
      const bBase = p * bRow;
      for (let j = 0; j < n; j++) acc[j] += av * bd[bBase + j * bCol];
    }
    for (let j = 0; j < n; j++) out[i * n + j] = act(bias ? acc[j] + bias.data[j] : acc[j]);
  }
  return new CpuTensor([m, n], out);
}
