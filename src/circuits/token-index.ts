/**
 * Where tokens sit and how they are named (DESIGN.md §1b): an edge of a tokenised operator in
 * layer L from input element j to output element k carries the token x[L, j, k], with j the index
 * of the element in the *layer's* input and k in the layer's output. When structural operators
 * of the same layer come first (PyTorch's AvgPool2d with padding exports as Pad then AveragePool,
 * both layer "5"), j is mapped back through them; an edge whose source is padding has no element
 * of the layer's input behind it, carries no relevance anywhere (padding passes nothing back), and
 * is left out of the circuit.
 */

import { type NodeShapes, nodeShapes } from '../nn/connectivity/connectivity.js';
import type { AnyNode, Model } from '../nn/graph.js';
import { producerOf } from '../nn/layers.js';
import { opOf } from '../nn/ops/index.js';

/** Maps an index of a node's (concatenated) input to the layer's input, or −1 for padding. */
export type LayerIndexMap = (j: number) => number;

/** The map from `node`'s input indices to its layer's input indices. */
export function layerIndexMap(model: Model, node: AnyNode): LayerIndexMap {
  if (node.inputs.length !== 1) return (j) => j;
  const producer = producerOf(model, node.inputs[0]!);
  if (!producer || producer.layer !== node.layer || producer.inputs.length !== 1) return (j) => j;
  const inner = inverseOf(producer, nodeShapes(model, producer));
  if (inner === undefined) return (j) => j;
  const outer = layerIndexMap(model, producer);
  return (j) => {
    const i = inner(j);
    return i < 0 ? -1 : outer(i);
  };
}

/** The inverse index map of a structural node (output index → input index, −1 if none). */
function inverseOf(node: AnyNode, shapes: NodeShapes): LayerIndexMap | undefined {
  const op = opOf(node);
  if (op.lrp === 'elementwise') return (j) => j;
  if (op.lrp !== 'routing') return undefined;
  const size = shapes.output.reduce((p, d) => p * d, 1);
  const inverse = new Int32Array(size).fill(-1);
  const record = (j: number, k: number) => {
    inverse[k] = j;
  };
  op.edges(node, shapes, record);
  return (j) => inverse[j] ?? -1;
}
