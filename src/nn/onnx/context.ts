/**
 * The importer's state while it walks an ONNX graph in order: what every ONNX tensor name stands
 * for (values.ts), the model nodes emitted so far, and the helpers the per-op functions
 * (ops/*.ts) share to read their inputs and emit nodes.
 *
 * Emitting a node infers its per-sample output shape at once (through the operator's own shape
 * inference), because later ONNX ops need it: `Shape`, `Reshape` targets with -1 or 0, `Concat`
 * and `Pad` axes, `SAME` padding.
 */
import { FormatError, UnsupportedError, UnsupportedOpError } from '../../core/errors.js';
import type { Tensor } from '../../core/tensor.js';
import type { AnyNode, OpAttributes, OpName, OpParams, StrippedOutput } from '../graph.js';
import type { Attributes } from './attributes.js';
import { alternativeTo } from './ops/alternatives.js';
import type { NodeProto } from './proto.js';
import type { Activation, BatchGroup, FloatConstant, IntConstant, Value } from './values.js';
import { batchFirst, describeValue, onnxDims } from './values.js';

/** An operator's shape inference: per-sample input shapes → per-sample output shape. */
export type InferShape = (node: AnyNode, inputs: readonly (readonly number[])[]) => number[];

/** One ONNX node as the per-op functions see it. */
export interface OnnxNode {
  readonly proto: NodeProto;
  /** The ONNX op type (`Conv`). */
  readonly op: string;
  /** The model node name: the ONNX name, or `<op>_<index>` when that is empty or taken. */
  readonly name: string;
  /** The layer name (layer-name.ts). */
  readonly layer: string;
  readonly index: number;
  /** ONNX input names; '' marks an omitted optional input. */
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attrs: Attributes;
  readonly opset: number;
}

/** A per-op import function: reads the node's inputs, defines its outputs. */
export type OpImporter = (node: OnnxNode, ctx: ImportContext) => void;

/** A node's module scope: its name without the last `/` component (`/lstm` for `/lstm/LSTM`). */
export function scopeOf(name: string): string {
  const cut = name.lastIndexOf('/');
  return cut > 0 ? name.slice(0, cut) : '';
}

/** How a node is named in messages: `node "/0/Conv" (Conv)`. */
export const nodeLabel = (node: OnnxNode): string => `node "${node.name}" (${node.op})`;

/** Where an error about a node arose: `onnx import: node "/0/Conv" (Conv)`. */
export const where = (node: OnnxNode): string => `onnx import: ${nodeLabel(node)}`;

/** The state of one import. */
export class ImportContext {
  /** The model nodes, in topological order. */
  readonly nodes: AnyNode[] = [];
  /** Set when a trailing Softmax/LogSoftmax was stripped. */
  strippedOutput: StrippedOutput | undefined;
  private readonly values = new Map<string, Value>();
  /** Tensors computed by a bias-free dense node from a MatMul, by the index of that node. */
  private readonly biasFree = new Map<string, number>();

  constructor(
    /** The default domain's opset. */
    readonly opset: number,
    /** The batch size the model's input declares, if fixed. */
    readonly fixedBatch: number | undefined,
    /** The ONNX name of the graph's output. */
    readonly graphOutput: string,
    /** How often each ONNX tensor is read (by nodes and as the graph output). */
    private readonly consumerCounts: ReadonlyMap<string, number>,
    private readonly inferShape: InferShape,
    /** The supported ONNX ops, for `UnsupportedOpError` messages. */
    readonly supportedOps: readonly string[],
  ) {}

  /** Binds an ONNX tensor name to a value. */
  define(name: string, value: Value): void {
    this.values.set(name, value);
  }

  /** Binds the node's first output to a value folded at import (no model node). */
  fold(node: OnnxNode, value: Value): void {
    const output = node.outputs[0];
    if (output !== undefined && output !== '') this.define(output, value);
  }

  /** The value bound to an ONNX tensor name, if any. */
  lookup(name: string): Value | undefined {
    return this.values.get(name);
  }

  /** How many nodes (and graph outputs) read an ONNX tensor. */
  consumers(name: string): number {
    return this.consumerCounts.get(name) ?? 0;
  }

  /**
   * Input `i` of the node, or `undefined` when the optional input is omitted. An activation whose
   * exporter moved its batch axis is refused: only the ops that map their axes through
   * batch-layout.ts read it, with `laidOut`.
   */
  optional(node: OnnxNode, i: number): Value | undefined {
    const value = this.laidOut(node, i);
    if (value?.kind === 'activation' && !batchFirst(value))
      throw this.unsupported(
        node,
        `on an activation [${onnxDims(value).join(', ')}] whose batch axis the exporter moved to axis ${value.batch!.start}; ` +
          'provlrp follows a moved batch through Transpose, Reshape, Shape, MatMul, Gemm, Add, Sub, Mul, Div, Slice, ' +
          'Gather, Softmax, LayerNormalization, ReduceMean and element-wise activations only; transpose it back to the first axis before this op',
      );
    return value;
  }

  /**
   * Input `i`, which must be computed by the model, possibly with its batch axis moved: for ops
   * whose per-sample form does not depend on where the batch is (element-wise ones) or that map
   * their axes through batch-layout.ts; their output keeps the input's `batch` record.
   */
  anyActivation(node: OnnxNode, i: number): Activation {
    const value = this.laidOut(node, i);
    return value?.kind === 'activation' ? value : this.activation(node, i);
  }

  /** Input `i` of the node as it is, an activation possibly with its batch axis moved. */
  laidOut(node: OnnxNode, i: number): Value | undefined {
    const name = node.inputs[i];
    if (name === undefined || name === '') return undefined;
    const value = this.values.get(name);
    if (value === undefined)
      throw new FormatError(
        'onnx',
        `${nodeLabel(node)} reads tensor "${name}", which no earlier node, initializer or ` +
          'input defines; the graph must be topologically sorted',
      );
    return value;
  }

  /** Input `i` of the node, which must be present. */
  input(node: OnnxNode, i: number): Value {
    const value = this.optional(node, i);
    if (value === undefined)
      throw new FormatError('onnx', `${nodeLabel(node)} lacks its required input ${i}`);
    return value;
  }

  /** Input `i`, which must be computed by the model. */
  activation(node: OnnxNode, i: number): Activation {
    const value = this.input(node, i);
    if (value.kind !== 'activation')
      throw this.unsupported(node, `on a constant input ${i} (${describeValue(value)})`);
    return value;
  }

  /** Input `i`, which must be a float constant (a weight, a bias, a statistic). */
  floatConstant(node: OnnxNode, i: number): FloatConstant {
    const value = this.input(node, i);
    if (value.kind !== 'float')
      throw new UnsupportedError(
        `${where(node)}: input ${i} must be a float constant (an initializer), got ${describeValue(value)}; ` +
          'export with do_constant_folding=True so that weights are initializers',
      );
    return value;
  }

  /** Optional input `i`, which must be an int constant when present (axes, pads, shapes). */
  intConstant(node: OnnxNode, i: number): IntConstant | undefined {
    const value = this.optional(node, i);
    if (value === undefined) return undefined;
    if (value.kind !== 'int')
      throw new UnsupportedError(
        `${where(node)}: input ${i} must be an integer constant, got ${describeValue(value)}; ` +
          'provlrp folds shape computations but cannot compute them from activations',
      );
    return value;
  }

  /** An `UnsupportedOpError` for this node, with the reason the op cannot be translated here. */
  unsupported(node: OnnxNode, reason = ''): UnsupportedOpError {
    return new UnsupportedOpError(
      node.op,
      node.name,
      this.opset,
      this.supportedOps,
      reason,
      scopeOf(node.name),
      alternativeTo(node.op),
    );
  }

  /**
   * Adds a model node reading `inputs` and binds its output. The output tensor is the ONNX node's
   * first output, or, with `suffix`, an internal tensor `<output>:<suffix>` for a node in the middle
   * of a translation that emits several.
   */
  emit<O extends OpName>(
    node: OnnxNode,
    op: O,
    attributes: OpAttributes[O],
    params: OpParams[O],
    inputs: readonly Activation[],
    suffix = '',
    batch?: BatchGroup,
  ): Activation {
    const onnxOutput = node.outputs[0] ?? `${node.name}:output`;
    const output = suffix === '' ? onnxOutput : `${onnxOutput}:${suffix}`;
    const name = suffix === '' ? node.name : `${node.name}:${suffix}`;
    const modelNode = {
      op,
      name,
      layer: node.layer,
      inputs: inputs.map((a) => a.tensor),
      output,
      attributes,
      params,
    } as AnyNode;
    const shape = this.inferShape(
      modelNode,
      inputs.map((a) => a.shape),
    );
    this.nodes.push(modelNode);
    const activation: Activation = {
      kind: 'activation',
      tensor: output,
      shape,
      ...(batch === undefined || batch.end === 0 ? {} : { batch }),
    };
    if (suffix === '') this.define(onnxOutput, activation);
    return activation;
  }

  /** Marks an activation as a MatMul's bias-free product that a following Add may complete. */
  markBiasFree(activation: Activation): void {
    this.biasFree.set(activation.tensor, this.nodes.length - 1);
  }

  /**
   * Completes a bias-free MatMul product with `bias` as the dense node's bias, when `activation`
   * is one and nothing else reads it. The merged node takes the Add's output tensor; returns
   * whether it merged.
   */
  mergeBias(node: OnnxNode, activation: Activation, bias: Tensor<Float32Array>): boolean {
    const index = this.biasFree.get(activation.tensor);
    const dense = index === undefined ? undefined : this.nodes[index];
    const output = node.outputs[0];
    if (index === undefined || dense?.op !== 'dense' || output === undefined) return false;
    if (this.consumers(activation.tensor) !== 1) return false;
    this.biasFree.delete(activation.tensor);
    this.nodes[index] = { ...dense, output, params: { weight: dense.params.weight, bias } };
    // Later nodes never read the MatMul's own output: its one consumer is this Add.
    this.define(output, { ...activation, tensor: output });
    return true;
  }
}
