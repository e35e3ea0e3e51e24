/**
 * Structural operators carry relevance unchanged: coefficient 1 on each edge and no token.
 * - `elementwise` (ReLU, reshapes, dropout, identity, merged BatchNorm): output k from input k,
 *   so the factored step hands R on as it is (zennit's Pass rule);
 * - `routing` (padding, concatenation, transpose, slice, gather, expand, tile): each input element
 *   receives the sum of the relevance of the outputs its edges lead to, R_j = Σ_k R_k (one output
 *   for a move, several for a copy; padding's own positions and unselected elements pass
 *   nothing back).
 */
import { allocate, type FloatArray, sizeOf } from '../../../core/tensor.js';
import { opOf } from '../../ops/index.js';
import { expectKind } from './linear.js';
import type { EdgeCoefficients, StepContext, StepRule } from './step.js';

/** Coefficient 1 on every edge of the operator's connectivity. */
function unitEdges({ node, shapes }: StepContext): EdgeCoefficients {
  return { tokenized: false, forEachEdge: (_n, emit) => opOf(node).edges(node, shapes, emit) };
}

export const elementwiseStep: StepRule = {
  relevance({ node, rule }, R) {
    expectKind(node, rule, 'pass');
    return [R];
  },
  coefficients: unitEdges,
};

export const routingStep: StepRule = {
  relevance({ node, shapes, inputs }, R) {
    const sizes = shapes.inputs.map(sizeOf);
    const perOut = sizeOf(shapes.output);
    const batch = R.length / perOut;
    const dtype = R instanceof Float64Array ? 'float64' : 'float32';
    const rIn: FloatArray[] = inputs.map((a) => allocate(dtype, a.data.length));
    opOf(node).edges(node, shapes, (j, k) => {
      let input = 0;
      while (j >= sizes[input]!) j -= sizes[input++]!;
      const into = rIn[input]!;
      const per = sizes[input]!;
      for (let n = 0; n < batch; n++) into[n * per + j] = into[n * per + j]! + R[n * perOut + k]!;
    });
    return rIn;
  },
  coefficients: unitEdges,
};
