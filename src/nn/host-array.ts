// Data as the user gives it (nested number arrays or { shape, values }) turned into one flat
// Float32Array with a shape, checked for raggedness and non-finite values on the way.

/** A dense row-major array on the host: what predict, layerOutputs and getWeights hand back. */
export interface HostArray {
  shape: number[];
  values: Float32Array;
}

export type NestedNumbers = number | readonly NestedNumbers[];
export type ArrayInput = readonly NestedNumbers[] | { shape: readonly number[]; values: ArrayLike<number> };

export function formatShape(shape: readonly (number | null)[]): string {
  return `[${shape.map((d) => (d === null ? 'N' : d)).join(', ')}]`;
}

/** The input as a HostArray, or an Error naming `arg` and what was expected. */
export function toHostArray(input: unknown, arg: string): HostArray {
  const out = isShaped(input) ? fromShaped(input, arg) : fromNested(input, arg);
  const bad = out.values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    const row = out.shape.length > 1 ? ` (row ${Math.floor(bad / (out.values.length / out.shape[0]))})` : '';
    throw new Error(`${arg}: value ${out.values[bad]} at flat index ${bad}${row}; expected finite numbers (no NaN or Infinity)`);
  }
  return out;
}

function isShaped(input: unknown): input is { shape: readonly number[]; values: ArrayLike<number> } {
  return typeof input === 'object' && input !== null && !Array.isArray(input) && 'shape' in input && 'values' in input;
}

function fromShaped(input: { shape: readonly number[]; values: ArrayLike<number> }, arg: string): HostArray {
  const shape = Array.from(input.shape);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new Error(`${arg}.shape: expected non-negative integers, got ${formatShape(shape)}`);
  const size = shape.reduce((n, d) => n * d, 1);
  if (input.values.length !== size) {
    throw new Error(`${arg}: ${input.values.length} values do not fill shape ${formatShape(shape)} (${size} expected)`);
  }
  const values = input.values instanceof Float32Array ? input.values.slice() : Float32Array.from(input.values);
  return { shape, values };
}

function fromNested(input: unknown, arg: string): HostArray {
  if (!Array.isArray(input)) {
    throw new Error(`${arg}: expected a nested array of numbers or { shape, values }, got ${describe(input)}`);
  }
  const shape: number[] = [];
  for (let level: unknown = input; Array.isArray(level); level = level[0]) {
    shape.push(level.length);
    if (level.length === 0) break;
  }
  const size = shape.reduce((n, d) => n * d, 1);
  const values = new Float32Array(size);
  let k = 0;
  const walk = (node: unknown, depth: number, path: string): void => {
    if (depth === shape.length) {
      if (typeof node !== 'number') throw new Error(`${arg}${path}: expected a number, got ${describe(node)}`);
      values[k++] = node;
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[depth]) {
      throw new Error(`${arg}${path}: ragged array; expected ${shape[depth]} entries at depth ${depth}, got ${describe(node)}`);
    }
    node.forEach((child, i) => walk(child, depth + 1, `${path}[${i}]`));
  };
  walk(input, 0, '');
  return { shape, values };
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (typeof v === 'number') return String(v);
  return typeof v === 'object' ? (v === null ? 'null' : 'an object') : typeof v;
}

/** Rows [begin, end) of a HostArray whose first axis is the batch. */
export function sliceRows(a: HostArray, begin: number, end: number): HostArray {
  const rowSize = a.shape.slice(1).reduce((n, d) => n * d, 1);
  return { shape: [end - begin, ...a.shape.slice(1)], values: a.values.slice(begin * rowSize, end * rowSize) };
}

/** One-hot rows [labels.length, numClasses] from integer class indices (Keras's to_categorical). */
export function toCategorical(labels: ArrayLike<number>, numClasses: number): HostArray {
  if (!Number.isInteger(numClasses) || numClasses < 1) throw new Error(`toCategorical: numClasses must be a positive integer, got ${numClasses}`);
  const values = new Float32Array(labels.length * numClasses);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i];
    if (!Number.isInteger(c) || c < 0 || c >= numClasses) {
      throw new Error(`toCategorical: label ${c} at index ${i} is not a class index in [0, ${numClasses})`);
    }
    values[i * numClasses + c] = 1;
  }
  return { shape: [labels.length, numClasses], values };
}
