// The image datasets the app ships (public/data/), with what the page and the tests need to know of each.
// Files are written by `npm run data:images` (scripts/convert-images.ts); sha256 guards each one (a test
// recomputes it, and the loader checks it).
import type { MessageKey } from '../app/i18n/en';

export const IMAGE_DATASET_IDS = ['digits8', 'mnist', 'fashion'] as const;
export type ImageDatasetId = (typeof IMAGE_DATASET_IDS)[number];

export interface ImageDatasetInfo {
  id: ImageDatasetId;
  /** Path under the site's base (public/data/…). */
  file: string;
  sha256: string;
  height: number;
  width: number;
  train: number;
  test: number;
  /** Translation keys of the class names, class index order. */
  classNames: readonly MessageKey[];
}

const digitNames = Array.from({ length: 10 }, (_, d) => `imageClass.digit${d}` as MessageKey);

export const IMAGE_DATASETS: Readonly<Record<ImageDatasetId, ImageDatasetInfo>> = {
  digits8: {
    id: 'digits8',
    file: 'data/digits8.images.gz',
    sha256: '3adbd1594477581aa3b10cc32e870a3d516bcf49eda2676e8597d843fc179701',
    height: 8,
    width: 8,
    train: 1437,
    test: 360,
    classNames: digitNames,
  },
  mnist: {
    id: 'mnist',
    file: 'data/mnist.images.gz',
    sha256: 'c35133a4a8108fa305611615bd98e0a50ddcb5caea80d9e1be19381cf0cb27c5',
    height: 28,
    width: 28,
    train: 8000,
    test: 2000,
    classNames: digitNames,
  },
  fashion: {
    id: 'fashion',
    file: 'data/fashion.images.gz',
    sha256: '26a97d34ca2cc4838940c13679521ae701c9665824d26bf0e5f3a5bad20b7ff0',
    height: 28,
    width: 28,
    train: 12000,
    test: 2000,
    classNames: Array.from({ length: 10 }, (_, c) => `imageClass.fashion${c}` as MessageKey),
  },
};
