// 2-D matmul op(a)·op(b) with the fused epilogue: + bias[n], then an activation.
import type { ActivationKind } from '../backend';
import { activationFn } from './elementwise';
import { CpuTensor, fmt } from './cpu-tensor';

export function matmul(
  a: CpuTensor,
  b: CpuTensor,
  transposeA: boolean,
  transposeB: boolean,
  bias?: CpuTensor,
  activation?: ActivationKind,
): CpuTensor {
  if (a.shape.length !== 2 || b.shape.length !== 2) {
    throw new Error(`matmul: expected 2-D tensors, got a ${fmt(a.shape)} and b ${fmt(b.shape)}`);
  }
  const [m, k] = transposeA ? [a.shape[1], a.shape[0]] : [a.shape[0], a.shape[1]];
  const [k2, n] = transposeB ? [b.shape[1], b.shape[0]] : [b.shape[0], b.shape[1]];
  if (k !== k2) {
    throw new Error(
      `matmul: inner dimensions differ: a ${fmt(a.shape)}${transposeA ? 'ᵀ' : ''} · b ${fmt(b.shape)}${transposeB ? 'ᵀ' : ''}`,
    );
  }
  if (bias && (bias.shape.length !== 1 || bias.shape[0] !== n)) {
    throw new Error(`matmul: bias ${fmt(bias.shape)} does not match ${n} output columns`);
  }
  const act = activationFn(activation ?? 'linear', 'matmul');
  // Element (i, p) of op(a) is ad[i*aRow + p*aCol]; element (p, j) of op(b) is bd[p*bRow + j*bCol].
  const aRow = transposeA ? 1 : k;
  const aCol = transposeA ? m : 1;
  const bRow = transposeB ? 1 : n;
  const bCol = transposeB ? k : 1;
  const ad = a.data;
  const bd = b.data;
  const out = new Float32Array(m * n);
  const acc = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    acc.fill(0);
    for (let p = 0; p < k; p++) {
      const av = ad[i * aRow + p * aCol];
      const bBase = p * bRow;
      for (let j = 0; j < n; j++) acc[j] += av * bd[bBase + j * bCol];
    }
    for (let j = 0; j < n; j++) out[i * n + j] = act(bias ? acc[j] + bias.data[j] : acc[j]);
  }
  return new CpuTensor([m, n], out);
}
