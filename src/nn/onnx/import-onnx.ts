/**
 * ONNX import: an `.onnx` file (or its bytes) → a provlrp `Model` (DESIGN.md §5).
 *
 * The graph is walked once, in its (topological) order. Each node goes to its op's import function
 * (ops/index.ts), which either folds it (constants, shape computations) or emits model nodes with
 * their layer names (layer-name.ts). Nodes that do not lead to the output are dropped, the model is
 * validated by `createModel`, and BatchNorms are folded into the layer before them unless
 * `foldBatchNorm: false`.
 *
 * Errors: a corrupt file → `FormatError('onnx', …)`; an op, opset or form provlrp cannot translate →
 * `UnsupportedOpError` / `UnsupportedError`; shapes that do not fit → `ShapeError`.
 */
import {
  FormatError,
  InvalidArgumentError,
  LimitError,
  UnsupportedError,
  UnsupportedOpError,
} from '../../core/errors.js';
import { sizeOf } from '../../core/tensor.js';
import { foldBatchNorm } from '../canonize/batch-norm.js';
import type { AnyNode, Model } from '../graph.js';
import { createModel, type ModelSpec } from '../model.js';
import { opOf } from '../ops/index.js';
import { attributesOf } from './attributes.js';
import { ImportContext, type InferShape, type OnnxNode, type OpImporter, scopeOf } from './context.js';
import { decodeOnnx, isDefaultDomain, type OnnxModel, readOnnxBytes } from './decode.js';
import { fusePatterns } from './fuse.js';
import { graphInputOf, graphOutputOf, initializersOf } from './graph-io.js';
import { layerName } from './layer-name.js';
import { alternativeTo } from './ops/alternatives.js';
import { ONNX_OPS, SUPPORTED_ONNX_OPS } from './ops/index.js';
import type { GraphProto, NodeProto } from './proto.js';
import { batchFirst, onnxDims } from './values.js';

/** Options of `importOnnx`. */
export interface ImportOnnxOptions {
  /** Fold each BatchNorm into the Gemm, MatMul or Conv before it, as zennit does. Default true. */
  readonly foldBatchNorm?: boolean;
}

/** The defaults of `importOnnx`. */
export const IMPORT_ONNX_DEFAULTS: Required<ImportOnnxOptions> = { foldBatchNorm: true };

/** The most elements one sample of an activation may have (2^27, 512 MiB of float32). */
export const MAX_ACTIVATION_ELEMENTS = 1 << 27;

/**
 * Imports an ONNX model.
 *
 * @param source - a path to an `.onnx` file, or the file's bytes
 * @throws FormatError for bytes that are not a valid ONNX model (truncated, corrupt, no graph)
 * @throws UnsupportedOpError / UnsupportedError for ops, opsets or forms provlrp cannot translate
 * @throws ShapeError when shapes in the graph do not fit together
 */
export function importOnnx(source: string | Uint8Array, options: ImportOnnxOptions = {}): Model {
  if (typeof source !== 'string' && !(source instanceof Uint8Array))
    throw new InvalidArgumentError(
      'importOnnx',
      'source must be a path or the bytes (Uint8Array) of an .onnx file',
    );
  const settings = { ...IMPORT_ONNX_DEFAULTS, ...options };
  // NOTE: bytes read here are the importer's own, so the weights become views of them (decode.ts);
  // bytes passed in stay the caller's and are copied from.
  const decoded =
    typeof source === 'string' ? decodeOnnx(readOnnxBytes(source), { ownsBytes: true }) : decodeOnnx(source);
  const model = createModel(onnxToModelSpec(decoded));
  return settings.foldBatchNorm ? foldBatchNorm(model) : model;
}

/** `importOnnx` of a file, by name. */
export const readOnnxFile = (path: string, options: ImportOnnxOptions = {}): Model =>
  importOnnx(path, options);

/** The model spec of a decoded ONNX model (before validation and BatchNorm folding). */
export function onnxToModelSpec(onnx: OnnxModel): ModelSpec {
  const { graph, opset } = onnx;
  const initializers = initializersOf(graph, onnx.ownsBytes === true);
  const input = graphInputOf(graph, initializers);
  const output = graphOutputOf(graph);
  const ctx = new ImportContext(
    opset,
    input.fixedBatch,
    output,
    consumerCounts(graph, output),
    inferShape,
    SUPPORTED_ONNX_OPS,
  );
  for (const [name, value] of initializers) ctx.define(name, value);
  const batchAxis = input.batchAxis;
  ctx.define(input.name, {
    kind: 'activation',
    tensor: input.name,
    shape: input.shape,
    ...(batchAxis === 0 ? {} : { batch: { start: batchAxis, at: batchAxis, end: batchAxis } }),
  });
  const names = new Set<string>();
  const nodes = fusePatterns(graph.node ?? [], initializers, output).map((proto, index) =>
    onnxNodeOf(proto, index, opset, names),
  );
  // An op provlrp has no importer for is named first, before any of its inputs' computations
  // (an LSTM's initial state, say) fails in a way that hides what the model contains.
  const unknown = nodes.find((node) => importerOf(node) === undefined);
  if (unknown !== undefined) throw unsupportedOp(unknown);
  for (const node of nodes) importNode(node, ctx);
  if (input.tokenIds)
    for (const node of ctx.nodes)
      if (node.inputs.includes(input.name) && node.op !== 'embedding')
        throw new UnsupportedError(
          `onnx import: input "${input.name}" holds integer token ids, which only an embedding (Gather of a weight) may read; node "${node.name}" (${node.op}) reads it`,
        );
  const result = ctx.lookup(output);
  if (result === undefined)
    throw new FormatError('onnx', `the graph output "${output}" is computed by no node`);
  if (result.kind !== 'activation')
    throw new FormatError(
      'onnx',
      `the graph output "${output}" is a constant; it does not depend on the input`,
    );
  if (!batchFirst(result))
    throw new UnsupportedError(
      `onnx import: the graph output "${output}" [${onnxDims(result).join(', ')}] holds the batch on axis ${result.batch!.start}; ` +
        'provlrp models are batch first: transpose it back (batch_first=True) before the output',
    );
  return {
    input: input.name,
    inputShape: input.shape,
    output: result.tensor,
    nodes: liveNodes(ctx.nodes, result.tensor),
    ...(ctx.strippedOutput === undefined ? {} : { strippedOutput: ctx.strippedOutput }),
  };
}

/** An ONNX node as the per-op functions see it, with a unique name and its layer. */
function onnxNodeOf(proto: NodeProto, index: number, opset: number, names: Set<string>): OnnxNode {
  const op = proto.opType ?? '';
  const name = uniqueName(proto.name || `${op}_${index}`, index, names);
  return {
    proto,
    op,
    name,
    layer: layerName(proto.name ?? '', op, index),
    index,
    inputs: proto.input ?? [],
    outputs: proto.output ?? [],
    attrs: attributesOf(proto, `node "${name}" (${op})`),
    opset,
  };
}

/** Hands a node to its op's import function; checks that every output something reads got a value. */
/** The import function of a node's op, if provlrp has one (default domain only). */
function importerOf(node: OnnxNode): OpImporter | undefined {
  if (!isDefaultDomain(node.proto.domain)) return undefined;
  return Object.hasOwn(ONNX_OPS, node.op) ? ONNX_OPS[node.op] : undefined;
}

/** The error for an op provlrp has no importer for: its node, scope and nearest alternative. */
function unsupportedOp(node: OnnxNode): UnsupportedOpError {
  const domain = node.proto.domain;
  return new UnsupportedOpError(
    isDefaultDomain(domain) ? node.op : `${domain}.${node.op}`,
    node.name,
    node.opset,
    SUPPORTED_ONNX_OPS,
    '',
    scopeOf(node.name),
    isDefaultDomain(domain) ? alternativeTo(node.op) : '',
  );
}

function importNode(node: OnnxNode, ctx: ImportContext): void {
  const importer = importerOf(node);
  if (importer === undefined) throw unsupportedOp(node);
  importer(node, ctx);
  for (const [k, out] of node.outputs.entries())
    if (out !== '' && ctx.consumers(out) > 0 && ctx.lookup(out) === undefined)
      throw ctx.unsupported(node, `with its output ${k} in use`);
}

/** Each emitted node's shape, from its operator, with a bound on the activation size. */
const inferShape: InferShape = (node, inputs) => {
  const shape = opOf(node).inferShape(node, inputs);
  const size = sizeOf(shape);
  if (size > MAX_ACTIVATION_ELEMENTS)
    throw new LimitError(
      `onnx import: node "${node.name}" (${node.op}) output per sample`,
      size,
      MAX_ACTIVATION_ELEMENTS,
    );
  return shape;
};

/** How many node inputs (and graph outputs) read each tensor. */
function consumerCounts(graph: GraphProto, output: string): Map<string, number> {
  const counts = new Map<string, number>([[output, 1]]);
  for (const node of graph.node ?? [])
    for (const name of node.input ?? []) if (name !== '') counts.set(name, (counts.get(name) ?? 0) + 1);
  return counts;
}

/** `name`, or `name_<index>` when an earlier node took it. */
function uniqueName(name: string, index: number, taken: Set<string>): string {
  let unique = name;
  for (let k = 0; taken.has(unique); k++) unique = `${name}_${index}${k === 0 ? '' : `_${k}`}`;
  taken.add(unique);
  return unique;
}

/** The nodes the output depends on, in order (dead branches of the graph dropped). */
function liveNodes(nodes: readonly AnyNode[], output: string): AnyNode[] {
  const needed = new Set([output]);
  const live: AnyNode[] = [];
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i]!;
    if (!needed.has(node.output)) continue;
    live.push(node);
    for (const name of node.inputs) needed.add(name);
  }
  return live.reverse();
}
