/**
 * Homomorphisms down the provenance hierarchy (Green, Karvounarakis and Tannen 2007; Green 2009):
 *   ℕ[X] → 𝔹[X]        forget the coefficients (every coefficient of a canonical polynomial is > 0)
 *   𝔹[X] → Why(X)      forget the exponents: each monomial becomes its set of tokens
 *   Why(X) → PosBool(X) absorption: keep the minimal witnesses
 *   Why(X) → Lin(X)     the union of all witnesses (⊥ when there is none)
 *   ℕ[X] → counting_exact  every token ↦ 1: the sum of the coefficients, the number of paths
 *   top-k → viterbi     the best value (0 for the empty list)
 * Each is exact.
 */
import { type BoolPolynomial, boolPolynomial } from './bool-polynomial.js';
import { countingExact } from './counting-exact.js';
import type { Homomorphism } from './homomorphism.js';
import { type Lineage, lineage } from './lineage.js';
import { monomialSupport } from './monomial.js';
import { monomialSetOf } from './monomial-set.js';
import { type Polynomial, polynomial } from './polynomial.js';
import { minimalWitnesses, type PosBool, posbool } from './posbool.js';
import { defaultTopK, type TopK, type TopKSemiring } from './top-k.js';
import { viterbi } from './viterbi.js';
import { type Why, why, witnessOrder } from './why.js';

/** ℕ[X] → 𝔹[X]: the set of monomials of a polynomial. */
export const polynomialToBoolPolynomial: Homomorphism<Polynomial, BoolPolynomial> = {
  name: 'polynomial_to_bool_polynomial',
  from: polynomial,
  to: boolPolynomial,
  // Terms are already distinct and in 𝔹[X]'s order (both sort by degree descending).
  map: (p) => p.terms.map((t) => t.monomial),
};

/** 𝔹[X] → Why(X): each monomial's set of tokens. */
export const boolPolynomialToWhy: Homomorphism<BoolPolynomial, Why> = {
  name: 'bool_polynomial_to_why',
  from: boolPolynomial,
  to: why,
  map: (a) => monomialSetOf(a.map(monomialSupport), witnessOrder),
};

/** Why(X) → PosBool(X): the minimal witnesses. */
export const whyToPosbool: Homomorphism<Why, PosBool> = {
  name: 'why_to_posbool',
  from: why,
  to: posbool,
  map: minimalWitnesses,
};

/** Why(X) → Lin(X): every token of every witness, ⊥ when there is no witness. */
export const whyToLineage: Homomorphism<Why, Lineage> = {
  name: 'why_to_lineage',
  from: why,
  to: lineage,
  map: (a) => {
    let acc: Lineage = lineage.zero;
    for (const w of a) acc = lineage.plus(acc, w.tokens);
    return acc;
  },
};

/** ℕ[X] → counting_exact: every token ↦ 1, i.e. the number of monomials counted with multiplicity. */
export const polynomialToCountingExact: Homomorphism<Polynomial, bigint> = {
  name: 'polynomial_to_counting_exact',
  from: polynomial,
  to: countingExact,
  map: (p) => p.terms.reduce((n, t) => n + t.coefficient, 0n),
};

/** top-k → viterbi: the best value of a list, 0 for the empty one. */
export function topKToViterbi(from: TopKSemiring = defaultTopK): Homomorphism<TopK, number> {
  return { name: 'top_k_to_viterbi', from, to: viterbi, map: (a) => a[0]?.value ?? 0 };
}
