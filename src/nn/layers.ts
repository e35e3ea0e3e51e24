/**
 * Layers: the names the user speaks of (DESIGN.md §1b). A layer is the set of nodes sharing a
 * `layer` name (a PyTorch module path, or a node's own name); "relevance at a layer" means at the
 * output of its LAST node in topological order (`/5/Pad` + `/5/AveragePool` → the pool's output).
 */
import { NotFoundError } from '../core/errors.js';
import type { AnyNode, Model } from './graph.js';

/** The distinct layer names of a model, in the order their first node appears. */
export function layerNames(model: Model): string[] {
  const seen = new Set<string>();
  for (const node of model.nodes) seen.add(node.layer);
  return [...seen];
}

/** The nodes of a layer, in topological order; a `NotFoundError` listing the known layers otherwise. */
export function nodesOfLayer(model: Model, layer: string): AnyNode[] {
  const nodes = model.nodes.filter((node) => node.layer === layer);
  if (nodes.length === 0) throw new NotFoundError('layer', layer, layerNames(model));
  return nodes;
}

/** The output tensor of a layer: its last node's output. */
export function layerOutput(model: Model, layer: string): string {
  const nodes = nodesOfLayer(model, layer);
  return nodes[nodes.length - 1]!.output;
}

/** The node that produces a tensor, or `undefined` for the model input. */
export function producerOf(model: Model, tensor: string): AnyNode | undefined {
  const node = model.nodes.find((n) => n.output === tensor);
  if (node === undefined && tensor !== model.input)
    throw new NotFoundError('tensor', tensor, [...model.shapes.keys()]);
  return node;
}

/** The nodes that read a tensor, in topological order. */
export function consumersOf(model: Model, tensor: string): AnyNode[] {
  return model.nodes.filter((node) => node.inputs.includes(tensor));
}
