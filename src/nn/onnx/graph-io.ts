/**
 * The boundary of an ONNX graph: its one real input (graph inputs that are not initializers, since
 * old exports list the weights as inputs too), that input's per-sample shape and batch, its one
 * output, and its initializers as constants.
 *
 * The input must be float32 [N, …] with every per-sample dimension fixed; N may be symbolic (a
 * dynamic batch) or a fixed number (often 1), and any batch size is accepted at run time either way.
 *
 * Reference: onnx.proto `GraphProto`, `ValueInfoProto`, `TypeProto.Tensor`, `TensorShapeProto`.
 */
import { FormatError, UnsupportedError } from '../../core/errors.js';
import { type GraphProto, toInt } from './proto.js';
import { constantFromTensor } from './tensor-proto.js';
import type { Constant } from './values.js';

/** The model input as the importer needs it. */
export interface GraphInput {
  readonly name: string;
  /** Per-sample shape (without the batch axis). */
  readonly shape: readonly number[];
  /** The batch size the file declares, when it is a fixed number. */
  readonly fixedBatch: number | undefined;
  /** Whether the input holds integer token ids (given at run time as float values), for embeddings only. */
  readonly tokenIds: boolean;
  /**
   * The ONNX axis of the batch when it is not the first: the one symbolic axis of a sequence-first
   * input (seq, batch, d), as `nn.MultiheadAttention` takes by default. The model's input stays
   * batch first, [N, seq, d].
   */
  readonly batchAxis: number;
}

const FLOAT32 = 1;
const INT32 = 6;
const INT64 = 7;

/** The graph's initializers, by name (`ownsBytes`: see `constantFromTensor`). */
export function initializersOf(graph: GraphProto, ownsBytes = false): Map<string, Constant> {
  if ((graph.sparseInitializer ?? []).length > 0)
    throw new UnsupportedError('onnx import: sparse initializers are not supported; export dense weights');
  const out = new Map<string, Constant>();
  for (const t of graph.initializer ?? [])
    out.set(t.name ?? '', constantFromTensor(t, `initializer "${t.name}"`, ownsBytes));
  return out;
}

/** The one graph input that is not an initializer, with its per-sample shape. */
export function graphInputOf(graph: GraphProto, initializers: ReadonlyMap<string, unknown>): GraphInput {
  const inputs = (graph.input ?? []).filter((v) => !initializers.has(v.name ?? ''));
  const input = inputs[0];
  if (inputs.length !== 1 || input === undefined)
    throw new UnsupportedError(
      `onnx import: the graph has ${inputs.length} inputs (${inputs.map((v) => v.name).join(', ')}); ` +
        'provlrp explains models with exactly one input tensor',
    );
  const name = input.name ?? '';
  const tensorType = input.type?.tensorType;
  if (tensorType === null || tensorType === undefined)
    throw new UnsupportedError(`onnx import: input "${name}" is not a tensor`);
  const elemType = tensorType.elemType ?? 0;
  if (elemType !== FLOAT32 && elemType !== INT64 && elemType !== INT32)
    throw new UnsupportedError(
      `onnx import: input "${name}" has element type ${tensorType.elemType}; only float32 inputs, or int64/int32 token ids, are supported`,
    );
  const dims = tensorType.shape?.dim ?? [];
  if (dims.length < 2)
    throw new UnsupportedError(
      `onnx import: input "${name}" has rank ${dims.length}; it must be a batch [N, …] of rank ≥ 2 ` +
        'with the batch axis first',
    );
  const fixed = (d: (typeof dims)[number]) =>
    d.dimValue !== null && d.dimValue !== undefined ? toInt(d.dimValue) : 0;
  // The batch is axis 0, unless axis 0 is fixed and exactly one other axis is not (seq first).
  const open = dims.flatMap((d, a) => (fixed(d) >= 1 ? [] : [a]));
  const batchAxis = open.length === 1 && open[0]! > 0 ? open[0]! : 0;
  const shape = dims.flatMap((d, i) => {
    if (i === batchAxis) return [];
    const size = fixed(d);
    if (!(size >= 1 && Number.isSafeInteger(size)))
      throw new UnsupportedError(
        `onnx import: input "${name}" has no fixed size on axis ${i}` +
          `${d.dimParam ? ` ("${d.dimParam}")` : ''}; export with a fixed per-sample shape (only the batch may vary)`,
      );
    return [size];
  });
  const batch = fixed(dims[batchAxis]!);
  return {
    name,
    shape,
    fixedBatch: batch >= 1 ? batch : undefined,
    tokenIds: elemType !== FLOAT32,
    batchAxis,
  };
}

/** The graph's one output tensor name. */
export function graphOutputOf(graph: GraphProto): string {
  const outputs = graph.output ?? [];
  if (outputs.length > 1)
    throw new UnsupportedError(
      `onnx import: the graph has ${outputs.length} outputs; provlrp explains models with one output (the logits)`,
    );
  const output = outputs[0]?.name;
  if (output === undefined || output === null || output === '')
    throw new FormatError('onnx', 'the graph declares no (named) output; it is not a valid ONNX model');
  return output;
}
