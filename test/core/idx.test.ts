import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  FormatError,
  IDX_TYPES,
  type IdxArray,
  type IdxType,
  InvalidArgumentError,
  NotFoundError,
  readIdx,
  readIdxFile,
  ShapeError,
  writeIdx,
} from '../../src/core/index.js';

const SEED = 0x1d8;

const bytesOf = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

const TYPES = Object.keys(IDX_TYPES) as IdxType[];

/** Any IDX array: every type, shapes of 0 to 4 dimensions (zero sizes included), any bit pattern. */
const idxArrays: fc.Arbitrary<IdxArray> = fc
  .tuple(fc.constantFrom(...TYPES), fc.array(fc.nat({ max: 4 }), { maxLength: 4 }))
  .chain(([type, shape]) => {
    const n = shape.reduce((a, b) => a * b, 1) * IDX_TYPES[type].itemSize;
    return fc.uint8Array({ minLength: n, maxLength: n }).map((raw) => {
      const buffer = raw.slice().buffer;
      const data = {
        uint8: () => new Uint8Array(buffer),
        int8: () => new Int8Array(buffer),
        int16: () => new Int16Array(buffer),
        int32: () => new Int32Array(buffer),
        float32: () => new Float32Array(buffer),
        float64: () => new Float64Array(buffer),
      }[type]();
      return { type, shape, data } as IdxArray;
    });
  });

/** The labels file header of MNIST's test split: uint8, one dimension of 10,000. */
const MNIST_LABELS_HEADER = [0x00, 0x00, 0x08, 0x01, 0x00, 0x00, 0x27, 0x10];

describe('readIdx and writeIdx', () => {
  it('round-trip every type bit for bit', () => {
    fc.assert(
      fc.property(idxArrays, (array) => {
        const bytes = writeIdx(array);
        expect(bytes[2]).toBe(IDX_TYPES[array.type].code);
        expect(bytes[3]).toBe(array.shape.length);
        const back = readIdx(bytes);
        expect(back.type).toBe(array.type);
        expect(back.shape).toEqual(array.shape);
        expect(back.data.constructor).toBe(array.data.constructor);
        expect(bytesOf(back.data)).toEqual(bytesOf(array.data));
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('use the type codes of the format', () => {
    expect(Object.fromEntries(TYPES.map((t) => [t, IDX_TYPES[t].code]))).toEqual({
      uint8: 0x08,
      int8: 0x09,
      int16: 0x0b,
      int32: 0x0c,
      float32: 0x0d,
      float64: 0x0e,
    });
  });

  it('write big-endian dimensions and data', () => {
    const bytes = writeIdx({ type: 'int16', shape: [2, 1], data: Int16Array.of(-2, 0x0102) });
    expect([...bytes]).toEqual([0, 0, 0x0b, 2, 0, 0, 0, 2, 0, 0, 0, 1, 0xff, 0xfe, 0x01, 0x02]);
  });

  it('read a file in the layout of MNIST', () => {
    const labels = [7, 2, 1, 0, 4, 1, 4, 9];
    const file = Uint8Array.of(0, 0, 0x08, 0x03, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2, ...labels);
    expect(readIdx(file)).toEqual({ type: 'uint8', shape: [2, 2, 2], data: Uint8Array.from(labels) });
  });

  it('read big-endian floats and signed integers', () => {
    const f64 = Uint8Array.of(
      0,
      0,
      0x0e,
      1,
      0,
      0,
      0,
      2,
      0xbf,
      0xf8,
      0,
      0,
      0,
      0,
      0,
      0,
      0x7f,
      0xf0,
      0,
      0,
      0,
      0,
      0,
      0,
    );
    expect(readIdx(f64).data).toEqual(Float64Array.of(-1.5, Infinity));
    const i32 = Uint8Array.of(0, 0, 0x0c, 1, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xfe);
    expect(readIdx(i32).data).toEqual(Int32Array.of(-2));
    const i8 = Uint8Array.of(0, 0, 0x09, 1, 0, 0, 0, 2, 0x80, 0x7f);
    expect(readIdx(i8).data).toEqual(Int8Array.of(-128, 127));
  });
});

describe('malformed IDX files', () => {
  it('every proper prefix of a valid file is a FormatError', () => {
    fc.assert(
      fc.property(idxArrays, (array) => {
        const bytes = writeIdx(array);
        for (let n = 0; n < bytes.length; n++)
          expect(() => readIdx(bytes.subarray(0, n))).toThrow(FormatError);
      }),
      { seed: SEED, numRuns: 100 },
    );
  });

  it('names the part that is truncated', () => {
    expect(() => readIdx(Uint8Array.of(0, 0, 8))).toThrow(/truncated magic number \(3 of 4 bytes\)/);
    expect(() => readIdx(Uint8Array.from(MNIST_LABELS_HEADER).subarray(0, 6))).toThrow(
      /truncated dimensions: 1 dimensions need 8 header bytes, the file has 6/,
    );
    expect(() => readIdx(Uint8Array.from(MNIST_LABELS_HEADER))).toThrow(
      /truncated data: shape \[10000\] of uint8 needs 10000 bytes, the file holds 0/,
    );
  });

  it('rejects a bad magic number', () => {
    for (const first of [
      [1, 0],
      [0, 1],
      [0x1f, 0x8b],
    ]) {
      const bad = Uint8Array.of(...first, 0x08, 0x01, 0, 0, 0, 0);
      expect(() => readIdx(bad)).toThrow(FormatError);
      expect(() => readIdx(bad)).toThrow(/bad magic: an IDX file starts with two zero bytes/);
    }
  });

  it('rejects unknown type codes, listing the known ones', () => {
    for (const code of [0x00, 0x07, 0x0a, 0x0f, 0xff]) {
      const bad = Uint8Array.of(0, 0, code, 0, 0);
      expect(() => readIdx(bad)).toThrow(FormatError);
      expect(() => readIdx(bad)).toThrow(
        new RegExp(
          `unknown type code 0x${code.toString(16).padStart(2, '0')}; known codes: 0x08 \\(uint8\\)`,
        ),
      );
    }
  });

  it('rejects trailing bytes', () => {
    const bytes = writeIdx({ type: 'int32', shape: [2], data: Int32Array.of(1, 2) });
    const longer = Uint8Array.of(...bytes, 0, 0, 0);
    expect(() => readIdx(longer)).toThrow(FormatError);
    expect(() => readIdx(longer)).toThrow(/3 trailing bytes after the 8 bytes of shape \[2\] of int32/);
  });

  it('checks absurd sizes against the bytes at hand before allocating', () => {
    const huge = Uint8Array.of(0, 0, 0x0e, 3, ...[0xff, 0xff, 0xff, 0xff].flatMap((b) => [b, b, b]), 1, 2);
    expect(huge.length).toBe(18);
    expect(() => readIdx(huge)).toThrow(
      /truncated data: shape \[4294967295, 4294967295, 4294967295\] of float64/,
    );
  });

  it('rejects input that is not a Uint8Array', () => {
    expect(() => readIdx('0000' as unknown as Uint8Array)).toThrow(InvalidArgumentError);
  });
});

describe('writeIdx argument checks', () => {
  it('rejects data that does not match the type or the shape', () => {
    expect(() =>
      writeIdx({ type: 'int16', shape: [1], data: Int32Array.of(1) } as unknown as IdxArray),
    ).toThrow(/int16 array needs its data in the matching typed array/);
    expect(() => writeIdx({ type: 'uint8', shape: [3], data: new Uint8Array(2) })).toThrow(ShapeError);
    expect(() =>
      writeIdx({ type: 'uint16', shape: [], data: new Uint16Array(1) } as unknown as IdxArray),
    ).toThrow(/type "uint16" is not one of uint8, int8, int16, int32, float32, float64/);
  });

  it('rejects shapes the format cannot hold', () => {
    expect(() =>
      writeIdx({ type: 'uint8', shape: new Array<number>(256).fill(1), data: Uint8Array.of(0) }),
    ).toThrow(/at most 255 dimensions/);
    expect(() => writeIdx({ type: 'uint8', shape: [2 ** 32, 0], data: new Uint8Array(0) })).toThrow(
      InvalidArgumentError,
    );
  });
});

describe('readIdxFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'provlrp-idx-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const array: IdxArray = { type: 'float32', shape: [2, 2], data: Float32Array.of(0.5, -0, Infinity, 3) };

  it('reads raw and gzipped files alike', () => {
    writeFileSync(join(dir, 'raw-idx1-ubyte'), writeIdx(array));
    writeFileSync(join(dir, 'packed-idx1-ubyte.gz'), gzipSync(writeIdx(array)));
    expect(readIdxFile(join(dir, 'raw-idx1-ubyte'))).toEqual(array);
    expect(readIdxFile(join(dir, 'packed-idx1-ubyte.gz'))).toEqual(array);
  });

  it('names the file in its errors', () => {
    const truncated = join(dir, 'truncated-idx1-ubyte');
    writeFileSync(truncated, writeIdx(array).subarray(0, 20));
    expect(() => readIdxFile(truncated)).toThrow(FormatError);
    expect(() => readIdxFile(truncated)).toThrow(`idx: ${truncated}: truncated data`);
    const corruptGzip = join(dir, 'corrupt.gz');
    writeFileSync(corruptGzip, gzipSync(writeIdx(array)).subarray(0, 15));
    expect(() => readIdxFile(corruptGzip)).toThrow(new RegExp(`${corruptGzip}: corrupt gzip stream`));
    expect(() => readIdxFile(join(dir, 'missing'))).toThrow(NotFoundError);
  });
});
