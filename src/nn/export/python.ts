// Python text both exporters share: literals, embedded float32 arrays, and the data loader.
import type { LossKind } from '../../engine/backend/backend';
import type { HostArray } from '../host-array';
import { encodeFloat32 } from '../serialization';
import type { ExportedModel } from './exported-model';

/** A Python literal for a JSON-like value (strings through JSON escapes, which Python reads the same). */
export function py(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`py: ${value} has no Python literal here`);
    return String(value);
  }
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(py).join(', ')}]`;
  throw new Error(`py: cannot write ${typeof value} as Python`);
}

/** A Python tuple literal of numbers (one element keeps its comma). */
export function pyTuple(values: readonly number[]): string {
  return values.length === 1 ? `(${values[0]},)` : `(${values.join(', ')})`;
}

/** `(shape, 'base64')`: how the scripts embed a float32 array (little-endian, as the model file stores it). */
export function pyArray(a: { shape: readonly number[]; values: Float32Array }): string {
  return `(${pyTuple(a.shape)}, '${encodeFloat32(a.values)}')`;
}

export const ARRAY_HELPER = `def _array(shape, text):
    """A float32 NumPy array from base64 little-endian bytes (how the playground stores numbers)."""
    return np.frombuffer(base64.b64decode(text), dtype='<f4').reshape(shape).copy()`;

/** A docstring line per layer, like model.summary(). */
export function layerTable(m: ExportedModel): string {
  const rows = m.layers.map((l) => [`${l.name} (${l.type})`, `(None, ${l.outputShape.join(', ')})`]);
  const width = Math.max(...rows.map((r) => r[0].length), 12) + 2;
  return rows.map(([a, b]) => `    ${a.padEnd(width)}${b}`).join('\n');
}

/** Python that turns class indices `labels` into the targets this loss takes. */
function targetsFromLabels(loss: LossKind | null, units: number): string {
  if (loss === 'sparse_categorical_crossentropy') return 'labels.astype(np.float32)';
  if (units === 1) return 'labels.astype(np.float32)[:, None]';
  return `np.eye(${units}, dtype=np.float32)[labels]`;
}

/** `load_data()`: x_train, y_train, x_test, y_test (NumPy float32; raw inputs, targets in the loss's form). */
export function dataSection(m: ExportedModel): string {
  const data = m.data;
  if (data === null) {
    return `DATA = None


def load_data():
    raise SystemExit('No data was exported with this model. Load your own arrays and call train(model, x, y) and report(model, x, y).')`;
  }
  if ('file' in data) {
    const locate = `    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), DATA_FILE)
    if not os.path.exists(path):
        raise SystemExit(f'{DATA_FILE} was not found next to this script: download it from the playground and put it here.')`;
    if (data.format === 'images') {
      return `DATA_FILE = ${py(data.file)}  # the playground's image set (its public/data/ folder): gzip of "NNIMAGES", nine little-endian u32, labels, pixels


def load_data():
    """The image set's training and test images, float32 NHWC in [0, 1] as the playground scales them, and their targets."""
    import gzip
    import struct
${locate.replace('download it from the playground and put it here.', `the playground serves it as data/${data.file} (public/data/ in its repository): put it here.`)}
    with gzip.open(path, 'rb') as f:
        raw = f.read()
    if raw[:8] != b'NNIMAGES':
        raise SystemExit(f'{DATA_FILE} is not a playground image set (it does not start with NNIMAGES).')
    version, height, width, channels, _, max_value, n_train, n_test, _ = struct.unpack('<9I', raw[8:44])
    if version != 1:
        raise SystemExit(f'{DATA_FILE}: image format version {version}; this script reads version 1.')
    count = n_train + n_test
    labels = np.frombuffer(raw, dtype=np.uint8, count=count, offset=44).astype(np.int64)
    pixels = np.frombuffer(raw, dtype=np.uint8, count=count * height * width * channels, offset=44 + count)
    x = pixels.astype(np.float32).reshape(count, height, width, channels) * np.float32(1 / max_value)
    y = ${targetsFromLabels(m.compile?.loss ?? null, m.outputShape[m.outputShape.length - 1])}
    return x[:n_train], y[:n_train], x[n_train:], y[n_train:]`;
    }
    if (data.format === 'npz') {
      return `DATA_FILE = ${py(data.file)}  # NumPy arrays x_train, y_train, x_test, y_test (targets as the loss takes them)


def load_data():
${locate}
    with np.load(path) as arrays:
        return tuple(arrays[k].astype(np.float32) if k in arrays else None for k in ('x_train', 'y_train', 'x_test', 'y_test'))`;
    }
    return `DATA_FILE = ${py(data.file)}  # the playground's table: header "count,nFeatures,className0,...", then features and class index per row
TEST_FRACTION = ${data.testFraction}


def load_data():
    """The table split at random (seeded) into training rows and TEST_FRACTION test rows."""
${locate}
    rows = np.loadtxt(path, delimiter=',', skiprows=1, ndmin=2)
    x = rows[:, :-1].astype(np.float32)
    labels = rows[:, -1].astype(np.int64)
    y = ${targetsFromLabels(m.compile?.loss ?? null, m.outputShape[m.outputShape.length - 1])}
    order = np.random.default_rng(SEED).permutation(len(x))
    n_test = int(round(len(x) * TEST_FRACTION))
    test, train = order[:n_test], order[n_test:]
    return x[train], y[train], x[test], y[test]`;
  }
  const entry = (a: HostArray | undefined): string => (a ? pyArray(a) : 'None');
  const inputs = m.preprocessing ? 'raw inputs (the model standardizes them itself)' : 'inputs';
  return `# The lesson's data: ${inputs} and targets as the loss takes them.
DATA = {
    'x_train': ${entry(data.train[0])},
    'y_train': ${entry(data.train[1])},
    'x_test': ${entry(data.test?.[0])},
    'y_test': ${entry(data.test?.[1])},
}


def load_data():
    """x_train, y_train, x_test, y_test as float32 NumPy arrays (the test pair is None when none was exported)."""
    return tuple(None if DATA[k] is None else _array(*DATA[k]) for k in ('x_train', 'y_train', 'x_test', 'y_test'))`;
}

/** The file name the page offers for a model's script. */
export function pythonFileName(modelName: string): string {
  return `${modelName.replace(/[^A-Za-z0-9_]/g, '_') || 'model'}.py`;
}
