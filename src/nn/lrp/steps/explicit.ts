/**
 * Operators whose relevance rule is their own formula for the coefficients, d_jk for every edge
 * (input element j, output element k) of a sample, computed from the forward pass: the product
 * of two activations and the matrix product (AttnLRP's uniform rule), softmax (AttnLRP's Taylor
 * decomposition at the input), LayerNorm (the normaliser held constant). Each formula sits beside
 * its operator (`relevanceEdges` in ops/<op>.ts) and in docs/rules.md.
 * - per edge: the operator's d_jk, its edges carrying tokens;
 * - factored: R_j = Σ_k d_jk·R_k over the same coefficients, for the whole batch.
 * The stabiliser of a denominator (matmul, LayerNorm) is the node's rule's when that is a linear
 * rule (the composite's ε), else DEFAULT_STABILIZER.
 */
import { allocate, type DType, type FloatArray, sizeOf } from '../../../core/tensor.js';
import { opOf } from '../../ops/index.js';
import type { Rule } from '../rule.js';
import { DEFAULT_STABILIZER, type Stabilizer } from '../stabilizer.js';
import type { StepRule } from './step.js';

/** The stabiliser an explicit rule uses under `rule`. */
const stabilizerOf = (rule: Rule): Stabilizer =>
  rule.kind === 'linear' || rule.kind === 'max_pool' ? rule.stabilizer : DEFAULT_STABILIZER;

export const explicitStep: StepRule = {
  relevance({ node, rule, shapes, inputs, output }, R) {
    const op = opOf(node);
    if (op.lrp !== 'explicit') throw new Error(`unreachable: ${node.op} is not explicit`);
    const dtype: DType = R instanceof Float64Array ? 'float64' : 'float32';
    const sizes = shapes.inputs.map(sizeOf);
    const perIn = sizes.reduce((p, s) => p + s, 0);
    const perOut = sizeOf(shapes.output);
    const batch = R.length / perOut;
    const stabilizer = stabilizerOf(rule);
    const flat = new Float64Array(batch * perIn);
    for (let n = 0; n < batch; n++)
      op.relevanceEdges(node, { shapes, inputs, output, stabilizer }, n, (j, k, d) => {
        flat[n * perIn + j] = flat[n * perIn + j]! + d * R[n * perOut + k]!;
      });
    let offset = 0;
    return sizes.map((size) => {
      const into = allocate(dtype, batch * size);
      for (let n = 0; n < batch; n++)
        for (let j = 0; j < size; j++) into[n * size + j] = flat[n * perIn + offset + j]!;
      offset += size;
      return into as FloatArray;
    });
  },
  coefficients({ node, rule, shapes, inputs, output }) {
    const op = opOf(node);
    if (op.lrp !== 'explicit') throw new Error(`unreachable: ${node.op} is not explicit`);
    const stabilizer = stabilizerOf(rule);
    return {
      tokenized: true,
      forEachEdge: (n, emit) => op.relevanceEdges(node, { shapes, inputs, output, stabilizer }, n, emit),
    };
  },
};
