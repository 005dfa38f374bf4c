// The saved form of a model: architecture, compile config and weights (float32 little-endian, base64),
// as plain JSON with a format name and version so later readers can tell what they hold.
export const MODEL_FORMAT = 'webgpu-nn-playground/sequential';
export const MODEL_FORMAT_VERSION = 1;

/** One weight in Keras's order and layout: `${layer}/kernel` [in, out] or [kh, kw, inC, outC], then `${layer}/bias`. */
export interface WeightValue {
  name: string;
  shape: number[];
  values: Float32Array;
}

export interface ModelJSON {
  format: typeof MODEL_FORMAT;
  version: number;
  name: string;
  seed: number;
  layers: { type: string; config: Record<string, unknown> }[];
  compile: Record<string, unknown> | null;
  weights: { name: string; shape: number[]; base64: string }[];
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

/** The parsed JSON checked for format and version, or an Error saying what was expected. */
export function checkModelJSON(json: unknown): ModelJSON {
  const value = typeof json === 'string' ? parse(json) : json;
  if (typeof value !== 'object' || value === null) throw new Error('fromJSON: expected a model JSON object or string');
  const m = value as Partial<ModelJSON>;
  if (m.format !== MODEL_FORMAT) throw new Error(`fromJSON: format is ${JSON.stringify(m.format)}; expected "${MODEL_FORMAT}"`);
  if (m.version !== MODEL_FORMAT_VERSION) throw new Error(`fromJSON: version ${JSON.stringify(m.version)} is not supported; expected ${MODEL_FORMAT_VERSION}`);
  if (!Array.isArray(m.layers) || !Array.isArray(m.weights)) throw new Error('fromJSON: expected "layers" and "weights" arrays');
  return m as ModelJSON;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`fromJSON: not valid JSON (${(e as Error).message})`);
  }
}
