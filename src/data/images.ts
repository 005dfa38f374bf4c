// Image datasets shipped with the app (public/data/*.images.gz), one compact binary format for all of them:
//   bytes 0–7   "NNIMAGES"
//   then nine little-endian u32: version (1), height, width, channels, classes, maxValue, trainCount, testCount, seed
//   then trainCount + testCount labels (u8), then as many images (u8 pixels, row-major, channels last)
// gzip-compressed. The split into training and test images is made once, by the committed conversion script
// (scripts/convert-images.ts), so every browser and every Node run trains on the same images.
// Decompressed with the platform's DecompressionStream (browsers and Node 18+), with progress while it loads.

export const IMAGE_MAGIC = 'NNIMAGES';
export const IMAGE_FORMAT_VERSION = 1;
const HEADER_BYTES = 8 + 9 * 4;

export interface ImageSet {
  height: number;
  width: number;
  channels: number;
  classes: number;
  /** The value of a full-intensity pixel (255 for MNIST and Fashion-MNIST, 16 for the 8×8 digits). */
  maxValue: number;
  /** The seed the conversion script split with (for the record). */
  seed: number;
  train: { count: number; labels: Uint8Array; pixels: Uint8Array };
  test: { count: number; labels: Uint8Array; pixels: Uint8Array };
}

export interface ImageSetHeader {
  height: number;
  width: number;
  channels: number;
  classes: number;
  maxValue: number;
  seed: number;
}

/** Writes the uncompressed binary (the conversion script gzips it). */
export function encodeImageSet(header: ImageSetHeader, train: { labels: Uint8Array; pixels: Uint8Array }, test: { labels: Uint8Array; pixels: Uint8Array }): Uint8Array {
  const size = header.height * header.width * header.channels;
  for (const [name, part] of [['train', train], ['test', test]] as const) {
    if (part.pixels.length !== part.labels.length * size) {
      throw new Error(`encodeImageSet: ${name} has ${part.labels.length} labels and ${part.pixels.length} pixels; expected ${part.labels.length * size}`);
    }
  }
  const count = train.labels.length + test.labels.length;
  const out = new Uint8Array(HEADER_BYTES + count + count * size);
  out.set(new TextEncoder().encode(IMAGE_MAGIC), 0);
  const view = new DataView(out.buffer);
  const fields = [IMAGE_FORMAT_VERSION, header.height, header.width, header.channels, header.classes, header.maxValue, train.labels.length, test.labels.length, header.seed];
  fields.forEach((v, i) => view.setUint32(8 + 4 * i, v, true));
  out.set(train.labels, HEADER_BYTES);
  out.set(test.labels, HEADER_BYTES + train.labels.length);
  out.set(train.pixels, HEADER_BYTES + count);
  out.set(test.pixels, HEADER_BYTES + count + train.pixels.length);
  return out;
}

/** Reads the uncompressed binary, checking every size against the header. */
export function decodeImageSet(bytes: Uint8Array, source = 'image file'): ImageSet {
  if (bytes.length < HEADER_BYTES || new TextDecoder().decode(bytes.subarray(0, 8)) !== IMAGE_MAGIC) {
    throw new Error(`${source}: not an image dataset; expected a file starting with "${IMAGE_MAGIC}"`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const [version, height, width, channels, classes, maxValue, trainCount, testCount, seed] = Array.from({ length: 9 }, (_, i) => view.getUint32(8 + 4 * i, true));
  if (version !== IMAGE_FORMAT_VERSION) throw new Error(`${source}: format version ${version}; expected ${IMAGE_FORMAT_VERSION}`);
  const size = height * width * channels;
  const count = trainCount + testCount;
  const expected = HEADER_BYTES + count + count * size;
  if (bytes.length !== expected) throw new Error(`${source}: ${bytes.length} bytes; expected ${expected} for ${count} images of ${height}×${width}×${channels}`);
  const labels = bytes.subarray(HEADER_BYTES, HEADER_BYTES + count);
  const bad = labels.findIndex((label) => label >= classes);
  if (bad !== -1) throw new Error(`${source}: image ${bad} has label ${labels[bad]}; expected a class in [0, ${classes})`);
  const pixels = bytes.subarray(HEADER_BYTES + count);
  return {
    height,
    width,
    channels,
    classes,
    maxValue,
    seed,
    train: { count: trainCount, labels: labels.subarray(0, trainCount), pixels: pixels.subarray(0, trainCount * size) },
    test: { count: testCount, labels: labels.subarray(trainCount), pixels: pixels.subarray(trainCount * size) },
  };
}

/** Hex SHA-256 of the bytes (Web Crypto: browsers in a secure context, Node 20). */
export async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Gunzips with the platform's DecompressionStream. */
export async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Loaded and total bytes of the compressed file (total 0 when the server does not say). */
export type LoadProgress = (loaded: number, total: number) => void;

async function readWithProgress(response: Response, onProgress?: LoadProgress): Promise<Uint8Array> {
  const total = Number(response.headers.get('content-length')) || 0;
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.length;
    onProgress?.(loaded, total);
  }
  const out = new Uint8Array(loaded);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/**
 * Fetches, checks and decodes a shipped image dataset. The checksum is checked where Web Crypto is available,
 * so a truncated or stale cached file is refused with a message instead of training on garbage.
 */
export async function fetchImageSet(url: string, expectedSha256?: string, onProgress?: LoadProgress): Promise<ImageSet> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url} answered ${response.status} ${response.statusText}`);
  const bytes = await readWithProgress(response, onProgress);
  // Servers that label a .gz file `Content-Encoding: gzip` (vite's dev and preview servers do) have the
  // browser gunzip it on the way: then the checksum of the compressed file cannot be taken, and the
  // decoder's checks of every size against the header are what guard the data.
  if (!isGzip(bytes)) return decodeImageSet(bytes, url);
  if (expectedSha256 && globalThis.crypto?.subtle) {
    const actual = await sha256(bytes);
    if (actual !== expectedSha256) throw new Error(`${url}: checksum ${actual.slice(0, 12)}…; expected ${expectedSha256.slice(0, 12)}… (a damaged or outdated file)`);
  }
  return decodeImageSet(await gunzip(bytes), url);
}

/** gzip's two magic bytes. */
function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Images [first, first + count) of a part as float32 NHWC in [0, 1], and their labels. */
export function imageBatch(set: ImageSet, part: 'train' | 'test', first = 0, count = set[part].count): { x: Float32Array; labels: Uint8Array; shape: [number, number, number, number] } {
  const size = set.height * set.width * set.channels;
  const end = Math.min(set[part].count, first + count);
  const pixels = set[part].pixels.subarray(first * size, end * size);
  const scale = 1 / set.maxValue;
  const x = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) x[i] = pixels[i] * scale;
  return { x, labels: set[part].labels.subarray(first, end), shape: [end - first, set.height, set.width, set.channels] };
}
