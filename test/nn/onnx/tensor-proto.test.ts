import { describe, expect, it } from 'vitest';
import { FormatError, UnsupportedError } from '../../../src/core/errors.js';
import { onnx } from '../../../src/nn/onnx/proto.js';
import { constantFromTensor } from '../../../src/nn/onnx/tensor-proto.js';
import { BATCH } from '../../../src/nn/onnx/values.js';

/** A tensor decoded from its encoding, as the importer sees it (int64 fields as Long). */
const roundTrip = (t: Parameters<typeof onnx.TensorProto.encode>[0]) =>
  onnx.TensorProto.decode(onnx.TensorProto.encode(t).finish());

describe('constantFromTensor', () => {
  it('reads float32 elements from float_data', () => {
    const c = constantFromTensor(roundTrip({ dims: [2, 2], dataType: 1, floatData: [1, -2, 3.5, 0] }), 't');
    expect(c.kind).toBe('float');
    expect(c.dims).toEqual([2, 2]);
    expect(Array.from(c.data)).toEqual([1, -2, 3.5, 0]);
  });

  it('reads float32 raw_data that sits at an unaligned offset of a larger buffer', () => {
    const values = Float32Array.of(0.25, -1.5, 3);
    const file = new Uint8Array(1 + values.byteLength);
    file.set(new Uint8Array(values.buffer), 1);
    const raw = file.subarray(1);
    const c = constantFromTensor({ dims: [3], dataType: 1, rawData: raw }, 't');
    expect(Array.from(c.data)).toEqual([0.25, -1.5, 3]);
  });

  it('copies raw_data, so that changing the file afterwards does not change the constant', () => {
    const raw = new Uint8Array(Float32Array.of(7).buffer);
    const c = constantFromTensor({ dims: [1], dataType: 1, rawData: raw }, 't');
    raw.fill(0);
    expect(c.data[0]).toBe(7);
  });

  it('reads int64 elements from int64_data and from raw_data, negative values included', () => {
    const typed = constantFromTensor(roundTrip({ dims: [3], dataType: 7, int64Data: [-1, 0, 784] }), 't');
    expect(typed).toEqual({ kind: 'int', dims: [3], data: [-1, 0, 784] });
    const raw = new Uint8Array(BigInt64Array.of(-1n, 2n ** 40n).buffer);
    expect(constantFromTensor({ dims: [2], dataType: 7, rawData: raw }, 't').data).toEqual([-1, 2 ** 40]);
  });

  it('converts float64 and float16 to float32, and int32 and bool to integers', () => {
    const f64 = constantFromTensor({ dims: [2], dataType: 11, doubleData: [0.5, -2] }, 't');
    expect(Array.from(f64.data)).toEqual([0.5, -2]);
    // float16 bits: 0x3c00 = 1, 0xc000 = -2, 0x3555 ≈ 0.33325
    const f16 = constantFromTensor({ dims: [3], dataType: 10, int32Data: [0x3c00, 0xc000, 0x3555] }, 't');
    expect(Array.from(f16.data)).toEqual([1, -2, Math.fround(0.333251953125)]);
    expect(constantFromTensor({ dims: [2], dataType: 6, int32Data: [-3, 4] }, 't').data).toEqual([-3, 4]);
    expect(constantFromTensor({ dims: [2], dataType: 9, rawData: Uint8Array.of(1, 0) }, 't').data).toEqual([
      1, 0,
    ]);
  });

  it('reads a scalar (no dims) as one element', () => {
    expect(constantFromTensor({ dims: [], dataType: 7, int64Data: [5] }, 't')).toEqual({
      kind: 'int',
      dims: [],
      data: [5],
    });
  });

  it('never produces the symbolic batch size', () => {
    const c = constantFromTensor({ dims: [2], dataType: 7, int64Data: [0, -1] }, 't');
    expect(c.data).not.toContain(BATCH);
  });

  it('refuses data shorter or longer than the dims say, as a corrupt file', () => {
    const short = () =>
      constantFromTensor({ dims: [2, 3], dataType: 1, floatData: [1, 2, 3] }, 'initializer "w"');
    expect(short).toThrow(FormatError);
    expect(short).toThrow(/initializer "w".*3 FLOAT elements.*\[2, 3\] need 6/);
    const raw = () => constantFromTensor({ dims: [2], dataType: 1, rawData: new Uint8Array(7) }, 't');
    expect(raw).toThrow(FormatError);
    const long = () => constantFromTensor({ dims: [1], dataType: 7, int64Data: [1, 2] }, 't');
    expect(long).toThrow(FormatError);
  });

  it('refuses negative or absurd dims as a corrupt file', () => {
    expect(() => constantFromTensor({ dims: [-1], dataType: 1, floatData: [] }, 't')).toThrow(FormatError);
    expect(() => constantFromTensor({ dims: [2 ** 40, 2 ** 40], dataType: 1, floatData: [1] }, 't')).toThrow(
      FormatError,
    );
  });

  it('refuses unknown data types and external data with an UnsupportedError that says what to do', () => {
    expect(() =>
      constantFromTensor({ dims: [1], dataType: 8, stringData: [new Uint8Array(1)] }, 't'),
    ).toThrow(UnsupportedError);
    const external = () => constantFromTensor({ dims: [1], dataType: 1, dataLocation: 1 }, 'initializer "w"');
    expect(external).toThrow(UnsupportedError);
    expect(external).toThrow(/external file; save the model with the weights inside/);
  });
});
