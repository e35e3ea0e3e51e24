/**
 * Dense connectivity: every input element j of a row to every output element k of that row, with
 * weight W[k, j] (W is [out, in]; leading axes beyond the last are independent rows).
 */
import type { Node } from '../graph.js';
import type { EmitEdge, NodeShapes } from './connectivity.js';
import { elements } from './connectivity.js';

export function forEachDenseEdge(node: Node<'dense'>, shapes: NodeShapes, emit: EmitEdge): void {
  const w = node.params.weight.data;
  const [nOut = 0, nIn = 0] = node.params.weight.shape;
  const rows = elements(shapes.output) / nOut;
  for (let r = 0; r < rows; r++)
    for (let k = 0; k < nOut; k++)
      for (let j = 0; j < nIn; j++) emit(r * nIn + j, r * nOut + k, w[k * nIn + j]!);
}
