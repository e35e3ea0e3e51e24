/**
 * Shared fixtures of the `.npy` tests: arbitraries of every dtype and bit pattern, and files built
 * the way `numpy.save` lays them out.
 */
import fc from 'fast-check';
import { type NpyArray, type NpyDType, sizeOf } from '../../src/core/index.js';

/** The bytes of a typed array. */
export const bytesOf = (a: ArrayBufferView): Uint8Array =>
  new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

const SPECIAL_FLOAT32_BITS = [
  0x00000000, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00001, 0x7f800001, 0x00000001, 0x007fffff,
  0x80000001, 0x7f7fffff, 0x3f800000,
];
const SPECIAL_FLOAT64_BITS = [
  0n,
  0x8000000000000000n,
  0x7ff0000000000000n,
  0xfff0000000000000n,
  0x7ff8000000000000n,
  0x7ff0000000000001n,
  0xfff8dead0000beefn,
  1n,
  0x000fffffffffffffn,
  0x800fffffffffffffn,
  0x7fefffffffffffffn,
  0x3ff0000000000000n,
];

const float32Bits = fc.oneof(fc.constantFrom(...SPECIAL_FLOAT32_BITS), fc.nat({ max: 0xffffffff }));
const float64Bits = fc.oneof(
  fc.constantFrom(...SPECIAL_FLOAT64_BITS),
  fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
);

const WIDTH = { int8: 1, int16: 2, int32: 4, int64: 8, uint16: 2, uint32: 4, uint64: 8 } as const;
const TYPED = {
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  int64: BigInt64Array,
  uint16: Uint16Array,
  uint32: Uint32Array,
  uint64: BigUint64Array,
} as const;

/** Shapes of up to four dimensions of size 0 to 4: scalars `[]` and zero-size arrays included. */
const shapes = fc.array(fc.nat({ max: 4 }), { maxLength: 4 });

/** Any array of any supported dtype, with every float bit pattern (±0, ±∞, NaNs, subnormals). */
export const npyArrays: fc.Arbitrary<NpyArray> = fc
  .tuple(
    fc.constantFrom<NpyDType>(
      'float32',
      'float64',
      'uint8',
      'bool',
      'int8',
      'int16',
      'int32',
      'int64',
      'uint16',
      'uint32',
      'uint64',
    ),
    shapes,
  )
  .chain(([dtype, shape]) => {
    const n = sizeOf(shape);
    const exactly = { minLength: n, maxLength: n };
    switch (dtype) {
      case 'float32':
        return fc
          .array(float32Bits, exactly)
          .map((bits): NpyArray => ({ dtype, shape, data: new Float32Array(Uint32Array.from(bits).buffer) }));
      case 'float64':
        return fc
          .array(float64Bits, exactly)
          .map(
            (bits): NpyArray => ({ dtype, shape, data: new Float64Array(BigUint64Array.from(bits).buffer) }),
          );
      case 'uint8':
        return fc
          .array(fc.nat({ max: 255 }), exactly)
          .map((v): NpyArray => ({ dtype, shape, data: Uint8Array.from(v) }));
      case 'bool':
        return fc
          .array(fc.nat({ max: 1 }), exactly)
          .map((v): NpyArray => ({ dtype, shape, data: Uint8Array.from(v) }));
      case 'int8':
      case 'int16':
      case 'int32':
      case 'uint16':
      case 'uint32':
      case 'int64':
      case 'uint64':
        // Any bit pattern of the element's width, read back through the dtype's typed array.
        return fc
          .uint8Array({ minLength: n * WIDTH[dtype], maxLength: n * WIDTH[dtype] })
          .map((bytes): NpyArray => ({ dtype, shape, data: new TYPED[dtype](bytes.buffer) }) as NpyArray);
      default: {
        const unreachable: never = dtype;
        return unreachable;
      }
    }
  });

/** A file as numpy writes it: magic, version, header length, the dict padded with spaces to `preamble − 1`, '\n', data. */
export function numpyFile(
  version: 1 | 2 | 3,
  dict: string,
  preamble: number,
  data: ArrayLike<number> = [],
): Uint8Array {
  const lengthField = version === 1 ? 2 : 4;
  const headerLength = preamble - 8 - lengthField;
  const out = new Uint8Array(preamble + data.length);
  out.set([0x93, ...Buffer.from('NUMPY'), version, 0]);
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, headerLength, true);
  else view.setUint32(8, headerLength, true);
  const padded = `${dict}${' '.repeat(headerLength - 1 - Buffer.byteLength(dict))}\n`;
  out.set(Buffer.from(padded, version === 3 ? 'utf8' : 'latin1'), 8 + lengthField);
  out.set(data, preamble);
  return out;
}

export const hex = (h: string): number[] => [...Buffer.from(h, 'hex')];
