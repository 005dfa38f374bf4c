// The saved form of a model: architecture, compile config, weights and optimizer state (float32
// little-endian, base64), as plain JSON with a format name and version so later readers can tell what they hold.
// Version 2 added `optimizerState`; version 1 files still load (training then starts with fresh slots).
// The checker reads untrusted files: every error names the field (a JSON path) and what was expected.
export const MODEL_FORMAT = 'webgpu-nn-playground/sequential';
export const MODEL_FORMAT_VERSION = 2;
const READABLE_VERSIONS = [1, 2];

/** Larger files are refused before parsing: a browser tab cannot hold much more, and no playground model comes near. */
export const MAX_MODEL_BYTES = 256 * 2 ** 20;

/** One weight in Keras's order and layout: `${layer}/kernel` [in, out] or [kh, kw, inC, outC], then `${layer}/bias`. */
export interface WeightValue {
  name: string;
  shape: number[];
  values: Float32Array;
}

/** A named float32 array as stored in the file. */
export interface EncodedArray {
  name: string;
  shape: number[];
  base64: string;
}

/**
 * The optimizer's per-parameter slots (`${layer}/${param}/${slot}`, see optimizers.ts's SLOT_NAMES) and the
 * step counter (Adam's t, and the dropout masks' stream), so training continues exactly where it stopped.
 */
export interface OptimizerStateJSON {
  step: number;
  slots: EncodedArray[];
}

export interface ModelJSON {
  format: typeof MODEL_FORMAT;
  version: number;
  name: string;
  seed: number;
  layers: { type: string; config: Record<string, unknown> }[];
  compile: { optimizer: Record<string, unknown>; loss: string; metrics: string[] } | null;
  weights: EncodedArray[];
  /** Null when the model has not trained since compile (fresh slots). Absent in version 1. */
  optimizerState?: OptimizerStateJSON | null;
}

export function encodeFloat32(values: Float32Array): string {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export function decodeFloat32(base64: string, arg: string): Float32Array {
  let binary: string;
  try {
    binary = atob(base64);
  } catch {
    throw new Error(`${arg}: not valid base64`);
  }
  if (binary.length % 4 !== 0) throw new Error(`${arg}: ${binary.length} bytes is not a whole number of float32 values`);
  const view = new DataView(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) view.setUint8(i, binary.charCodeAt(i));
  return Float32Array.from({ length: binary.length / 4 }, (_, i) => view.getFloat32(i * 4, true));
}

export function encodeArray(w: WeightValue): EncodedArray {
  return { name: w.name, shape: w.shape.slice(), base64: encodeFloat32(w.values) };
}

/** The values of a checked array (checkModelJSON has verified that the base64 fills the shape); NaN or ±∞ throw. */
export function decodeArray(a: EncodedArray, where: string): WeightValue {
  const values = decodeFloat32(a.base64, `${where} "${a.name}"`);
  const bad = values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new Error(`${where} "${a.name}": value ${values[bad]} at flat index ${bad}; expected finite numbers (had training diverged when it was saved?)`);
  return { name: a.name, shape: a.shape, values };
}

/**
 * The parsed JSON (or JSON text) checked field by field, or an Error naming the field, what it holds and
 * what was expected. `where` prefixes messages (e.g. 'fromJSON', or 'lesson file: model').
 */
export function checkModelJSON(json: unknown, where = 'fromJSON', maxBytes = MAX_MODEL_BYTES): ModelJSON {
  const value = typeof json === 'string' ? parseJSONText(json, where, maxBytes) : json;
  const m = expectObject(value, where, 'a model JSON object (from model.toJSON()) or its text');
  if (m.format !== MODEL_FORMAT) throw new Error(`${where}: format is ${describe(m.format)}; expected "${MODEL_FORMAT}"`);
  if (!READABLE_VERSIONS.includes(m.version as number)) {
    throw new Error(`${where}: version ${describe(m.version)} is not supported; expected ${READABLE_VERSIONS.join(' or ')}`);
  }
  expectType(m.name, 'string', `${where}: name`);
  if (!Number.isInteger(m.seed)) throw new Error(`${where}: seed is ${describe(m.seed)}; expected an integer`);
  expectArray(m.layers, `${where}: layers`, 'a list of { type, config }').forEach((l, i) => {
    const layer = expectObject(l, `${where}: layers[${i}]`, '{ type, config }');
    expectType(layer.type, 'string', `${where}: layers[${i}].type`);
    expectObject(layer.config, `${where}: layers[${i}].config`, 'an object of layer options');
  });
  if (m.compile !== null) {
    const c = expectObject(m.compile, `${where}: compile`, '{ optimizer, loss, metrics } or null');
    expectObject(c.optimizer, `${where}: compile.optimizer`, '{ type, learningRate, ... }');
    expectType(c.loss, 'string', `${where}: compile.loss`);
    expectArray(c.metrics, `${where}: compile.metrics`, 'a list of metric names');
  }
  let floats = 0;
  expectArray(m.weights, `${where}: weights`, 'a list of { name, shape, base64 }').forEach((w, i) => (floats += checkEncoded(w, `${where}: weights[${i}]`)));
  if ((m.version as number) >= 2 && m.optimizerState !== null) {
    const s = expectObject(m.optimizerState, `${where}: optimizerState`, '{ step, slots } or null');
    if (!Number.isInteger(s.step) || (s.step as number) < 0) throw new Error(`${where}: optimizerState.step is ${describe(s.step)}; expected an integer ≥ 0`);
    expectArray(s.slots, `${where}: optimizerState.slots`, 'a list of { name, shape, base64 }').forEach(
      (w, i) => (floats += checkEncoded(w, `${where}: optimizerState.slots[${i}]`)),
    );
  }
  if (floats * 4 > maxBytes) throw new Error(`${where}: ${floats} float32 values (${floats * 4} bytes) exceed the limit of ${maxBytes} bytes`);
  return m as unknown as ModelJSON;
}

/** Checks one stored array; returns its value count. */
export function checkEncoded(value: unknown, where: string): number {
  const w = expectObject(value, where, '{ name, shape, base64 }');
  expectType(w.name, 'string', `${where}.name`);
  const shape = w.shape;
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new Error(`${where}.shape is ${describe(shape)}; expected a list of positive integers`);
  }
  expectType(w.base64, 'string', `${where}.base64`);
  const size = shape.reduce((n: number, d: number) => n * d, 1);
  const bytes = base64Bytes(w.base64 as string);
  if (bytes < 0) throw new Error(`${where} "${w.name}": base64 is not base64 text (A–Z, a–z, 0–9, +, /, = padding, a multiple of 4 characters)`);
  if (bytes !== size * 4) {
    throw new Error(`${where} "${w.name}": base64 holds ${bytes} bytes; expected ${size * 4} (${size} float32 values for shape [${shape.join(', ')}])`);
  }
  return size;
}

/** Decoded length of base64 text without decoding it (-1 when it is not base64). */
function base64Bytes(text: string): number {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return -1;
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  return (text.length / 4) * 3 - pad;
}

export function parseJSONText(text: string, where: string, maxBytes: number): unknown {
  // UTF-16 length bounds the byte count from below, which is what a size limit needs.
  if (text.length > maxBytes) throw new Error(`${where}: the file is ${text.length} characters; expected at most ${maxBytes} bytes`);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${where}: not valid JSON (${(e as Error).message})`);
  }
}

export function expectObject(value: unknown, where: string, expected: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${where} is ${describe(value)}; expected ${expected}`);
  return value as Record<string, unknown>;
}

export function expectArray(value: unknown, where: string, expected: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(`${where} is ${describe(value)}; expected ${expected}`);
  return value;
}

function expectType(value: unknown, type: 'string', where: string): void {
  if (typeof value !== type) throw new Error(`${where} is ${describe(value)}; expected a ${type}`);
}

/** A short description of a JSON value for messages: "missing", a number, a quoted string, "an array", ... */
export function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
