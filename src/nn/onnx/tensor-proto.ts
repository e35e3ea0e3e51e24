/**
 * ONNX `TensorProto` → constant: the initializers and `Constant` values of a model.
 *
 * A tensor stores its elements either in `raw_data` (little-endian bytes) or in the typed field
 * its data type uses (`float_data`, `double_data`, `int32_data` for the small integer types, bool
 * and float16 bits, `int64_data`, `uint64_data` for uint32/uint64). Floating types become float32,
 * integer and bool types int constants. The element count must equal the product of `dims`;
 * anything else is a corrupt file (`FormatError`).
 *
 * Reference: onnx.proto, `message TensorProto`.
 */
import { FormatError, UnsupportedError } from '../../core/errors.js';
import { type Int64, type TensorProto, toInt } from './proto.js';
import { type Constant, floatConstant, intConstant, markExclusive } from './values.js';

/** ONNX `TensorProto.DataType` codes with their element size in `raw_data`. */
const DATA_TYPES: Record<number, { name: string; bytes: number; float: boolean }> = {
  1: { name: 'FLOAT', bytes: 4, float: true },
  2: { name: 'UINT8', bytes: 1, float: false },
  3: { name: 'INT8', bytes: 1, float: false },
  4: { name: 'UINT16', bytes: 2, float: false },
  5: { name: 'INT16', bytes: 2, float: false },
  6: { name: 'INT32', bytes: 4, float: false },
  7: { name: 'INT64', bytes: 8, float: false },
  9: { name: 'BOOL', bytes: 1, float: false },
  10: { name: 'FLOAT16', bytes: 2, float: true },
  11: { name: 'DOUBLE', bytes: 8, float: true },
  12: { name: 'UINT32', bytes: 4, float: false },
  13: { name: 'UINT64', bytes: 8, float: false },
};

/** The ONNX data type codes that are floating-point. */
export const isFloatDataType = (code: number): boolean => DATA_TYPES[code]?.float === true;

/** Whether a data type code is one the importer reads. */
export const isKnownDataType = (code: number): boolean => DATA_TYPES[code] !== undefined;

/** Validated dims of a tensor (non-negative integers). */
export function tensorDims(dims: readonly Int64[] | null | undefined, where: string): number[] {
  const out = (dims ?? []).map(toInt);
  if (!out.every((d) => Number.isSafeInteger(d) && d >= 0))
    throw new FormatError('onnx', `${where}: dims [${out.join(', ')}] are not non-negative integers`);
  return out;
}

/**
 * The constant an ONNX tensor holds; `where` names it in errors ("initializer fc.weight").
 * `ownsBytes`: the bytes the tensor was decoded from belong to the importer alone (it read the
 * file), so float32 data aligned in them is kept as a view, not copied (raw-data.ts).
 */
export function constantFromTensor(t: TensorProto, where: string, ownsBytes = false): Constant {
  if (t.dataLocation === 1)
    throw new UnsupportedError(
      `onnx import: ${where} keeps its data in an external file; save the model with the weights inside the .onnx file`,
    );
  const code = t.dataType ?? 0;
  const type = DATA_TYPES[code];
  if (type === undefined)
    throw new UnsupportedError(
      `onnx import: ${where} has data type ${code}, which is not supported; ` +
        `use float32/float64/float16 weights and integer or bool shape tensors`,
    );
  const dims = tensorDims(t.dims, where);
  const count = dims.reduce((a, b) => a * b, 1);
  const raw = t.rawData ?? new Uint8Array(0);
  const typed = typedField(t, code);
  const stored = raw.length > 0 ? raw.length / type.bytes : typed.length;
  if (stored !== count)
    throw new FormatError(
      'onnx',
      `${where}: holds ${stored} ${type.name} elements but its dims [${dims.join(', ')}] need ${count}; ` +
        'the file is truncated or corrupt',
    );
  if (type.float)
    return floatConstant(
      dims,
      raw.length > 0 ? floatsFromRaw(raw, code, count, ownsBytes) : markExclusive(floats(typed, code)),
    );
  return intConstant(dims, raw.length > 0 ? intsFromRaw(raw, code, count) : typed.map(toInt));
}

/** The typed field that holds a data type's elements when `raw_data` is empty. */
function typedField(t: TensorProto, code: number): readonly Int64[] {
  switch (code) {
    case 1:
      return t.floatData ?? [];
    case 11:
      return t.doubleData ?? [];
    case 7:
      return t.int64Data ?? [];
    case 12:
    case 13:
      return t.uint64Data ?? [];
    default:
      return t.int32Data ?? [];
  }
}

function floats(values: readonly Int64[], code: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = toInt(values[i]);
    out[i] = code === 10 ? halfToFloat(v) : v;
  }
  return out;
}

/**
 * Floats from raw little-endian bytes. NOTE: float32 data at an aligned offset of bytes the
 * importer owns is viewed in place; other float32 data is copied once (so that the constant never
 * shares the caller's bytes); other types are converted element by element.
 */
function floatsFromRaw(raw: Uint8Array, code: number, count: number, ownsBytes: boolean): Float32Array {
  if (code === 1) {
    if (ownsBytes && raw.byteOffset % 4 === 0)
      return markExclusive(new Float32Array(raw.buffer, raw.byteOffset, count));
    const out = new Float32Array(count);
    new Uint8Array(out.buffer).set(raw);
    return markExclusive(out);
  }
  const view = alignedCopy(raw);
  const out = new Float32Array(count);
  if (code === 11) for (let i = 0; i < count; i++) out[i] = view.getFloat64(8 * i, true);
  else for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(2 * i, true));
  return markExclusive(out);
}

function intsFromRaw(raw: Uint8Array, code: number, count: number): number[] {
  const view = alignedCopy(raw);
  const out = new Array<number>(count);
  for (let i = 0; i < count; i++) out[i] = readInt(view, code, i);
  return out;
}

/**
 * The bytes copied into a fresh buffer of their own. Protobuf hands out views into the file at any
 * byte offset (in Node, `Buffer`s whose `slice` does not copy), and typed-array views need aligned
 * offsets in a buffer that holds only these bytes.
 */
function alignedCopy(raw: Uint8Array): DataView {
  const copy = new Uint8Array(raw.length);
  copy.set(raw);
  return new DataView(copy.buffer);
}

function readInt(view: DataView, code: number, i: number): number {
  switch (code) {
    case 2:
    case 9:
      return view.getUint8(i);
    case 3:
      return view.getInt8(i);
    case 4:
      return view.getUint16(2 * i, true);
    case 5:
      return view.getInt16(2 * i, true);
    case 6:
      return view.getInt32(4 * i, true);
    case 12:
      return view.getUint32(4 * i, true);
    case 13:
      return Number(view.getBigUint64(8 * i, true));
    default:
      return Number(view.getBigInt64(8 * i, true));
  }
}

/** IEEE 754 half precision bits → number. */
function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}
