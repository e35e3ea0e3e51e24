import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  InvalidArgumentError,
  type NpyArray,
  npyToTensor,
  readNpy,
  ShapeError,
  tensorToNpy,
  writeNpy,
} from '../../src/core/index.js';
import { bytesOf, hex, npyArrays, numpyFile } from './npy-helpers.js';

const SEED = 0x4e50;

describe('readNpy and writeNpy', () => {
  it('round-trip every dtype bit for bit, in every header version', () => {
    fc.assert(
      fc.property(npyArrays, fc.constantFrom<1 | 2 | 3 | undefined>(1, 2, 3, undefined), (array, version) => {
        const bytes = writeNpy(array, version === undefined ? {} : { version });
        expect(bytes[6]).toBe(version ?? 1);
        const back = readNpy(bytes);
        expect(back.dtype).toBe(array.dtype);
        expect(back.shape).toEqual(array.shape);
        expect(back.data.constructor).toBe(array.data.constructor);
        expect(bytesOf(back.data)).toEqual(bytesOf(array.data));
      }),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('start the data on a 64-byte boundary, right after a newline', () => {
    fc.assert(
      fc.property(npyArrays, fc.constantFrom<1 | 2 | 3>(1, 2, 3), (array, version) => {
        const bytes = writeNpy(array, { version });
        const preamble = bytes.length - array.data.byteLength;
        expect(preamble % 64).toBe(0);
        expect(bytes[preamble - 1]).toBe(0x0a);
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('read from a byte buffer at an unaligned offset', () => {
    const file = writeNpy({ dtype: 'float64', shape: [3], data: Float64Array.of(1, -2.5, 1e-310) });
    const shifted = new Uint8Array(file.length + 3);
    shifted.set(file, 3);
    expect(readNpy(shifted.subarray(3)).data).toEqual(Float64Array.of(1, -2.5, 1e-310));
  });

  it('write version 2.0 when the header would not fit in version 1.0, and read it back', () => {
    const shape = new Array<number>(25_000).fill(1);
    const bytes = writeNpy({ dtype: 'float32', shape, data: Float32Array.of(7) });
    expect(bytes[6]).toBe(2);
    expect(new DataView(bytes.buffer).getUint32(8, true)).toBeGreaterThan(0xffff);
    expect(readNpy(bytes)).toEqual({ dtype: 'float32', shape, data: Float32Array.of(7) });
    expect(() => writeNpy({ dtype: 'float32', shape, data: Float32Array.of(7) }, { version: 1 })).toThrow(
      /over the 65535 of version 1\.0; write version 2/,
    );
  });
});

describe('numpy compatibility (byte fixtures from numpy.save)', () => {
  const fixtures: {
    name: string;
    array: NpyArray;
    version: 1 | 2 | 3;
    dict: string;
    preamble: number;
    data: number[];
  }[] = [
    {
      name: 'a float32 matrix (2, 3)',
      array: {
        dtype: 'float32',
        shape: [2, 3],
        data: Float32Array.of(1.5, -0, Infinity, -Infinity, 1e-45, 3.4e38),
      },
      version: 1,
      dict: "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
      preamble: 128,
      data: hex('0000c03f000000800000807f000080ff010000009ec97f7f'),
    },
    {
      name: 'a float64 scalar ()',
      array: { dtype: 'float64', shape: [], data: Float64Array.of(Math.PI) },
      version: 1,
      dict: "{'descr': '<f8', 'fortran_order': False, 'shape': (), }",
      preamble: 128,
      data: hex('182d4454fb210940'),
    },
    {
      name: 'a float64 matrix with -0 and a subnormal',
      array: { dtype: 'float64', shape: [2, 2], data: Float64Array.of(1.5, -0, Infinity, 5e-324) },
      version: 1,
      dict: "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }",
      preamble: 128,
      data: hex('000000000000f83f0000000000000080000000000000f07f0100000000000000'),
    },
    {
      name: 'a uint8 vector (5,)',
      array: { dtype: 'uint8', shape: [5], data: Uint8Array.of(0, 1, 127, 128, 255) },
      version: 1,
      dict: "{'descr': '|u1', 'fortran_order': False, 'shape': (5,), }",
      preamble: 128,
      data: [0, 1, 127, 128, 255],
    },
    {
      name: 'an empty bool matrix (0, 4)',
      array: { dtype: 'bool', shape: [0, 4], data: new Uint8Array(0) },
      version: 1,
      dict: "{'descr': '|b1', 'fortran_order': False, 'shape': (0, 4), }",
      preamble: 128,
      data: [],
    },
    {
      name: 'a header whose spare room for the first axis pushes it past 128 bytes',
      array: { dtype: 'uint8', shape: [0, ...new Array<number>(14).fill(3)], data: new Uint8Array(0) },
      version: 1,
      dict: `{'descr': '|u1', 'fortran_order': False, 'shape': (0${', 3'.repeat(14)}), }`,
      preamble: 192,
      data: [],
    },
    {
      name: 'a version 2.0 file',
      array: { dtype: 'bool', shape: [3], data: Uint8Array.of(1, 0, 1) },
      version: 2,
      dict: "{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }",
      preamble: 128,
      data: [1, 0, 1],
    },
    {
      name: 'a version 3.0 file',
      array: { dtype: 'float32', shape: [1, 1], data: Float32Array.of(-2) },
      version: 3,
      dict: "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1), }",
      preamble: 128,
      data: hex('000000c0'),
    },
  ];

  for (const { name, array, version, dict, preamble, data } of fixtures) {
    const file = numpyFile(version, dict, preamble, data);
    it(`reads ${name}`, () => {
      expect(readNpy(file)).toEqual(array);
    });
    it(`writes ${name} byte for byte as numpy does`, () => {
      expect(writeNpy(array, { version })).toEqual(file);
    });
  }

  it('the (2, 3) float32 preamble is the 128 bytes numpy writes, header length 118', () => {
    const file = writeNpy({ dtype: 'float32', shape: [2, 3], data: new Float32Array(6) });
    expect(file.length).toBe(128 + 24);
    expect(Buffer.from(file.subarray(0, 10)).toString('latin1')).toBe('\x93NUMPY\x01\x00v\x00');
  });

  it('reads big-endian >f4 and >f8 files, converting them to little endian', () => {
    const f4 = numpyFile(
      1,
      "{'descr': '>f4', 'fortran_order': False, 'shape': (3,), }",
      128,
      hex('3fc00000c0000000000116c2'),
    );
    expect(readNpy(f4)).toEqual({ dtype: 'float32', shape: [3], data: Float32Array.of(1.5, -2, 1e-40) });
    const f8 = numpyFile(
      1,
      "{'descr': '>f8', 'fortran_order': False, 'shape': (1,), }",
      128,
      hex('fff0000000000000'),
    );
    expect(readNpy(f8)).toEqual({ dtype: 'float64', shape: [1], data: Float64Array.of(-Infinity) });
  });

  it('parses any key order, double quotes, Python 2 longs, odd spacing and no trailing comma', () => {
    const variants = [
      "{'shape': (2, 1), 'fortran_order': False, 'descr': '|u1'}",
      '{"descr":"|u1","fortran_order":False,"shape":(2,1)}',
      "{ 'descr' : '|u1' , 'fortran_order' : False , 'shape' : ( 2L , 1L , ) , }",
      "\t{'descr': '|u1',\n 'fortran_order': False, 'shape': (2, 1)}",
    ];
    for (const dict of variants)
      expect(readNpy(numpyFile(1, dict, 128, [4, 9]))).toEqual({
        dtype: 'uint8',
        shape: [2, 1],
        data: Uint8Array.of(4, 9),
      });
  });
});
describe('writeNpy argument checks', () => {
  it('rejects data of the wrong typed array, length or values', () => {
    const wrongType = { dtype: 'float32', shape: [2], data: Float64Array.of(1, 2) } as unknown as NpyArray;
    expect(() => writeNpy(wrongType)).toThrow(InvalidArgumentError);
    expect(() => writeNpy(wrongType)).toThrow(/float32 array needs its data in a <f4 typed array/);
    expect(() => writeNpy({ dtype: 'uint8', shape: [2, 2], data: new Uint8Array(3) })).toThrow(ShapeError);
    expect(() => writeNpy({ dtype: 'bool', shape: [2], data: Uint8Array.of(0, 3) })).toThrow(
      /bool element 1 is 3/,
    );
    expect(() => writeNpy({ dtype: 'uint8', shape: [-1], data: new Uint8Array(0) })).toThrow(
      InvalidArgumentError,
    );
    expect(() => writeNpy({ dtype: 'uint8', shape: [1e21, 0], data: new Uint8Array(0) })).toThrow(
      /shape \[1e\+21, 0\] has a dimension over 2\^53 - 1/,
    );
    const unknown = { dtype: 'complex64', shape: [1], data: Float32Array.of(1, 0) } as unknown as NpyArray;
    expect(() => writeNpy(unknown)).toThrow(
      /dtype "complex64" is not one of float32, float64, uint8, bool, int8/,
    );
  });

  it('rejects versions other than 1, 2 and 3', () => {
    const array: NpyArray = { dtype: 'uint8', shape: [], data: Uint8Array.of(1) };
    expect(() => writeNpy(array, { version: 4 as 1 })).toThrow(/version 4 is not 1, 2 or 3/);
  });
});

describe('npyToTensor and tensorToNpy', () => {
  it('share float data and keep the dtype', () => {
    const data = Float64Array.of(1, 2, 3);
    const t = npyToTensor({ dtype: 'float64', shape: [3], data });
    expect(t.data).toBe(data);
    expect(t.shape).toEqual([3]);
    const back = tensorToNpy(t);
    expect(back).toEqual({ dtype: 'float64', shape: [3], data });
    expect(back.data).toBe(data);
  });

  it('convert to another float dtype on request', () => {
    const t = npyToTensor({ dtype: 'float64', shape: [2], data: Float64Array.of(0.1, 2) }, 'float32');
    expect(t.data).toEqual(Float32Array.of(0.1, 2));
  });

  it('turn uint8 and bool into float32 tensors of the same, unscaled values', () => {
    expect(npyToTensor({ dtype: 'uint8', shape: [1, 3], data: Uint8Array.of(0, 128, 255) })).toEqual({
      shape: [1, 3],
      data: Float32Array.of(0, 128, 255),
    });
    expect(npyToTensor({ dtype: 'bool', shape: [2], data: Uint8Array.of(1, 0) }, 'float64').data).toEqual(
      Float64Array.of(1, 0),
    );
  });

  it('round-trip a tensor through the file format', () => {
    const t = { shape: [2, 1, 2], data: Float32Array.of(-0, 1, Number.NaN, 1e-42) };
    expect(bytesOf(npyToTensor(readNpy(writeNpy(tensorToNpy(t)))).data)).toEqual(bytesOf(t.data));
  });

  it('reject a tensor whose data does not fill its shape', () => {
    expect(() => tensorToNpy({ shape: [2, 2], data: new Float32Array(3) })).toThrow(ShapeError);
  });
});
