// The fused dense step's parameter table (binding 1 of shaders/dense_step.wgsl), declared once: one row of
// LAYER_FIELDS per layer, then one row of SEGMENT_FIELDS per parameter, u32 words. The kernel reads a field
// as table[row start + LAYER_<FIELD>] (or SEGMENT_<FIELD>), override constants set from these lists
// (tableConstants, in the kernel's spec), so the word positions live here only.

/**
 * inputs, units, activation code; kernel and bias offsets in the parameter arena (bias NO_BIAS: none);
 * input: where the layer's input a sits in `work` (the first layer reads the training set); output: where
 * its z, a and δ start in `work`; param: the index of its kernel's segment (its bias's is the next).
 */
export const LAYER_FIELDS = ['inputs', 'units', 'activation', 'kernel', 'bias', 'input', 'output', 'param'] as const;
/** A parameter's arena elements [start, end) and its L1 and L2 factors (f32 bits). */
export const SEGMENT_FIELDS = ['start', 'end', 'l1', 'l2'] as const;

export type LayerRow = Record<(typeof LAYER_FIELDS)[number], number>;
export type SegmentRow = Record<(typeof SEGMENT_FIELDS)[number], number>;

/** The bias offset of a layer without one. */
export const NO_BIAS = 0xffffffff;

/** The table: every layer's row, then every segment's. */
export function denseTable(layers: readonly LayerRow[], segments: readonly SegmentRow[]): Uint32Array {
  const table = new Uint32Array(layers.length * LAYER_FIELDS.length + segments.length * SEGMENT_FIELDS.length);
  layers.forEach((row, i) => table.set(LAYER_FIELDS.map((f) => row[f]), i * LAYER_FIELDS.length));
  const start = layers.length * LAYER_FIELDS.length;
  segments.forEach((row, i) => table.set(SEGMENT_FIELDS.map((f) => row[f]), start + i * SEGMENT_FIELDS.length));
  return table;
}

/** LAYER_WORDS, LAYER_INPUTS, …, SEGMENT_WORDS, SEGMENT_START, …, NO_BIAS: the kernel's names for the table. */
export function tableConstants(): Record<string, number> {
  const named = (prefix: string, fields: readonly string[]): Record<string, number> =>
    Object.fromEntries([[`${prefix}_WORDS`, fields.length], ...fields.map((f, i) => [`${prefix}_${f.toUpperCase()}`, i])]);
  return { ...named('LAYER', LAYER_FIELDS), ...named('SEGMENT', SEGMENT_FIELDS), NO_BIAS };
}
