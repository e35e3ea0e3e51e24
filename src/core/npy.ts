/**
 * `.npy`: NumPy's array file format, read and written without NumPy.
 *
 * Layout: the magic `\x93NUMPY`, a major and minor version byte, the header length (uint16 LE in
 * version 1.0, uint32 LE in 2.0 and 3.0), the header (a Python dict literal, latin-1 in 1.0/2.0,
 * utf-8 in 3.0) padded with spaces and a final `\n` so that the data starts on a 64-byte boundary,
 * then the elements in C order:
 *
 *     \x93NUMPY \x01 \x00 <len> {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), } ␣…␣\n <data>
 *
 * Supported element types: `<f4` (float32), `<f8` (float64), `|u1` (uint8) and `|b1` (bool, stored
 * as bytes 0/1). Big-endian `>f4`/`>f8` files are converted to little endian on read; provlrp always
 * writes little endian. Fortran-order files are refused. The writer reproduces `numpy.save` byte
 * for byte (keys in sorted order, 21 − len(str(shape[0])) spare spaces, padding to 64 bytes).
 *
 * Reference: NEP 1, "A simple file format for NumPy arrays", and `numpy/lib/format.py`.
 */
import { FormatError, InvalidArgumentError, ShapeError, UnsupportedError } from './errors.js';
import { readFileBytes, writeFileAtomic } from './file-io.js';
import { parseNpyHeader } from './npy-header.js';
import { assertShape, type DType, dtypeOf, showShape, type Tensor, toDType } from './tensor.js';

/** The element types provlrp reads and writes. */
export type NpyDType =
  | 'float32'
  | 'float64'
  | 'uint8'
  | 'bool'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'uint16'
  | 'uint32'
  | 'uint64';

/** The typed array that holds each element type (bool as bytes 0/1). */
export interface NpyDataOf {
  float32: Float32Array;
  float64: Float64Array;
  uint8: Uint8Array;
  bool: Uint8Array;
  int8: Int8Array;
  int16: Int16Array;
  int32: Int32Array;
  int64: BigInt64Array;
  uint16: Uint16Array;
  uint32: Uint32Array;
  uint64: BigUint64Array;
}

/** An array in a `.npy` file: a shape in C order and its elements; `dtype` and `data` always agree. */
export type NpyArray = {
  [D in NpyDType]: { readonly dtype: D; readonly shape: readonly number[]; readonly data: NpyDataOf[D] };
}[NpyDType];

/** The header versions: 1.0 (header up to 64 KiB), 2.0 (up to 4 GiB) and 3.0 (utf-8 header). */
export type NpyVersion = 1 | 2 | 3;

/** Options of {@link writeNpy}. */
export interface WriteNpyOptions {
  /** The header version; by default 1.0, or 2.0 when the header does not fit in 1.0 (as numpy does). */
  readonly version?: NpyVersion;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const MAGIC_LENGTH = 8; // magic + version bytes
const ARRAY_ALIGN = 64;
const GROWTH_AXIS_MAX_DIGITS = 21;
const VERSION_1_MAX_HEADER = 0xffff;

interface DTypeInfo {
  readonly descr: string;
  readonly itemSize: number;
  readonly allocate: (length: number) => NpyDataOf[NpyDType];
  readonly matches: (data: unknown) => boolean;
}

const isBytes = (d: unknown): boolean => d instanceof Uint8Array;

function integer(
  descr: string,
  itemSize: number,
  kind: new (length: number) => NpyDataOf[NpyDType],
): DTypeInfo {
  return { descr, itemSize, allocate: (n) => new kind(n), matches: (d) => d instanceof kind };
}

const DTYPES = {
  float32: {
    descr: '<f4',
    itemSize: 4,
    allocate: (n) => new Float32Array(n),
    matches: (d) => d instanceof Float32Array,
  },
  float64: {
    descr: '<f8',
    itemSize: 8,
    allocate: (n) => new Float64Array(n),
    matches: (d) => d instanceof Float64Array,
  },
  uint8: { descr: '|u1', itemSize: 1, allocate: (n) => new Uint8Array(n), matches: isBytes },
  bool: { descr: '|b1', itemSize: 1, allocate: (n) => new Uint8Array(n), matches: isBytes },
  // Integer arrays: what numpy saves by default for integers (int64 on most platforms), e.g. targets.
  int8: integer('|i1', 1, Int8Array),
  int16: integer('<i2', 2, Int16Array),
  int32: integer('<i4', 4, Int32Array),
  int64: integer('<i8', 8, BigInt64Array),
  uint16: integer('<u2', 2, Uint16Array),
  uint32: integer('<u4', 4, Uint32Array),
  uint64: integer('<u8', 8, BigUint64Array),
} satisfies Record<NpyDType, DTypeInfo>;

const SUPPORTED =
  "'<f4', '<f8', '|u1', '|b1', integers '|i1', '<i2', '<i4', '<i8', '<u2', '<u4', '<u8' " +
  "(big-endian '>' and native '=' orders converted on read)";

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Copies elements of `itemSize` bytes from `src` to `dst`, reversing the bytes of each element
 * when `swap` is set (a file's byte order differs from the host's).
 */
function copyElements(src: Uint8Array, dst: Uint8Array, itemSize: number, swap: boolean): void {
  if (!swap || itemSize === 1) {
    dst.set(src);
    return;
  }
  for (let i = 0; i < src.length; i += itemSize)
    for (let b = 0; b < itemSize; b++) dst[i + b] = src[i + itemSize - 1 - b]!;
}

/** The bytes of a typed array (a view, no copy). */
const bytesOf = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

const CODES: Readonly<Record<string, NpyDType>> = {
  f4: 'float32',
  f8: 'float64',
  u1: 'uint8',
  b1: 'bool',
  i1: 'int8',
  i2: 'int16',
  i4: 'int32',
  i8: 'int64',
  u2: 'uint16',
  u4: 'uint32',
  u8: 'uint64',
};

/** Maps a descr string to a dtype and its byte order; throws `UnsupportedError` for anything else. */
function decodeDescr(descr: string): { dtype: NpyDType; littleEndian: boolean } {
  const m = /^([<>|=])([fuib])(\d+)$/.exec(descr);
  const order = m?.[1];
  const code = `${m?.[2]}${m?.[3]}`;
  const dtype = CODES[code];
  const itemSize = dtype === undefined ? 0 : DTYPES[dtype].itemSize;
  // A one-byte element has no byte order; a wider one must name its order explicitly.
  if (dtype === undefined || (itemSize > 1 && order === '|'))
    throw new UnsupportedError(
      `npy: dtype '${descr}' is not supported; supported dtypes: ${SUPPORTED}; convert the array with ` +
        `numpy's astype before saving`,
    );
  // '=' is the writing machine's order; numpy writes it only for native-order arrays of
  // hand-built dtypes, and the machines that run numpy today are little-endian, like this one.
  return { dtype, littleEndian: order === '=' ? HOST_LITTLE_ENDIAN : order !== '>' };
}

/** Reads the version and header length of the preamble, checking the magic first. */
function readPreamble(bytes: Uint8Array): { version: NpyVersion; headerStart: number; headerLength: number } {
  for (let i = 0; i < Math.min(MAGIC.length, bytes.length); i++)
    if (bytes[i] !== MAGIC[i])
      throw new FormatError(
        'npy',
        'bad magic: the bytes do not start with \\x93NUMPY; is this an .npy file?',
      );
  if (bytes.length < MAGIC_LENGTH + 2)
    throw new FormatError('npy', `truncated preamble (${bytes.length} bytes); the file is incomplete`);
  const major = bytes[6]!;
  const minor = bytes[7]!;
  if ((major !== 1 && major !== 2 && major !== 3) || minor !== 0)
    throw new FormatError('npy', `unknown version ${major}.${minor}; supported versions: 1.0, 2.0, 3.0`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (major === 1) return { version: 1, headerStart: 10, headerLength: view.getUint16(8, true) };
  if (bytes.length < MAGIC_LENGTH + 4)
    throw new FormatError('npy', `truncated preamble (${bytes.length} bytes); the file is incomplete`);
  return { version: major, headerStart: 12, headerLength: view.getUint32(8, true) };
}

/** Decodes a header: latin-1 in versions 1.0 and 2.0, utf-8 in 3.0. */
function decodeHeaderText(raw: Uint8Array, version: NpyVersion): string {
  // NOTE: latin-1 maps each byte to the code point of its value (TextDecoder's 'latin1' is windows-1252).
  if (version !== 3) return Array.from(raw, (byte) => String.fromCharCode(byte)).join('');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    throw new FormatError('npy', 'the version 3.0 header is not valid utf-8; the file is corrupt');
  }
}

/** The number of elements of a shape, as a bigint so that no product overflows. */
const countOf = (shape: readonly number[]): bigint => shape.reduce((n, d) => n * BigInt(d), 1n);

/**
 * Reads an `.npy` file from its bytes. The elements are copied into a fresh, aligned typed array.
 *
 * @throws FormatError for a bad magic, an unknown version, a truncated or malformed header, or
 *   data shorter or longer than the shape says.
 * @throws UnsupportedError for a dtype other than f4, f8, u1, b1, or a Fortran-order array.
 */
export function readNpy(bytes: Uint8Array): NpyArray {
  if (!(bytes instanceof Uint8Array))
    throw new InvalidArgumentError('readNpy', 'expected the file contents as a Uint8Array');
  const { version, headerStart, headerLength } = readPreamble(bytes);
  const dataStart = headerStart + headerLength;
  if (dataStart > bytes.length)
    throw new FormatError(
      'npy',
      `truncated header: it declares ${headerLength} bytes but only ${bytes.length - headerStart} follow`,
    );
  const text = decodeHeaderText(bytes.subarray(headerStart, dataStart), version);
  const header = parseNpyHeader(text);
  const { dtype, littleEndian } = decodeDescr(header.descr);
  if (header.fortranOrder)
    throw new UnsupportedError(
      'npy: the array is stored in Fortran order; save it in C order (numpy.ascontiguousarray) instead',
    );
  const info = DTYPES[dtype];
  const expected = countOf(header.shape) * BigInt(info.itemSize);
  const actual = BigInt(bytes.length - dataStart);
  if (actual !== expected)
    throw new FormatError(
      'npy',
      `data ${actual < expected ? 'too short' : 'too long'}: shape ${showShape(header.shape)} of ` +
        `'${header.descr}' needs ${expected} bytes, the file holds ${actual}; the file is corrupt`,
    );
  const data = info.allocate(Number(expected) / info.itemSize);
  copyElements(bytes.subarray(dataStart), bytesOf(data), info.itemSize, littleEndian !== HOST_LITTLE_ENDIAN);
  if (dtype === 'bool')
    for (let i = 0; i < data.length; i++)
      if (data[i]! > 1)
        throw new FormatError(
          'npy',
          `bool element ${i} is the byte ${data[i]}, not 0 or 1; the file is corrupt`,
        );
  return { dtype, shape: header.shape, data } as NpyArray;
}

/** The header dict exactly as `numpy.save` writes it, before padding. */
function headerDict(descr: string, shape: readonly number[]): string {
  const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${tuple}, }`;
  // numpy leaves room for the first axis to grow to 21 digits, so that appending rewrites in place.
  return shape.length === 0 ? dict : dict + ' '.repeat(GROWTH_AXIS_MAX_DIGITS - String(shape[0]).length);
}

/** Checks that an array's dtype, shape and data agree; returns its dtype's description. */
function checkArray(array: NpyArray, where: string): DTypeInfo {
  const info = (DTYPES as Record<string, DTypeInfo | undefined>)[array?.dtype];
  if (info === undefined)
    throw new InvalidArgumentError(
      where,
      `dtype ${JSON.stringify(array?.dtype)} is not one of ${Object.keys(DTYPES).join(', ')}`,
    );
  assertShape(array.shape, where);
  if (!array.shape.every(Number.isSafeInteger))
    throw new InvalidArgumentError(where, `shape ${showShape(array.shape)} has a dimension over 2^53 - 1`);
  if (!info.matches(array.data))
    throw new InvalidArgumentError(
      where,
      `a ${array.dtype} array needs its data in a ${info.descr} typed array`,
    );
  const count = countOf(array.shape);
  if (BigInt(array.data.length) !== count)
    throw new ShapeError(
      where,
      `${showShape(array.shape)} (${count} elements)`,
      `${array.data.length} elements`,
    );
  if (array.dtype === 'bool')
    for (let i = 0; i < array.data.length; i++)
      if (array.data[i]! > 1)
        throw new InvalidArgumentError(where, `bool element ${i} is ${array.data[i]}; use only 0 and 1`);
  return info;
}

/**
 * Writes an array in `.npy` format, byte for byte as `numpy.save` would (little endian, C order).
 *
 * @param options.version 1, 2 or 3; by default 1, or 2 when the header is over 64 KiB.
 * @throws InvalidArgumentError for an inconsistent array or a version its header does not fit.
 */
export function writeNpy(array: NpyArray, options: WriteNpyOptions = {}): Uint8Array {
  const info = checkArray(array, 'writeNpy');
  const { version } = options;
  if (version !== undefined && version !== 1 && version !== 2 && version !== 3)
    throw new InvalidArgumentError('writeNpy', `version ${String(version)} is not 1, 2 or 3`);
  const dict = headerDict(info.descr, array.shape);
  const padded = (lengthField: number) => {
    const hlen = dict.length + 1; // + the final '\n'
    return hlen + ARRAY_ALIGN - ((MAGIC_LENGTH + lengthField + hlen) % ARRAY_ALIGN);
  };
  const fitsVersion1 = padded(2) <= VERSION_1_MAX_HEADER;
  if (version === 1 && !fitsVersion1)
    throw new InvalidArgumentError(
      'writeNpy',
      `the header needs ${padded(2)} bytes, over the 65535 of version 1.0; write version 2 instead`,
    );
  const chosen: NpyVersion = version ?? (fitsVersion1 ? 1 : 2);
  const headerStart = chosen === 1 ? 10 : 12;
  const headerLength = padded(headerStart - MAGIC_LENGTH);
  const dataStart = headerStart + headerLength;
  const out = new Uint8Array(dataStart + array.data.byteLength);
  out.set(MAGIC);
  out[6] = chosen;
  const view = new DataView(out.buffer);
  if (chosen === 1) view.setUint16(8, headerLength, true);
  else view.setUint32(8, headerLength, true);
  // The dict is ASCII, so latin-1 (1.0, 2.0) and utf-8 (3.0) encode it alike.
  for (let i = 0; i < dict.length; i++) out[headerStart + i] = dict.charCodeAt(i);
  out.fill(0x20, headerStart + dict.length, dataStart - 1);
  out[dataStart - 1] = 0x0a;
  copyElements(bytesOf(array.data), out.subarray(dataStart), info.itemSize, !HOST_LITTLE_ENDIAN);
  return out;
}

/**
 * Reads an `.npy` file from disk.
 *
 * @throws NotFoundError if the file does not exist; the errors of {@link readNpy}, naming the file.
 */
export function readNpyFile(path: string): NpyArray {
  const bytes = readFileBytes(path);
  try {
    return readNpy(bytes);
  } catch (e) {
    if (e instanceof FormatError) throw new FormatError('npy', `${path}: ${e.problem}`);
    if (e instanceof UnsupportedError)
      throw new UnsupportedError(`npy: ${path}: ${e.message.replace(/^npy: /, '')}`);
    throw e;
  }
}

/** Writes an array to an `.npy` file on disk (see {@link writeNpy}). */
export function writeNpyFile(path: string, array: NpyArray, options: WriteNpyOptions = {}): void {
  writeFileAtomic(path, writeNpy(array, options));
}

/**
 * An `.npy` array as a tensor. float32 and float64 arrays keep their dtype and share their data
 * unless `dtype` asks for the other one. uint8 and bool arrays become float32 (or `dtype`) tensors
 * holding the same values, 0–255 and 0/1, unscaled: dividing by 255 is the caller's choice.
 */
export function npyToTensor(npy: NpyArray, dtype?: DType): Tensor {
  checkArray(npy, 'npyToTensor');
  if (npy.dtype === 'float32' || npy.dtype === 'float64') {
    const t: Tensor = { shape: [...npy.shape], data: npy.data };
    return dtype === undefined ? t : toDType(t, dtype);
  }
  const values = Array.from(npy.data as ArrayLike<number | bigint>, Number);
  const data = dtype === 'float64' ? Float64Array.from(values) : Float32Array.from(values);
  return { shape: [...npy.shape], data };
}

/** A tensor as an `.npy` array of the same dtype; shares the data. */
export function tensorToNpy(t: Tensor): NpyArray {
  const array = { dtype: dtypeOf(t.data), shape: [...t.shape], data: t.data } as NpyArray;
  checkArray(array, 'tensorToNpy');
  return array;
}
