/**
 * Initializer bytes viewed where they lie: the float32 `raw_data` of an ONNX file becomes the
 * model's weights without being copied, so that importing VGG-16 (0.5 GB of weights) holds the file
 * once and nothing more.
 *
 * Protobuf hands out `raw_data` as views into the file's bytes at whatever byte offset the field
 * happens to start, and a `Float32Array` view needs an offset that is a multiple of 4. When the
 * importer read the file itself (it owns the bytes, nobody else holds them), it moves each
 * misaligned `raw_data` down by 1 to 3 bytes, onto the nearest aligned offset, once the whole
 * message is decoded. The bytes it overwrites are the field's own header (tag 0x4A and the length
 * varint, which take 3 bytes or more when the data has 128 bytes or more), which no decoded view
 * refers to; shorter data is left where it is and copied when it is read (tensor-proto.ts).
 *
 * Reference: protobuf encoding (a length-delimited field is tag, varint length, bytes); onnx.proto
 * `TensorProto.raw_data` (field 9).
 */
import type { GraphProto, TensorProto } from './proto.js';

/** Bytes of `raw_data` from which its field header is at least 3 bytes long (a 2-byte varint). */
const MOVABLE_BYTES = 128;

const FLOAT32 = 1;

/**
 * Moves each misaligned float32 initializer's `raw_data` inside `bytes` onto a 4-byte boundary and
 * points the tensor at the moved bytes. `bytes` must be the buffer `graph` was decoded from, owned
 * by the caller alone: its other contents are changed.
 */
export function alignRawDataInPlace(graph: GraphProto, bytes: Uint8Array): void {
  for (const t of graph.initializer ?? []) {
    const moved = alignedRaw(t, bytes);
    if (moved !== undefined) t.rawData = moved;
  }
}

/** The tensor's raw data moved onto an aligned offset, or undefined where it stays. */
function alignedRaw(t: TensorProto, bytes: Uint8Array): Uint8Array | undefined {
  const raw = t.rawData;
  if (t.dataType !== FLOAT32 || raw === null || raw === undefined || raw.length < MOVABLE_BYTES) return;
  if (raw.buffer !== bytes.buffer) return;
  const shift = raw.byteOffset % 4;
  if (shift === 0) return;
  const start = raw.byteOffset - bytes.byteOffset;
  // NOTE: copyWithin is memmove: the ranges overlap, and it copies as if through a buffer.
  bytes.copyWithin(start - shift, start, start + raw.length);
  return bytes.subarray(start - shift, start - shift + raw.length);
}
