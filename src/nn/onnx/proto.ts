/**
 * The ONNX protobuf schema (onnx.proto3), decoded by the `onnx-proto` package (protobufjs code
 * generated from ONNX 1.10). The package is CommonJS: its one export is the `onnx` namespace,
 * reached through the default import under Node's ESM loader.
 *
 * Decoded messages carry int64 fields as `Long` objects (or plain numbers for small values built
 * in memory); `toInt` turns either into a number. Unknown fields of newer ONNX versions are skipped.
 *
 * Reference: https://github.com/onnx/onnx/blob/main/onnx/onnx.proto
 */

import type { onnx as schema } from 'onnx-proto';
import onnxProto from 'onnx-proto';

/** The `onnx` namespace: message classes (`onnx.ModelProto.decode`, `.encode`) and enums. */
export const onnx = onnxProto.onnx;

export type ModelProto = schema.IModelProto;
export type GraphProto = schema.IGraphProto;
export type NodeProto = schema.INodeProto;
export type AttributeProto = schema.IAttributeProto;
export type TensorProto = schema.ITensorProto;
export type ValueInfoProto = schema.IValueInfoProto;

/** An int64 as protobufjs delivers it. */
export type Int64 = number | { toNumber(): number };

/**
 * An int64 as a JavaScript number. Values beyond 2^53 (ONNX's INT64_MAX "to the end" markers in
 * Slice) lose precision but keep their order of magnitude, which is all they are used for.
 */
export const toInt = (value: Int64 | null | undefined): number =>
  value === null || value === undefined ? 0 : typeof value === 'number' ? value : value.toNumber();
