/**
 * The size of symbolic relevance, predicted before anything symbolic is built (DESIGN.md §1b).
 *
 * Unfolded, the relevance of input j in ℕ[X] has one monomial per path j → target whose every
 * edge has a non-zero annotation, so Σ_j #paths(j) bounds the monomials of every provenance
 * semiring (ℕ[X] keeps them all; 𝔹[X], Why(X), … merge some). That number is the relevance in the
 * counting semiring ℕ under the annotation's *support* Θ̂(d_jk) = [Θ(d_jk) ≠ 0], seeded one-hot.
 *
 * The support is read from the annotation before it is lifted, so no symbolic value is made:
 * - a `token` annotation (the default of the provenance semirings) is non-zero on every edge of
 *   the circuit, so the count depends on the connectivity alone. On dense and conv layers it is
 *   R_in = W₁ᵀ R_out with every weight 1 (exactly the edges the circuit has, padding taps
 *   excluded), which runs on the adjoint GEMM instead of edge by edge;
 * - an `indicator` annotation's support is its own test; a `number` annotation's is "not 0";
 * - a user's own annotation is asked edge by edge, and its value compared with the semiring's 0.
 * Sound both ways: nothing that fits is refused and nothing over the limit is built. Counts are
 * exact in float64 up to 2^53; the structural count runs first on the float32 GEMMs and is
 * recounted in float64 whenever float32's rounding could put it on the wrong side of the limit
 * (`structuralEstimate`).
 *
 * Cost: the structural count is one adjoint pass (0.15–0.3 s on VGG-16 at 1/8 width, bench
 * `symbolic-size`), and it comes first for every annotation: it bounds every support's count, so a
 * request it fits is accepted at once. Otherwise an indicator or number support is counted edge by
 * edge, as fast as counting relevance itself, which on VGG-sized convolutions takes seconds.
 */
import { LimitError } from '../core/errors.js';
import { type PropagationVisitor, propagate, startPropagation } from '../core/propagate.js';
import { allocate, type DType, type FloatArray } from '../core/tensor.js';
import type { AnyNode } from '../nn/graph.js';
import {
  isLinearNode,
  LinearLayer,
  type LinearStatistics,
  oneParam,
  propagateLinear,
  type Rule,
} from '../nn/lrp/index.js';
import { opOf } from '../nn/ops/index.js';
import type { Semiring } from '../semirings/index.js';
import { type Annotation, liftedFrom } from './annotations/annotation.js';
import type { NodeCoefficients } from './coefficients.js';
import { kernelVisitor } from './kernel-evaluator.js';
import { countingKernel } from './kernels/kernel.js';
import type { CircuitPlan, CircuitStep } from './plan.js';

/** What predicting the size needs from a trace. */
export interface SymbolicSizeRequest {
  readonly plan: CircuitPlan;
  readonly batch: number;
  /** The tensor whose relevance is wanted. */
  readonly target: string;
  /** Relevance at the output in ℕ: one-hot at each sample's target, batch × classes. */
  readonly seed: Float64Array;
  /** The rule of a node, and a step's coefficients under it (computed only where needed). */
  readonly rule: (node: AnyNode) => Rule;
  readonly coefficients: (step: CircuitStep) => NodeCoefficients;
  /** The annotation, lifted into the semiring (`liftedFrom` tells a built-in one's raw form). */
  readonly annotation: Annotation<unknown>;
}

/** The number of monomials (paths with a non-zero annotation on every edge) of the relevance. */
export function symbolicSize<T>(request: SymbolicSizeRequest, K: Semiring<T>): number {
  if (isStructural(request)) return structuralPathCount(request, 'float64');
  const { annotation } = request;
  const support: Annotation<number> = {
    name: `support of ${annotation.name}`,
    ...(annotation.prepare ? { prepare: annotation.prepare.bind(annotation) } : {}),
    map: supportMap(request, K),
  };
  return count(request, perEdgeCounting(request, support));
}

/**
 * Whether the support is every edge of the circuit (a `token` annotation) and the circuit keeps
 * them all (a restricted circuit's knocked-out edges are skipped edge by edge instead).
 */
const isStructural = (request: SymbolicSizeRequest): boolean =>
  liftedFrom(request.annotation)?.kind === 'token' && request.plan.knockouts.edges.size === 0;

function perEdgeCounting(request: SymbolicSizeRequest, support: Annotation<number>) {
  return kernelVisitor({
    plan: request.plan,
    kernel: countingKernel,
    annotation: support as Annotation<unknown>,
    coefficients: request.coefficients,
    batch: request.batch,
  });
}

/** Σ of the counts at the target, propagated from the one-hot seed by `visitor`. */
function count(request: SymbolicSizeRequest, visitor: PropagationVisitor<FloatArray>): number {
  const { plan, target } = request;
  const state = startPropagation<FloatArray>(plan.steps, new Map([[plan.model.output, request.seed]]));
  return sum(propagate(plan.steps, state, plan.producer(target), target, visitor));
}

/**
 * Refuses symbolic relevance in `K` with more than `limit` monomials, with a `LimitError` that says
 * how to restrict it.
 */
export function assertSymbolicSize<T>(request: SymbolicSizeRequest, K: Semiring<T>, limit: number): void {
  // The structural count bounds every support's (a support keeps some of the circuit's edges), so
  // where it fits, the edge-by-edge count is not needed.
  const structural = structuralEstimate(request, limit);
  if (!isStructural(request) && structural <= limit) return;
  const size = isStructural(request) ? structural : symbolicSize(request, K);
  if (size > limit)
    throw new LimitError(
      `relevance in ${K.name}`,
      Number.isFinite(size) ? size : Number.MAX_VALUE,
      limit,
      'restrict it with an annotation (threshold:T), a layer, a target, or expand() one input; or raise limit',
    );
}

/**
 * The structural count on the float32 GEMMs (several times faster than float64), trusted where
 * its rounding cannot matter: float32 holds integers exactly up to 2^24, and with float64
 * accumulation each layer adds at most one rounding of 2^-24, so a count more than 0.1 % from the
 * limit is on the right side of it. A count near the limit, or an overflow when the limit is near
 * float32's range, is recounted exactly in float64.
 */
function structuralEstimate(request: SymbolicSizeRequest, limit: number): number {
  const estimate = structuralPathCount(request, 'float32');
  const margin = 1e-3;
  const clear = Number.isFinite(estimate)
    ? estimate < 2 ** 24 || estimate > limit * (1 + margin) || estimate < limit * (1 - margin)
    : limit < FLOAT32_MAX * (1 - margin);
  return clear ? estimate : structuralPathCount(request, 'float64');
}

const FLOAT32_MAX = 3.4028234663852886e38;

/** Θ̂ of a built-in raw annotation, or of a user's annotation compared with 0 in `K`. */
function supportMap<T>(request: SymbolicSizeRequest, K: Semiring<T>): Annotation<number>['map'] {
  const { annotation } = request;
  const raw = liftedFrom(annotation);
  if (raw?.kind === 'indicator') return (d, edge, stats) => (raw.value(d, edge, stats as never) ? 1 : 0);
  // A number lifted by `fromNumber` may round to 0 in K; one lifted as a weighted token is 0 only at 0.
  if (raw?.kind === 'number' && !K.fromNumber)
    return (d, edge, stats) => (raw.value(d, edge, stats as never) !== 0 ? 1 : 0);
  return (d, edge, stats) => (K.equals(annotation.map(d, edge, stats) as T, K.zero) ? 0 : 1);
}

/**
 * Paths through every edge of the circuit: dense and conv layers on the adjoint with unit
 * weights, every other step (pooling, residual sums, structural edges) edge by edge with Θ̂ ≡ 1.
 */
function structuralPathCount(request: SymbolicSizeRequest, dtype: DType): number {
  const { plan, batch } = request;
  const perEdge = perEdgeCounting(request, { name: 'support of token', map: () => 1 });
  const unit = new Map<number, LinearStatistics>();
  const visitor: PropagationVisitor<FloatArray> = {
    ...perEdge,
    visit(i, upper, lower, fresh) {
      const { node } = plan.steps[i]!;
      const rule = request.rule(node);
      const op = opOf(node);
      if (!(op.lrp === 'linear' && op.hasParams && isLinearNode(node) && rule.kind === 'linear')) {
        perEdge.visit(i, upper, lower, fresh);
        return;
      }
      let stats = unit.get(i);
      if (stats === undefined) {
        stats = unitStatistics(plan.steps[i]!, rule, batch, dtype);
        unit.set(i, stats);
      }
      const passed = propagateLinear(stats, upper);
      const into = lower[0]!;
      for (let j = 0; j < into.length; j++) into[j] = into[j]! + passed[j]!;
    },
  };
  return count(request, visitor);
}

/** A dense or conv layer with every coefficient 1, in factored form: R_in = W₁ᵀ R_out. */
function unitStatistics(step: CircuitStep, rule: Rule, batch: number, dtype: DType): LinearStatistics {
  const node = step.node as AnyNode & { op: 'dense' | 'conv' };
  return {
    layer: new LinearLayer(node, step.shapes.inputs[0]!, step.shapes.output),
    rule: rule as LinearStatistics['rule'],
    batch,
    dtype,
    groups: [
      {
        factor: allocate(dtype, batch * step.outputSize).fill(1),
        terms: [{ input: allocate(dtype, 0), weight: oneParam, sign: 1, ones: true, zero: false }],
      },
    ],
  };
}

function sum(values: FloatArray): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}
