import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  boolPolynomial,
  boolPolynomials,
  boolPolynomialToWhy,
  checkHomomorphism,
  composeHomomorphisms,
  countingExact,
  defaultTopK,
  evaluate,
  type Homomorphism,
  lineage,
  monomialOf,
  polynomial,
  polynomialOf,
  polynomials,
  polynomialToBoolPolynomial,
  polynomialToCountingExact,
  posbool,
  topK,
  topKLists,
  topKToViterbi,
  variable,
  viterbi,
  why,
  whyToLineage,
  whyToPosbool,
  whyValues,
} from '../../src/semirings/index.js';
import { EXACT_VALUES, poolValuation, poolValuations, same, smallPolynomials } from './token-valuations.js';

const SEED = 0x9a7;
const [tx, ty, tz] = [variable('x'), variable('y'), variable('z')];

/** Each map under a test label, with random values of its source. */
const CASES: [string, Homomorphism<never, unknown>, fc.Arbitrary<unknown>][] = [
  ['polynomial_to_bool_polynomial', polynomialToBoolPolynomial, polynomials()],
  ['bool_polynomial_to_why', boolPolynomialToWhy, boolPolynomials()],
  ['why_to_posbool', whyToPosbool, whyValues()],
  ['why_to_lineage', whyToLineage, whyValues()],
  ['polynomial_to_counting_exact', polynomialToCountingExact, polynomials()],
  ['top_k_to_viterbi (k = 3)', topKToViterbi(), topKLists()],
  ['top_k_to_viterbi (k = 1)', topKToViterbi(topK(1)), topKLists(topK(1))],
  [
    'polynomial_to_posbool (composed)',
    composeHomomorphisms(composeHomomorphisms(polynomialToBoolPolynomial, boolPolynomialToWhy), whyToPosbool),
    polynomials(),
  ],
] as never;

/** Token values for evaluating in the source of a map: small polynomials for ℕ[X], else its values. */
const sourceValues = (
  h: Homomorphism<never, unknown>,
  values: fc.Arbitrary<unknown>,
): fc.Arbitrary<unknown> => ((h.from as unknown) === polynomial ? EXACT_VALUES.polynomial : values);

describe('the provenance homomorphisms', () => {
  for (const [label, h, values] of CASES) {
    it(`${label} preserves 0, 1, ⊕ and ⊗`, () => {
      const report = checkHomomorphism(h, values as fc.Arbitrary<never>, { seed: SEED, runs: 300 });
      expect(report.failures.map((f) => f.message)).toEqual([]);
    });

    it(`${label} commutes with evaluating a polynomial`, () => {
      fc.assert(
        fc.property(
          smallPolynomials({ terms: 3, factors: 2, exponent: 2 }),
          poolValuations(sourceValues(h, values)),
          (p, nu) => {
            const lhs = h.map(evaluate(p, h.from, poolValuation(nu as never[])));
            const rhs = evaluate(p, h.to, (t) => h.map(poolValuation(nu as never[])(t)));
            expect(same(h.to, lhs, rhs)).toBe(true);
          },
        ),
        { seed: SEED, numRuns: 100 },
      );
    });
  }

  it('take 2·x²·y + z down the hierarchy: 𝔹[X], Why(X), PosBool(X), Lin(X), and 3 paths', () => {
    const p = polynomialOf([
      [
        monomialOf([
          [tx, 2],
          [ty, 1],
        ]),
        2,
      ],
      [monomialOf([[tz, 1]]), 1],
      [
        monomialOf([
          [tz, 1],
          [ty, 1],
        ]),
        1,
      ],
    ]);
    const b = polynomialToBoolPolynomial.map(p);
    expect(boolPolynomial.show(b)).toBe('x^2·y + y·z + z');
    const w = boolPolynomialToWhy.map(b);
    expect(why.show(w)).toBe('{{z}, {x, y}, {y, z}}');
    expect(posbool.show(whyToPosbool.map(w))).toBe('z ∨ x ∧ y');
    expect(lineage.show(whyToLineage.map(w))).toBe('{x, y, z}');
    expect(polynomialToCountingExact.map(p)).toBe(4n);
    expect(polynomialToCountingExact.map(p)).toBe(evaluate(p, countingExact, () => 1n));
  });

  it('send no witness to ⊥ and the empty witness to ∅ in lineage', () => {
    expect(whyToLineage.map(why.zero)).toBeNull();
    expect(whyToLineage.map(why.one)).toEqual([]);
  });

  it('take a top-k list to its best value, 0 for none', () => {
    const K = defaultTopK;
    expect(topKToViterbi().map(K.zero)).toBe(0);
    expect(topKToViterbi().map(K.plus(K.fromToken(tx, 0.25), K.fromToken(ty, 0.5)))).toBe(0.5);
    expect(topKToViterbi().to).toBe(viterbi);
  });
});
