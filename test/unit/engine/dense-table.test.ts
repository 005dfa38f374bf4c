// The fused dense step's table: the words the host writes are where the kernel's named constants point,
// and the kernel declares exactly the constants its spec sets.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { denseTable, layerRow, NO_BIAS, segmentRow, tableConstants } from '../../../src/engine/backend/webgpu/dense-table';
import { KERNELS } from '../../../src/engine/backend/webgpu/kernels';

describe('dense_step table', () => {
  it('each field is read back at its named offset, layers then segments', () => {
    const layers = [0, 1].map((l) => ({ inputs: 10 + l, units: 20 + l, activation: 30 + l, kernel: 40 + l, bias: l ? NO_BIAS : 50, input: 60 + l, output: 70 + l, param: 80 + l }));
    const segments = [0, 1, 2].map((s) => ({ start: 100 + s, end: 200 + s, l1: 300 + s, l2: 400 + s, clip: s % 2 }));
    const table = denseTable(layers, segments);
    const c = tableConstants();
    expect(table.length).toBe(2 * c.LAYER_WORDS + 3 * c.SEGMENT_WORDS);
    layers.forEach((row, l) => {
      for (const [field, value] of Object.entries(row)) expect(table[l * c.LAYER_WORDS + c[`LAYER_${field.toUpperCase()}`]]).toBe(value);
    });
    segments.forEach((row, s) => {
      for (const [field, value] of Object.entries(row)) expect(table[2 * c.LAYER_WORDS + s * c.SEGMENT_WORDS + c[`SEGMENT_${field.toUpperCase()}`]]).toBe(value);
    });
    expect(() => denseTable([{ ...layers[0], extra: 1 } as never], [])).toThrow('WebGPU: LayerRow has no field "extra"');
    expect(Object.keys(layerRow.fields).length + Object.keys(segmentRow.fields).length + 4).toBe(Object.keys(c).length);
  });

  it('dense_step.wgsl declares an override for every constant its kernels set, and no other', () => {
    const wgsl = readFileSync(new URL('../../../shaders/dense_step.wgsl', import.meta.url), 'utf8');
    const declared = [...wgsl.matchAll(/^override (\w+)\s*:/gm)].map((m) => m[1]).sort();
    for (const kernel of [KERNELS.dense_step, KERNELS.dense_step_wide]) expect(Object.keys(kernel.constants ?? {}).sort()).toEqual(declared);
  });
});
