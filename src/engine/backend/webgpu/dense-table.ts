// The fused dense step's table (binding 1 of shaders/dense_step.wgsl), declared once: one layerRow per
// layer, then one segmentRow per parameter, in one flat array<u32> (the kernel has no storage binding to
// spare for a second table). The kernel reads a field as table[row start + LAYER_<FIELD>] (or
// SEGMENT_<FIELD>): override constants set from these declarations (tableConstants, in the kernel's spec),
// so no offset is written by hand on either side.
import { struct, type StructLayout, type StructValues, type Fields } from './struct-layout';

export const layerRow = struct('LayerRow', {
  inputs: 'u32',
  units: 'u32',
  activation: 'u32', // ACTIVATION_CODES, or SOFTMAX_CODE (the last layer only)
  kernel: 'u32', // offset in the parameter arena
  bias: 'u32', // offset in the parameter arena, NO_BIAS when the layer has none
  input: 'u32', // where the layer's input a sits in `work` (the first layer reads the training set)
  output: 'u32', // where its z, a and δ start in `work`
  param: 'u32', // the index of its kernel's segment (its bias's is the next)
});

/** A parameter's arena elements [start, end), its L1 and L2 factors (f32 bits) and 1 when it clips zero crossings. */
export const segmentRow = struct('SegmentRow', { start: 'u32', end: 'u32', l1: 'u32', l2: 'u32', clip: 'u32' });

/** The bias offset of a layer without one. */
export const NO_BIAS = 0xffffffff;

/** The uniform's live_slot when the model keeps no live mask. */
export const NO_LIVE_SLOT = 0xffffffff;

/** The table: every layer's row, then every segment's. */
export function denseTable(layers: readonly StructValues<typeof layerRow.fields>[], segments: readonly StructValues<typeof segmentRow.fields>[]): Uint32Array {
  const table = new Uint32Array(layers.length * layerRow.words + segments.length * segmentRow.words);
  layers.forEach((row, i) => layerRow.writeInto(table, i * layerRow.words, row));
  const start = layers.length * layerRow.words;
  segments.forEach((row, i) => segmentRow.writeInto(table, start + i * segmentRow.words, row));
  return table;
}

/** LAYER_WORDS, LAYER_INPUTS, …, SEGMENT_WORDS, SEGMENT_START, …, NO_BIAS, NO_LIVE_SLOT: the kernel's names for the table. */
export function tableConstants(): Record<string, number> {
  const named = <F extends Fields>(prefix: string, row: StructLayout<F>): Record<string, number> =>
    Object.fromEntries([[`${prefix}_WORDS`, row.words], ...Object.keys(row.fields).map((f) => [`${prefix}_${f.toUpperCase()}`, row.offsetOf(f)])]);
  return { ...named('LAYER', layerRow), ...named('SEGMENT', segmentRow), NO_BIAS, NO_LIVE_SLOT };
}
