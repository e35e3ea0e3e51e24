/**
 * Semiring kernels: the K-LRP set (ℝ, 𝔹, ℕ, Viterbi, tropical; DESIGN.md §1b) on typed arrays.
 * A kernel holds relevance as numbers in a `Float64Array` (0/1 for 𝔹) and gives the fused update
 * of one edge, R_j ← R_j ⊕ (θ ⊗ R_k), as a small monomorphic function the evaluator's loops
 * inline, instead of the generic path's boxed values and virtual ⊕/⊗ per element.
 *
 * Every kernel has the generic gate-level evaluator as its reference twin, and property tests
 * tie them together.
 */
import { DEFAULTS } from '../../core/defaults.js';
import type { PropagationVisitor } from '../../core/propagate.js';
import type { FloatArray } from '../../core/tensor.js';
import type { Activations } from '../../nn/forward.js';
import type { AnyNode, Model } from '../../nn/graph.js';
import { lrpVisitor, type NodeCoefficients, type Rule } from '../../nn/lrp/index.js';
import type { Semiring } from '../../semirings/index.js';
import { boolean, counting, real, tropical, viterbi } from '../../semirings/index.js';
import type { RawAnnotation } from '../annotations/annotation.js';
import { thresholdParameters } from '../annotations/indicator.js';
import { identityAnnotation, neglogAnnotation, viterbiAnnotation } from '../annotations/numeric.js';
import type { LayerMode } from './linear-kernel.js';

/** What a factored form reads: the traced model, its activations and the composite's statistics. */
export interface FactoredContext {
  readonly model: Model;
  readonly activations: Activations;
  ruleOf(node: AnyNode): Rule;
  /** The statistics of step `i` under the composite (memoised by the trace). */
  statistics(i: number): NodeCoefficients;
}

/**
 * A kernel's factored form (DESIGN.md §4): how a whole propagation is computed from per-layer,
 * matrix-shaped products with per-column statistics instead of edge by edge. It holds only under
 * one built-in annotation, and relevance is held in the activations' dtype.
 */
export interface FactoredForm {
  readonly annotation: RawAnnotation<never>;
  visitor(context: FactoredContext): PropagationVisitor<FloatArray>;
}

/**
 * A kernel's layer form: the per-edge update of a whole dense or convolution layer in one call
 * (linear-kernel.ts), where the annotation is one it fuses. Other steps, and layers whose rule it
 * does not cover, still run edge by edge.
 */
export interface LayerForm {
  /** The layer mode for a built-in annotation, or undefined where the form does not hold. */
  modeFor(annotation: RawAnnotation<never>): LayerMode | undefined;
}

/** A semiring kernel. */
export interface RelevanceKernel {
  readonly semiring: Semiring<never>;
  /** The zero and one of the semiring as stored numbers. */
  readonly zero: number;
  readonly one: number;
  /** A semiring value as the number the kernel stores. */
  encode(value: unknown): number;
  /** A stored number as the semiring value. */
  decode(value: number): unknown;
  /** acc ⊕ (θ ⊗ r). */
  update(acc: number, theta: number, r: number): number;
  /** acc ⊕ r (a structural edge: 1 ⊗ r = r). */
  add(acc: number, r: number): number;
  /** The factored form, where the algebra allows one. */
  readonly factored?: FactoredForm;
  /** The layer form, for steps the factored form does not take. */
  readonly layer?: LayerForm;
  /** The composite relevance in this semiring defaults to (else `DEFAULTS.composite.semiring`). */
  readonly defaultComposite?: string;
}

/**
 * ℝ: + and ×. Under the identity annotation it is real LRP, factored exactly as `lrp()` runs it
 * (s = f ⊙ R, c = Wᵀs, R_in = Σ_t sign_t in_t ⊙ c): the same visitor, so the two agree bit for bit.
 */
export const realKernel: RelevanceKernel = {
  semiring: real as Semiring<never>,
  zero: 0,
  one: 1,
  encode: (v) => v as number,
  decode: (v) => v,
  update: (acc, theta, r) => acc + theta * r,
  add: (acc, r) => acc + r,
  factored: {
    annotation: identityAnnotation as RawAnnotation<never>,
    visitor: (c) => lrpVisitor(c.model, c.activations, c.ruleOf, (i) => c.statistics(i).linear),
  },
  defaultComposite: DEFAULTS.composite.real,
};

/** The threshold test fused into one layer pass, OR-ed (𝔹) or count-added (ℕ). */
const thresholdLayer = (count: boolean): LayerForm => ({
  modeFor: (annotation) => {
    const t = thresholdParameters(annotation);
    return t && { kind: 'threshold', tau: t.threshold, absolute: t.absolute, count };
  },
});

/** ℕ in float64: + and × (no factored form: its annotation is a threshold test per edge). */
export const countingKernel: RelevanceKernel = {
  semiring: counting as Semiring<never>,
  zero: 0,
  one: 1,
  encode: (v) => v as number,
  decode: (v) => v,
  update: realKernel.update,
  add: realKernel.add,
  layer: thresholdLayer(true),
};

/** 𝔹 as 0/1: ∨ and ∧. */
export const booleanKernel: RelevanceKernel = {
  semiring: boolean as Semiring<never>,
  zero: 0,
  one: 1,
  encode: (v) => (v ? 1 : 0),
  decode: (v) => v !== 0,
  update: (acc, theta, r) => (acc !== 0 || (theta !== 0 && r !== 0) ? 1 : 0),
  add: (acc, r) => (acc !== 0 || r !== 0 ? 1 : 0),
  layer: thresholdLayer(false),
};

/** Viterbi: max and ×. */
export const viterbiKernel: RelevanceKernel = {
  semiring: viterbi as Semiring<never>,
  zero: 0,
  one: 1,
  encode: (v) => v as number,
  decode: (v) => v,
  update: (acc, theta, r) => {
    const v = theta * r;
    return Math.max(v, acc);
  },
  add: (acc, r) => Math.max(r, acc),
  layer: {
    modeFor: (a) => (a === (viterbiAnnotation as RawAnnotation<never>) ? { kind: 'viterbi' } : undefined),
  },
};

/** Tropical: min and + (a genuine min-plus update; +∞ is "no relevant path"). */
export const tropicalKernel: RelevanceKernel = {
  semiring: tropical as Semiring<never>,
  zero: Number.POSITIVE_INFINITY,
  one: 0,
  encode: (v) => v as number,
  decode: (v) => v,
  update: (acc, theta, r) => {
    const c = theta + r;
    return Math.min(c, acc);
  },
  add: (acc, r) => Math.min(r, acc),
  layer: {
    modeFor: (a) => (a === (neglogAnnotation as RawAnnotation<never>) ? { kind: 'tropical' } : undefined),
  },
};

/** The kernels by the semiring object they compute (looked up by identity, never by name). */
export const KERNELS: ReadonlyMap<Semiring<never>, RelevanceKernel> = new Map(
  [realKernel, countingKernel, booleanKernel, viterbiKernel, tropicalKernel].map((kernel) => [
    kernel.semiring,
    kernel,
  ]),
);

/** The kernel of a semiring, if it has one. */
export const kernelOf = (K: Semiring<unknown>): RelevanceKernel | undefined =>
  KERNELS.get(K as Semiring<never>);
