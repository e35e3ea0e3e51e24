/**
 * Shared by the evaluation and homomorphism tests: small polynomials over the arbitraries' token
 * pool, and for every commutative built-in semiring a generator of token values for which its
 * arithmetic is exact (dyadic fractions, small integers), so that evaluation can be compared with
 * `equals` and a tolerance is only a fallback.
 */
import fc from 'fast-check';
import {
  bigCounts,
  boolPolynomials,
  dualNumber,
  fractions,
  lineages,
  monomialOf,
  type Polynomial,
  polynomialOf,
  posboolValues,
  provenanceTokenPool,
  provenanceTokens,
  SEMIRINGS,
  type Semiring,
  type SemiringName,
  securityLevels,
  type Token,
  type TopK,
  unitInterval,
  whyValues,
} from '../../src/semirings/index.js';

/** Polynomials with up to `terms` terms, monomials of up to `factors` tokens with exponents up to `exponent`. */
export const smallPolynomials = ({ terms = 3, factors = 3, exponent = 3 } = {}): fc.Arbitrary<Polynomial> =>
  fc
    .array(
      fc.tuple(
        fc.array(fc.tuple(provenanceTokens(), fc.integer({ min: 1, max: exponent })), { maxLength: factors }),
        fc.integer({ min: 1, max: 3 }),
      ),
      { maxLength: terms },
    )
    .map((ts) => polynomialOf(ts.map(([m, c]) => [monomialOf(m), c] as const)));

/** Dyadic values in [0, 1]: products of a few stay exact in float64. */
const dyadicUnit = (): fc.Arbitrary<number> => fc.constantFrom(0, 0.125, 0.25, 0.5, 0.75, 1);

/** Exact top-k lists of the registry's top_k: dyadic values, small witnesses. */
const exactTopK = (): fc.Arbitrary<TopK> => {
  const K = SEMIRINGS.top_k;
  return fc
    .array(fc.record({ value: dyadicUnit(), witness: smallPolynomials({ terms: 1 }).map(firstMonomial) }), {
      maxLength: 4,
    })
    .map((entries) => K.fromEntries(entries));
};

const firstMonomial = (p: Polynomial) => p.terms[0]?.monomial ?? monomialOf([]);

/** For each registry semiring, token values on which its arithmetic is exact. */
export const EXACT_VALUES: { [N in SemiringName]: fc.Arbitrary<unknown> } = {
  real: fc.constantFrom(-2, -1, -0.5, 0, 0.5, 1, 2, 3),
  rational: fractions(),
  boolean: fc.boolean(),
  counting: fc.integer({ min: 0, max: 3 }),
  counting_exact: bigCounts(),
  viterbi: dyadicUnit(),
  tropical: fc.oneof(fc.constant(Number.POSITIVE_INFINITY), fc.integer({ min: -3, max: 5 })),
  max_plus: fc.oneof(fc.constant(Number.NEGATIVE_INFINITY), fc.integer({ min: -3, max: 5 })),
  fuzzy: unitInterval(),
  lukasiewicz: fc.constantFrom(0, 0.25, 0.5, 0.75, 1),
  security: securityLevels(),
  dual: fc
    .tuple(fc.constantFrom(-1, 0, 0.5, 1, 2), fc.constantFrom(-1, 0, 0.5, 1, 2))
    .map(([v, d]) => dualNumber(v, d)),
  polynomial: smallPolynomials({ terms: 2, factors: 2, exponent: 2 }),
  bool_polynomial: boolPolynomials(),
  why: whyValues(),
  posbool: posboolValues(),
  lineage: lineages(),
  top_k: exactTopK(),
};

/** A valuation of the token pool: `values[i]` for the i-th token of `provenanceTokenPool()`. */
export function poolValuation<T>(values: readonly T[]): (token: Token) => T {
  const pool = provenanceTokenPool();
  return (token) => values[pool.indexOf(token)]!;
}

/** Random valuations of the token pool drawn from `values`. */
export const poolValuations = <T>(values: fc.Arbitrary<T>): fc.Arbitrary<readonly T[]> =>
  fc.array(values, { minLength: provenanceTokenPool().length, maxLength: provenanceTokenPool().length });

/** Equality in K: exact, or within `approxEquals` for floating carriers. */
export const same = <T>(K: Semiring<T>, a: T, b: T, context: readonly T[] = []): boolean =>
  K.equals(a, b) || (K.approxEquals?.(a, b, context, 1e-9) ?? false);
