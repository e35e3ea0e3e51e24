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
 * Cost: the structural count is one adjoint pass (≈0.3 s on VGG-16 at 1/8 width, bench
 * `symbolic-size`); an indicator or number support is counted edge by edge, as fast as counting
 * relevance itself, which on VGG-sized convolutions takes seconds.
 */
import { LimitError } from '../core/errors.js';
import { allocate, type DType } from '../core/tensor.js';
import type { AnyNode, Model } from '../nn/graph.js';
import { isLinearNode, LinearLayer, type LinearStatistics, oneParam, type Rule } from '../nn/lrp/index.js';
import type { Semiring } from '../semirings/index.js';
import type { Annotation, RawAnnotation } from './annotations/annotation.js';
import type { NodeCoefficients } from './coefficients.js';
import { nodeShapes } from './connectivity/connectivity.js';
import { evaluateKernel } from './kernel-evaluator.js';
import { countingKernel, realKernel } from './kernels/kernel.js';

/** What predicting the size needs from a trace. */
export interface SymbolicSizeRequest {
  readonly model: Model;
  readonly batch: number;
  /** The tensor whose relevance is wanted. */
  readonly target: string;
  /** Relevance at the output in ℕ: one-hot at each sample's target, batch × classes. */
  readonly seed: Float64Array;
  /** The rule of a node, and its coefficients under it (computed only where needed). */
  readonly rule: (node: AnyNode) => Rule;
  readonly coefficients: (node: AnyNode) => NodeCoefficients;
  /** The annotation as given: its built-in raw form, or the user's own lifted one. */
  readonly raw: RawAnnotation | undefined;
  readonly annotation: Annotation<unknown>;
}

/** The number of monomials (paths with a non-zero annotation on every edge) of the relevance. */
export function symbolicSize<T>(request: SymbolicSizeRequest, K: Semiring<T>): number {
  const { raw } = request;
  if (raw?.kind === 'token') return structuralPathCount(request, 'float64');
  const support: Annotation<number> = {
    name: `support of ${request.annotation.name}`,
    ...(request.annotation.prepare ? { prepare: request.annotation.prepare.bind(request.annotation) } : {}),
    map: supportMap(request, K),
  };
  const counts = evaluateKernel({
    model: request.model,
    kernel: countingKernel,
    annotation: support as Annotation<unknown>,
    coefficients: request.coefficients,
    seed: request.seed,
    batch: request.batch,
    target: request.target,
    factored: false,
  });
  return sum(counts);
}

/**
 * Refuses symbolic relevance in `K` with more than `limit` monomials, with a `LimitError` that says
 * how to restrict it.
 */
export function assertSymbolicSize<T>(request: SymbolicSizeRequest, K: Semiring<T>, limit: number): void {
  const size = request.raw?.kind === 'token' ? structuralEstimate(request, limit) : symbolicSize(request, K);
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
  const { raw, annotation } = request;
  if (raw?.kind === 'indicator') return (d, edge, stats) => (raw.value(d, edge, stats) ? 1 : 0);
  // A number lifted by `fromNumber` may round to 0 in K; one lifted as a weighted token is 0 only at 0.
  if (raw?.kind === 'number' && !K.fromNumber)
    return (d, edge, stats) => (raw.value(d, edge, stats) !== 0 ? 1 : 0);
  return (d, edge, stats) => (K.equals(annotation.map(d, edge, stats) as T, K.zero) ? 0 : 1);
}

/**
 * Paths through every edge of the circuit: dense and conv layers on the adjoint with unit
 * weights, every other node (pooling, residual sums, structural edges) edge by edge with Θ̂ ≡ 1.
 */
function structuralPathCount(request: SymbolicSizeRequest, dtype: DType): number {
  const { model, batch } = request;
  const unit = new Map<string, NodeCoefficients>();
  const coefficients = (node: AnyNode): NodeCoefficients => {
    const rule = request.rule(node);
    if (!(isLinearNode(node) && (node.op === 'dense' || node.op === 'conv') && rule.kind === 'linear')) {
      const c = request.coefficients(node);
      // Without `linear` the evaluator takes the per-edge path, which counts every edge once.
      const { linear: _factored, ...perEdge } = c;
      return perEdge;
    }
    let c = unit.get(node.name);
    if (c === undefined) {
      c = unitCoefficients(model, node, rule, batch, dtype);
      unit.set(node.name, c);
    }
    return c;
  };
  const counts = evaluateKernel({
    model,
    kernel: realKernel,
    annotation: { name: 'support of token', map: () => 1 },
    coefficients,
    seed: request.seed,
    batch,
    target: request.target,
    factored: true,
  });
  return sum(counts);
}

/** A dense or conv layer with every coefficient 1, in factored form: R_in = W₁ᵀ R_out. */
function unitCoefficients(
  model: Model,
  node: AnyNode & { op: 'dense' | 'conv' },
  rule: Rule,
  batch: number,
  dtype: DType,
) {
  const shapes = nodeShapes(model, node);
  const layer = new LinearLayer(node, shapes.inputs[0]!, shapes.output);
  const outputSize = shapes.output.reduce((p, d) => p * d, 1);
  const inputSize = shapes.inputs[0]!.reduce((p, d) => p * d, 1);
  const linear: LinearStatistics = {
    layer,
    rule: rule as LinearStatistics['rule'],
    batch,
    dtype,
    groups: [
      {
        factor: allocate(dtype, batch * outputSize).fill(1),
        terms: [{ input: allocate(dtype, 0), weight: oneParam, sign: 1, ones: true, zero: false }],
      },
    ],
  };
  const unused = (): never => {
    throw new Error('symbolic size: unit coefficients are used in factored form only');
  };
  return { node, rule, tokenized: true, inputSize, outputSize, linear, forEachEdge: unused };
}

function sum(values: Float64Array): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}
