/**
 * The view of one layer's coefficients in one sample that an annotation's `prepare` reads: every
 * edge in the layer's input coordinates (DESIGN.md §1b), edges from padding left out.
 */
import type { AnyNode, Model } from '../nn/graph.js';
import type { LayerView } from './annotations/annotation.js';
import type { NodeCoefficients } from './coefficients.js';
import { layerIndexMap } from './token-index.js';

/** The layer view of `node`'s coefficients in sample `n`. */
export function layerView(
  model: Model,
  node: AnyNode,
  c: NodeCoefficients,
  n: number,
  toLayer: (j: number) => number = layerIndexMap(model, node),
): LayerView {
  return {
    node,
    layer: node.layer,
    sample: n,
    inputSize: c.inputSize,
    outputSize: c.outputSize,
    z: c.output.data.subarray(n * c.outputSize, (n + 1) * c.outputSize),
    forEachEdge: (emit) =>
      c.forEachEdge(n, (j, k, d) => {
        const jl = toLayer(j);
        if (jl >= 0) emit(jl, k, d);
      }),
  };
}
