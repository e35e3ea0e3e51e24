/**
 * IDX: the file format of the MNIST data set.
 *
 * Layout, all big endian:
 *
 *     0x00 0x00 <type code> <ndims>   <ndims × uint32 dimension>   <elements in C order>
 *
 * with type codes 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64.
 * The reader checks every size against the bytes at hand before it allocates anything, and
 * refuses trailing bytes; `readIdxFile` also accepts gzipped files (`.gz`, as distributed).
 *
 * Reference: Y. LeCun, C. Cortes, C. J. C. Burges, "The MNIST database of handwritten digits",
 * section "File formats for the MNIST database".
 */
import { FormatError, InvalidArgumentError, ShapeError } from './errors.js';
import { readFileBytes } from './file-io.js';
import { requireNodeBuiltin } from './node-builtin.js';
import { assertShape, showShape } from './tensor.js';

/** The element types of IDX. */
export type IdxType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

/** The typed array that holds each element type. */
export interface IdxDataOf {
  uint8: Uint8Array;
  int8: Int8Array;
  int16: Int16Array;
  int32: Int32Array;
  float32: Float32Array;
  float64: Float64Array;
}

/** An array in an IDX file: a shape in C order and its elements; `type` and `data` always agree. */
export type IdxArray = {
  [T in IdxType]: { readonly type: T; readonly shape: readonly number[]; readonly data: IdxDataOf[T] };
}[IdxType];

type IdxData = IdxDataOf[IdxType];

interface TypeInfo {
  readonly code: number;
  readonly itemSize: number;
  readonly allocate: (length: number) => IdxData;
  readonly matches: (data: unknown) => boolean;
}

/** The type table, keyed by name; the compiler checks that every type has an entry. */
export const IDX_TYPES = {
  uint8: {
    code: 0x08,
    itemSize: 1,
    allocate: (n) => new Uint8Array(n),
    matches: (d) => d instanceof Uint8Array,
  },
  int8: {
    code: 0x09,
    itemSize: 1,
    allocate: (n) => new Int8Array(n),
    matches: (d) => d instanceof Int8Array,
  },
  int16: {
    code: 0x0b,
    itemSize: 2,
    allocate: (n) => new Int16Array(n),
    matches: (d) => d instanceof Int16Array,
  },
  int32: {
    code: 0x0c,
    itemSize: 4,
    allocate: (n) => new Int32Array(n),
    matches: (d) => d instanceof Int32Array,
  },
  float32: {
    code: 0x0d,
    itemSize: 4,
    allocate: (n) => new Float32Array(n),
    matches: (d) => d instanceof Float32Array,
  },
  float64: {
    code: 0x0e,
    itemSize: 8,
    allocate: (n) => new Float64Array(n),
    matches: (d) => d instanceof Float64Array,
  },
} as const satisfies Record<IdxType, TypeInfo>;

const TYPE_NAMES = Object.keys(IDX_TYPES) as IdxType[];
const hex = (code: number): string => `0x${code.toString(16).padStart(2, '0')}`;
const KNOWN_CODES = TYPE_NAMES.map((t) => `${hex(IDX_TYPES[t].code)} (${t})`).join(', ');

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const MAX_DIMENSION = 0xffffffff;

/** The bytes of a typed array (a view, no copy). */
const bytesOf = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** Copies big-endian elements between byte buffers, reversing each element's bytes on a little-endian host. */
function copyBigEndian(src: Uint8Array, dst: Uint8Array, itemSize: number): void {
  if (itemSize === 1 || !HOST_LITTLE_ENDIAN) {
    dst.set(src);
    return;
  }
  for (let i = 0; i < src.length; i += itemSize)
    for (let b = 0; b < itemSize; b++) dst[i + b] = src[i + itemSize - 1 - b]!;
}

/**
 * Reads an IDX file from its bytes. The elements are copied into a fresh typed array.
 *
 * @throws FormatError for a bad magic number, an unknown type code, truncated dimensions or data,
 *   or trailing bytes.
 */
export function readIdx(bytes: Uint8Array): IdxArray {
  if (!(bytes instanceof Uint8Array))
    throw new InvalidArgumentError('readIdx', 'expected the file contents as a Uint8Array');
  if ((bytes.length > 0 && bytes[0] !== 0) || (bytes.length > 1 && bytes[1] !== 0))
    throw new FormatError('idx', 'bad magic: an IDX file starts with two zero bytes; is this an IDX file?');
  if (bytes.length < 4)
    throw new FormatError(
      'idx',
      `truncated magic number (${bytes.length} of 4 bytes); the file is incomplete`,
    );
  const code = bytes[2]!;
  const type = TYPE_NAMES.find((t) => IDX_TYPES[t].code === code);
  if (type === undefined)
    throw new FormatError('idx', `unknown type code ${hex(code)}; known codes: ${KNOWN_CODES}`);
  const ndims = bytes[3]!;
  const dataStart = 4 + 4 * ndims;
  if (bytes.length < dataStart)
    throw new FormatError(
      'idx',
      `truncated dimensions: ${ndims} dimensions need ${dataStart} header bytes, the file has ${bytes.length}`,
    );
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  for (let i = 0; i < ndims; i++) shape.push(view.getUint32(4 + 4 * i, false));
  const { itemSize, allocate } = IDX_TYPES[type];
  // NOTE: a bigint product cannot overflow, so absurd shapes are caught before any allocation.
  const expected = shape.reduce((n, d) => n * BigInt(d), BigInt(itemSize));
  const actual = BigInt(bytes.length - dataStart);
  if (actual < expected)
    throw new FormatError(
      'idx',
      `truncated data: shape ${showShape(shape)} of ${type} needs ${expected} bytes, the file holds ${actual}`,
    );
  if (actual > expected)
    throw new FormatError(
      'idx',
      `${actual - expected} trailing bytes after the ${expected} bytes of shape ${showShape(shape)} of ${type}`,
    );
  const data = allocate(Number(expected) / itemSize);
  copyBigEndian(bytes.subarray(dataStart), bytesOf(data), itemSize);
  return { type, shape, data } as IdxArray;
}

/**
 * Writes an array in IDX format (big endian).
 *
 * @throws InvalidArgumentError if `type` and `data` disagree, or the shape has more than 255
 *   dimensions or a dimension over 2³² − 1; ShapeError if the data does not fill the shape.
 */
export function writeIdx(array: IdxArray): Uint8Array {
  const info = (IDX_TYPES as Record<string, TypeInfo | undefined>)[array?.type];
  if (info === undefined)
    throw new InvalidArgumentError(
      'writeIdx',
      `type ${JSON.stringify(array?.type)} is not one of ${TYPE_NAMES.join(', ')}`,
    );
  const { shape, data } = array;
  assertShape(shape, 'writeIdx');
  if (shape.length > 255 || shape.some((d) => d > MAX_DIMENSION))
    throw new InvalidArgumentError(
      'writeIdx',
      `shape ${showShape(shape)} does not fit IDX (at most 255 dimensions of at most ${MAX_DIMENSION})`,
    );
  if (!info.matches(data))
    throw new InvalidArgumentError(
      'writeIdx',
      `a ${array.type} array needs its data in the matching typed array`,
    );
  const count = shape.reduce((n, d) => n * d, 1);
  if (data.length !== count)
    throw new ShapeError('writeIdx', `${showShape(shape)} (${count} elements)`, `${data.length} elements`);
  const dataStart = 4 + 4 * shape.length;
  const out = new Uint8Array(dataStart + data.byteLength);
  const view = new DataView(out.buffer);
  out[2] = info.code;
  out[3] = shape.length;
  for (let i = 0; i < shape.length; i++) view.setUint32(4 + 4 * i, shape[i]!, false);
  copyBigEndian(bytesOf(data), out.subarray(dataStart), info.itemSize);
  return out;
}

/** The most a gzipped IDX file may unpack to (1 GiB), so that a corrupt stream cannot exhaust memory. */
const MAX_GUNZIPPED_BYTES = 2 ** 30;

/** True when the bytes start with the gzip magic number 1f 8b. */
const isGzip = (bytes: Uint8Array): boolean => bytes[0] === 0x1f && bytes[1] === 0x8b;

/**
 * Reads an IDX file from disk, gunzipping it first if it is gzipped.
 *
 * @throws NotFoundError if the file does not exist; FormatError (naming the file) if it is not a
 *   valid IDX file or a corrupt gzip stream.
 */
export function readIdxFile(path: string): IdxArray {
  let bytes = readFileBytes(path);
  const zlib = isGzip(bytes) ? requireNodeBuiltin('node:zlib', 'readIdxFile', 'gunzip it first') : undefined;
  if (zlib)
    try {
      bytes = zlib.gunzipSync(bytes, { maxOutputLength: MAX_GUNZIPPED_BYTES });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
        throw new FormatError(
          'idx',
          `${path}: unpacks to more than ${MAX_GUNZIPPED_BYTES} bytes; gunzip it first`,
        );
      throw new FormatError(
        'idx',
        `${path}: corrupt gzip stream (${(e as Error).message}); download it again`,
      );
    }
  try {
    return readIdx(bytes);
  } catch (e) {
    if (e instanceof FormatError) throw new FormatError('idx', `${path}: ${e.problem}`);
    throw e;
  }
}
