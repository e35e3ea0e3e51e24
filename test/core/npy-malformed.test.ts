import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FormatError,
  InvalidArgumentError,
  readNpy,
  UnsupportedError,
  writeNpy,
} from '../../src/core/index.js';
import { npyArrays, numpyFile } from './npy-helpers.js';

const SEED = 0x4e52;

describe('malformed .npy files', () => {
  const valid = writeNpy({ dtype: 'float32', shape: [2, 3], data: Float32Array.of(1, 2, 3, 4, 5, 6) });
  const withDict = (dict: string, data: number[] = []) => numpyFile(1, dict, 128, data);

  it('every proper prefix of a valid file is a FormatError', () => {
    fc.assert(
      fc.property(npyArrays, fc.constantFrom<1 | 2 | 3>(1, 2, 3), (array, version) => {
        const bytes = writeNpy(array, { version });
        for (let n = 0; n < bytes.length; n++)
          expect(() => readNpy(bytes.subarray(0, n))).toThrow(FormatError);
      }),
      { seed: SEED, numRuns: 60 },
    );
  });

  it('names the cause of a truncation', () => {
    expect(() => readNpy(valid.subarray(0, 9))).toThrow(/truncated preamble/);
    expect(() => readNpy(valid.subarray(0, 100))).toThrow(
      /truncated header: it declares 118 bytes but only 90/,
    );
    expect(() => readNpy(valid.subarray(0, 130))).toThrow(
      /data too short: shape \[2, 3\] of '<f4' needs 24 bytes, the file holds 2/,
    );
  });

  it('rejects data longer than the shape says', () => {
    const longer = new Uint8Array(valid.length + 4);
    longer.set(valid);
    expect(() => readNpy(longer)).toThrow(FormatError);
    expect(() => readNpy(longer)).toThrow(/data too long.*needs 24 bytes, the file holds 28/);
  });

  it('rejects a bad magic string', () => {
    for (let i = 0; i < 6; i++) {
      const bad = valid.slice();
      bad[i] = (bad[i] ?? 0) ^ 0x20;
      expect(() => readNpy(bad)).toThrow(FormatError);
      expect(() => readNpy(bad)).toThrow(/bad magic.*\.npy file/);
    }
    expect(() => readNpy(Buffer.from('PK\x03\x04 a zip archive'))).toThrow(/bad magic/);
  });

  it('rejects unknown versions', () => {
    for (const [major, minor] of [
      [0, 0],
      [4, 0],
      [1, 1],
      [255, 255],
    ] as const) {
      const bad = valid.slice();
      bad[6] = major;
      bad[7] = minor;
      expect(() => readNpy(bad)).toThrow(FormatError);
      expect(() => readNpy(bad)).toThrow(
        new RegExp(`unknown version ${major}\\.${minor}; supported versions: 1\\.0, 2\\.0, 3\\.0`),
      );
    }
  });

  it('rejects malformed header dicts with the reason', () => {
    const cases: [string, RegExp][] = [
      ['', /expected '\{' but found the end/],
      ["'descr': '<f4'", /expected '\{'/],
      ["{'descr': '<f4', 'fortran_order': False}", /keys are \[descr, fortran_order\], expected exactly/],
      ["{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'extra': 1}", /expected exactly/],
      ["{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': ()}", /key 'descr' appears twice/],
      ["{'descr': '<f4', 'fortran_order': False, 'shape': (1)}", /'shape' is not a tuple/],
      ["{'descr': '<f4', 'fortran_order': False, 'shape': (-1,)}", /negative dimension -1/],
      ["{'descr': '<f4', 'fortran_order': False, 'shape': (2.5,)}", /expected ',' or '\)' in the shape/],
      ["{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,)}", /too large/],
      ["{'descr': '<f4', 'fortran_order': 'no', 'shape': ()}", /'fortran_order' is not True or False/],
      ["{'descr': 4, 'fortran_order': False, 'shape': ()}", /'descr' is not a string/],
      ["{'descr': '<f4, 'fortran_order': False, 'shape': ()}", /expected ',' or '\}'/],
      ["{'descr': '<f4', 'fortran_order': False, 'shape': ()} trailing", /unexpected text after the dict/],
      ["{'descr': '<f4' 'fortran_order': False, 'shape': ()}", /expected ',' or '\}'/],
      ["{'descr': '<f4', 'fortran_order': None, 'shape': ()}", /expected a string, True, False or a tuple/],
      ["{descr: '<f4', 'fortran_order': False, 'shape': ()}", /expected a quoted key/],
      ["{'descr': '<f4', 'fortran_order': False, 'shape': (", /expected an integer/],
      ["{'descr", /line break inside a string/],
    ];
    for (const [dict, message] of cases) {
      const file = withDict(dict);
      expect(() => readNpy(file), dict).toThrow(FormatError);
      expect(() => readNpy(file), dict).toThrow(/malformed header/);
      expect(() => readNpy(file), dict).toThrow(message);
    }
  });

  it('rejects a header that ends inside a string', () => {
    const file = Uint8Array.of(0x93, ...Buffer.from('NUMPY'), 1, 0, 7, 0, ...Buffer.from("{'descr"));
    expect(() => readNpy(file)).toThrow(/malformed header "\{'descr": unterminated string at character 7/);
  });

  it('rejects a version 3.0 header that is not utf-8', () => {
    const file = numpyFile(3, "{'descr': '<f4', 'fortran_order': False, 'shape': (), }", 128, [0, 0, 0, 0]);
    file[12 + 15] = 0xff;
    expect(() => readNpy(file)).toThrow(/not valid utf-8/);
  });

  it('refuses Fortran-order arrays, saying to save in C order', () => {
    const file = withDict("{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }", [0, 0, 0, 0]);
    expect(() => readNpy(file)).toThrow(UnsupportedError);
    expect(() => readNpy(file)).toThrow(/Fortran order; save it in C order/);
  });

  it('refuses unsupported dtypes, naming the dtype and the supported ones', () => {
    for (const descr of ['<f2', '|O', '<c16', '|f4', '|i4', '<U3', '<i3', '<M8'])
      expect(
        () => readNpy(withDict(`{'descr': '${descr}', 'fortran_order': False, 'shape': (), }`)),
        descr,
      ).toThrow(
        new RegExp(
          `dtype '${descr.replace(/[|]/g, '\\|')}' is not supported; supported dtypes: '<f4', '<f8', '\\|u1', '\\|b1', integers`,
        ),
      );
    const structured = withDict("{'descr': [('x', '<f4')], 'fortran_order': False, 'shape': (), }");
    expect(() => readNpy(structured)).toThrow(UnsupportedError);
    expect(() => readNpy(structured)).toThrow(/structured dtypes/);
  });

  it('reads integers as numpy saves them by default (int64) and native-order descriptors', () => {
    // np.save('t.npy', np.array([3, 1])): '<i8', two little-endian 64-bit integers.
    const targets = withDict(
      "{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }",
      [3, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0],
    );
    expect(readNpy(targets)).toEqual({ dtype: 'int64', shape: [2], data: BigInt64Array.of(3n, 1n) });
    // '=f4' is the writing machine's order, little-endian like this one.
    const native = withDict("{'descr': '=f4', 'fortran_order': False, 'shape': (1,), }", [0, 0, 0x80, 0x3f]);
    expect(readNpy(native)).toEqual({ dtype: 'float32', shape: [1], data: Float32Array.of(1) });
    const small = withDict("{'descr': '|i1', 'fortran_order': False, 'shape': (2,), }", [0xff, 7]);
    expect(readNpy(small)).toEqual({ dtype: 'int8', shape: [2], data: Int8Array.of(-1, 7) });
  });

  it('rejects bool bytes other than 0 and 1', () => {
    expect(() =>
      readNpy(withDict("{'descr': '|b1', 'fortran_order': False, 'shape': (2,), }", [1, 2])),
    ).toThrow(/bool element 1 is the byte 2/);
  });

  it('checks an absurd shape against the bytes at hand before allocating', () => {
    const huge = withDict(
      "{'descr': '<f8', 'fortran_order': False, 'shape': (4503599627370496, 4503599627370496), }",
    );
    expect(() => readNpy(huge)).toThrow(FormatError);
    expect(() => readNpy(huge)).toThrow(/needs 162259276829213363391578010288128 bytes, the file holds 0/);
  });

  it('rejects a header length beyond the end of the file', () => {
    const bad = valid.slice();
    new DataView(bad.buffer).setUint16(8, 0xffff, true);
    expect(() => readNpy(bad)).toThrow(/truncated header: it declares 65535 bytes/);
  });

  it('rejects input that is not a Uint8Array', () => {
    expect(() => readNpy([1, 2, 3] as unknown as Uint8Array)).toThrow(InvalidArgumentError);
  });
});
