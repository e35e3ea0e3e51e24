/**
 * Names of neurons in the expanded circuit and in equations: element k of the output of layer L
 * is R[L,k] (DESIGN.md §1b's layer names), an element of the model input R[input,k]. A tensor
 * inside a layer (the Pad before an AveragePool of the same layer) is R[L#n,k], n counting the
 * layer's nodes from 0, so that no two neurons share a name.
 */
import type { Model } from '../nn/graph.js';

/** The name of the neurons of a tensor: its producing layer, `input`, or `layer#n` inside a layer. */
export function tensorLabel(model: Model, tensor: string): string {
  if (tensor === model.input) return 'input';
  const index = model.nodes.findIndex((n) => n.output === tensor);
  const node = model.nodes[index]!;
  const sameLayer = model.nodes.filter((n) => n.layer === node.layer);
  const last = sameLayer[sameLayer.length - 1]!;
  return last === node ? node.layer : `${node.layer}#${sameLayer.indexOf(node)}`;
}

/** R[label,k] in text. */
export const neuronText = (label: string, k: number): string => `R[${label},${k}]`;

/** R^{(label)}_{k} in LaTeX. */
export const neuronLatex = (label: string, k: number): string => `R^{(${latexLabel(label)})}_{${k}}`;

function latexLabel(label: string): string {
  return label.replace(/[\\{}_#$%&^~]/g, (c) => `\\${c === '\\' ? 'textbackslash{}' : c}`);
}
