/**
 * Reading an ONNX file: bytes → `ModelProto`, checked enough that the importer can rely on it
 * (a graph is present, the default domain's opset is one provlrp translates).
 *
 * Protobuf decoding errors (truncated messages, invalid wire types, stack overflows on hostile
 * nesting) become `FormatError('onnx', …)`: an `.onnx` file that does not decode is corrupt.
 *
 * Reference: onnx.proto `ModelProto`, `OperatorSetIdProto`; opset versions in ONNX's Changelog.md.
 */
import { FormatError, UnsupportedError } from '../../core/errors.js';
import { readFileBytes } from '../../core/file-io.js';
import { type GraphProto, type ModelProto, onnx, toInt } from './proto.js';
import { alignRawDataInPlace } from './raw-data.js';

/** The opsets of the default ONNX domain that the importer translates. */
export const SUPPORTED_OPSETS = { min: 7, max: 22 } as const;

/** A decoded model whose graph is present and whose default-domain opset is known. */
export interface OnnxModel {
  readonly proto: ModelProto;
  readonly graph: GraphProto;
  /** The opset version of the default domain ('' or 'ai.onnx'). */
  readonly opset: number;
  /**
   * Whether the bytes were the decoder's to change (`decodeOnnx`'s `ownsBytes`): then float32
   * initializers are views into them, aligned in place, instead of copies.
   */
  readonly ownsBytes?: boolean;
}

/** Whether a domain name is ONNX's default domain. */
export const isDefaultDomain = (domain: string | null | undefined): boolean =>
  domain === undefined || domain === null || domain === '' || domain === 'ai.onnx';

/** The bytes of an ONNX file, or a `NotFoundError`/`FileSystemError` saying why not. */
export function readOnnxBytes(path: string): Uint8Array {
  return readFileBytes(path, 'ONNX file');
}

/**
 * Decodes and checks an ONNX `ModelProto`. With `ownsBytes` (the caller read the file and hands
 * the bytes over: nobody else may read or keep them), misaligned float32 initializer data is moved
 * in place onto aligned offsets (raw-data.ts), so that the weights are views of the bytes.
 */
export function decodeOnnx(bytes: Uint8Array, { ownsBytes = false } = {}): OnnxModel {
  let proto: ModelProto;
  try {
    proto = onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw new FormatError(
      'onnx',
      `the bytes are not an ONNX ModelProto (${error instanceof Error ? error.message : String(error)}); ` +
        'the file is truncated, corrupt or not an .onnx file',
    );
  }
  const graph = proto.graph;
  if (graph === null || graph === undefined || (graph.node ?? []).length === 0)
    throw new FormatError(
      'onnx',
      'the model has no graph (or an empty one); pass an .onnx file exported from a network',
    );
  const opset = defaultOpset(proto);
  if (ownsBytes) alignRawDataInPlace(graph, bytes);
  return { proto, graph, opset, ownsBytes };
}

/** The default domain's opset, checked against `SUPPORTED_OPSETS`. */
function defaultOpset(proto: ModelProto): number {
  const entry = (proto.opsetImport ?? []).find((o) => isDefaultDomain(o.domain));
  if (entry === undefined)
    throw new FormatError(
      'onnx',
      'the model imports no opset of the default domain; it is not a valid ONNX model',
    );
  const opset = toInt(entry.version);
  const { min, max } = SUPPORTED_OPSETS;
  if (!(opset >= min && opset <= max))
    throw new UnsupportedError(
      `onnx import: opset ${opset} is not supported; supported opsets are ${min} to ${max} ` +
        `(re-export the model with opset_version between ${min} and ${max})`,
    );
  return opset;
}
