/**
 * Connectivity: the neuron-level edges of each operator, one enumerator per token family
 * (DESIGN.md §1b). An enumerator calls `emit(j, k, w)` for every (input element j, output element
 * k) pair the operator connects in one sample, with w the connection's own weight: W[k, j] for
 * dense, the kernel tap for conv, 1/divisor for average pooling, 1 for structural edges. For
 * operators with several inputs, j runs over the inputs laid end to end, in input order.
 */
import type { AnyNode, Model } from '../graph.js';

/** Receives one edge. */
export type EmitEdge = (j: number, k: number, w: number) => void;

/** The per-sample shapes an enumerator needs. */
export interface NodeShapes {
  readonly inputs: readonly (readonly number[])[];
  readonly output: readonly number[];
}

/** The per-sample shapes of a node's inputs and output. */
export function nodeShapes(model: Model, node: AnyNode): NodeShapes {
  return { inputs: node.inputs.map((t) => model.shapes.get(t)!), output: model.shapes.get(node.output)! };
}

/** The per-sample shapes of batched tensors (batch axis first), as a node's forward pass sees them. */
export const batchedNodeShapes = (
  inputs: readonly { shape: readonly number[] }[],
  output: { shape: readonly number[] },
): NodeShapes => ({ inputs: inputs.map((t) => t.shape.slice(1)), output: output.shape.slice(1) });

/** The number of elements of a per-sample shape. */
export const elements = (shape: readonly number[]): number => shape.reduce((p, d) => p * d, 1);
