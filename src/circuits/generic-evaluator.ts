/**
 * The generic gate-level evaluator: K-LRP in any semiring by walking the neuron-level edges,
 * R_j = ⊕_k Θ(d_jk) ⊗ R_k, one sample at a time, as a visitor of the propagation driver. Tokenised
 * edges take their annotation's value, structural edges the constant 1 (so they carry R_k
 * unchanged). It uses nothing of a semiring but its operations, so it serves ℕ[X], Why(X), ℚ and
 * a user's own semirings, and is the reference twin of every fast kernel. Per-element calls make
 * it slow: meant for small nets, and MNIST-sized ones with patience.
 *
 * Edges whose upper relevance is 0 are skipped, which the semiring laws allow (0 annihilates
 * under ⊗ and is the identity of ⊕).
 */
import type { PropagationVisitor } from '../core/propagate.js';
import { edgeToken, type Semiring } from '../semirings/index.js';
import type { Annotation, EdgeInfo } from './annotations/annotation.js';
import type { NodeCoefficients } from './coefficients.js';
import { knockOut } from './kernel-evaluator.js';
import { layerView } from './layer-view.js';
import type { CircuitPlan, CircuitStep } from './plan.js';

/** What the generic visitor needs. */
export interface GenericEvaluation<T> {
  readonly plan: CircuitPlan;
  readonly K: Semiring<T>;
  readonly annotation: Annotation<T>;
  /** The coefficients of a step (computed on demand). */
  readonly coefficients: (step: CircuitStep) => NodeCoefficients;
  /** The sample this visitor propagates. */
  readonly sample: number;
}

/** The generic visitor of one sample: relevance as an array of semiring values per tensor. */
export function genericVisitor<T>(evaluation: GenericEvaluation<T>): PropagationVisitor<T[]> {
  const { plan, K, annotation, sample: n } = evaluation;
  const isZero = (v: T) => K.equals(v, K.zero);
  return {
    zero: (tensor) => new Array<T>(plan.size(tensor)).fill(K.zero),
    visit(i, rOut, inputs) {
      const step = plan.steps[i]!;
      const coefficients = evaluation.coefficients(step);
      const at = (j: number): [T[], number] => {
        const [input, local] = plan.locate(step, j);
        return [inputs[input]!, local];
      };
      if (!coefficients.tokenized) {
        coefficients.forEachEdge(n, (j, k) => {
          const upper = rOut[k]!;
          if (isZero(upper)) return;
          const [values, local] = at(j);
          values[local] = K.plus(values[local]!, upper); // a structural edge carries 1, and 1 ⊗ R = R
        });
        return;
      }
      const { node, toLayer } = step;
      const removed = plan.removedEdges(step);
      const stats = annotation.prepare?.(layerView(plan.model, step.node, coefficients, n, step.toLayer));
      coefficients.forEachEdge(n, (j, k, d) => {
        const upper = rOut[k]!;
        if (isZero(upper)) return;
        const jl = toLayer(j);
        if (jl < 0) return; // from padding: no element of the layer's input behind it
        if (removed?.has(jl * coefficients.outputSize + k)) return; // knocked out: Θ = 0
        const edge: EdgeInfo = { layer: node.layer, j: jl, k, token: () => edgeToken(node.layer, jl, k) };
        const [values, local] = at(j);
        values[local] = K.plus(values[local]!, K.times(annotation.map(d, edge, stats), upper));
      });
    },
    complete: knockOut(plan, 1, K.zero),
  };
}
