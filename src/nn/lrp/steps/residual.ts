/**
 * Residual sums z = Σ_i a_i under the norm rule: each input keeps its share of the output,
 * f_k = 1 / stab(Σ_i a_i,k) with the rule's stabiliser, and
 * - factored: R_i = a_i ⊙ f ⊙ R;
 * - per edge: d_jk = a_j · f_k, j indexing the inputs laid end to end (element e of input i is
 *   j = i·n + e, DESIGN.md §1b).
 */
import { allocate, type DType, type FloatArray, sizeOf, type Tensor } from '../../../core/tensor.js';
import { forEachAddEdge } from '../../connectivity/structural.js';
import type { LinearRule } from '../rule.js';
import { invertStabilized } from '../stabilizer.js';
import { expectLinear } from './linear.js';
import { lazy, type StepRule } from './step.js';

/** f = 1 / stab(Σ_i a_i), for the batch. */
function residualFactor(inputs: readonly Tensor[], perOut: number, rule: LinearRule): FloatArray {
  const dtype: DType = inputs[0]!.data instanceof Float64Array ? 'float64' : 'float32';
  const factor = allocate(dtype, inputs[0]!.data.length);
  for (const a of inputs) for (let i = 0; i < factor.length; i++) factor[i] = factor[i]! + a.data[i]!;
  invertStabilized(factor, perOut, rule.stabilizer);
  return factor;
}

export const residualStep: StepRule = {
  relevance({ node, rule, inputs, shapes }, R) {
    const factor = residualFactor(inputs, sizeOf(shapes.output), expectLinear(node, rule));
    return inputs.map((a) => {
      const rIn = allocate(factor instanceof Float64Array ? 'float64' : 'float32', R.length);
      for (let i = 0; i < rIn.length; i++) rIn[i] = a.data[i]! * factor[i]! * R[i]!;
      return rIn;
    });
  },
  coefficients({ node, rule, inputs, shapes }) {
    const perOut = sizeOf(shapes.output);
    const linear = expectLinear(node, rule);
    const factorOf = lazy(() => residualFactor(inputs, perOut, linear));
    return {
      tokenized: true,
      forEachEdge: (n, emit) => {
        const factor = factorOf();
        forEachAddEdge(shapes, (j, k) => {
          const input = inputs[Math.floor(j / perOut)]!;
          emit(j, k, input.data[n * perOut + k]! * factor[n * perOut + k]!);
        });
      },
    };
  },
};
