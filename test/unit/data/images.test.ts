import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { IMAGE_DATASETS, IMAGE_DATASET_IDS } from '../../../src/data/image-datasets';
import { decodeImageSet, encodeImageSet, gunzip, imageBatch, sha256 } from '../../../src/data/images';

const shipped = (file: string): Uint8Array => new Uint8Array(readFileSync(new URL(`../../../public/${file}`, import.meta.url)));

describe('shipped image datasets', () => {
  for (const id of IMAGE_DATASET_IDS) {
    const info = IMAGE_DATASETS[id];
    it(`${id}: the file's checksum, sizes and labels are what the app expects`, async () => {
      const compressed = shipped(info.file);
      expect(await sha256(compressed)).toBe(info.sha256);
      const set = decodeImageSet(await gunzip(compressed), info.file);
      expect([set.height, set.width, set.channels, set.classes]).toEqual([info.height, info.width, 1, info.classNames.length]);
      expect([set.train.count, set.test.count]).toEqual([info.train, info.test]);
      // Every class in both parts; Fashion-MNIST's subset is balanced exactly.
      for (const part of [set.train, set.test]) {
        const counts = Array.from({ length: set.classes }, (_, c) => part.labels.filter((l) => l === c).length);
        expect(Math.min(...counts)).toBeGreaterThan(0);
        if (id === 'fashion') expect(new Set(counts).size).toBe(1);
      }
      expect(set.train.pixels.reduce((m, v) => Math.max(m, v), 0)).toBe(set.maxValue);
    });
  }
});

describe('image format', () => {
  const header = { height: 2, width: 2, channels: 1, classes: 3, maxValue: 255, seed: 1 };
  const train = { labels: Uint8Array.from([0, 2]), pixels: Uint8Array.from([0, 255, 10, 20, 30, 40, 50, 60]) };
  const test = { labels: Uint8Array.from([1]), pixels: Uint8Array.from([1, 2, 3, 4]) };

  it('round-trips and scales a batch to [0, 1] in NHWC', () => {
    const set = decodeImageSet(encodeImageSet(header, train, test));
    expect(Array.from(set.train.labels)).toEqual([0, 2]);
    expect(Array.from(set.test.pixels)).toEqual([1, 2, 3, 4]);
    const batch = imageBatch(set, 'train', 1, 5);
    expect(batch.shape).toEqual([1, 2, 2, 1]);
    expect(Array.from(batch.x)).toEqual([30, 40, 50, 60].map((v) => Math.fround(v * (1 / 255))));
  });

  it('refuses broken files, naming what is wrong', () => {
    const good = encodeImageSet(header, train, test);
    expect(() => decodeImageSet(new Uint8Array(10), 'x')).toThrow(/x: not an image dataset/);
    const version = good.slice();
    version[8] = 7;
    expect(() => decodeImageSet(version, 'x')).toThrow(/format version 7; expected 1/);
    expect(() => decodeImageSet(good.subarray(0, good.length - 1), 'x')).toThrow(/bytes; expected 59 for 3 images of 2×2×1/);
    const label = good.slice();
    label[44] = 9;
    expect(() => decodeImageSet(label, 'x')).toThrow(/image 0 has label 9; expected a class in \[0, 3\)/);
    expect(() => encodeImageSet(header, { labels: train.labels, pixels: test.pixels }, test)).toThrow(/train has 2 labels and 4 pixels; expected 8/);
  });
});
