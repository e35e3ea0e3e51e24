/**
 * Random values of the provenance semirings (fast-check arbitraries), for law checks and property
 * tests of code generic over semirings.
 *
 * They draw tokens from a small pool (three named variables and three edge tokens), so that
 * random values share tokens often; monomials have up to three tokens with exponents up to 3;
 * coefficients range from 1 to 2^70; and the zero and the one of each semiring come up on their
 * own. Top-k values mix exactly representable values (ties) with any double in [0, 1], tiny ones
 * included, so that rounding and underflow are exercised.
 */
import fc from 'fast-check';
import { type BoolPolynomial, boolPolynomialOf } from './bool-polynomial.js';
import { type Lineage, lineageOf } from './lineage.js';
import { type Monomial, monomialOf, ONE_MONOMIAL } from './monomial.js';
import { ONE_POLYNOMIAL, type Polynomial, polynomialOf, ZERO_POLYNOMIAL } from './polynomial.js';
import { type PosBool, posboolOf } from './posbool.js';
import { edgeToken, type Token, variable } from './tokens.js';
import { defaultTopK, type TopK, type TopKSemiring } from './top-k.js';
import { type Why, whyOf } from './why.js';

/**
 * The tokens the arbitraries draw from: `x`, `y`, `z`, `x[fc1,0,1]`, `x[fc2,1,0]`,
 * `x[features.0,2,3]` (interned on first use).
 */
export const provenanceTokenPool = (): readonly Token[] => [
  variable('x'),
  variable('y'),
  variable('z'),
  edgeToken('fc1', 0, 1),
  edgeToken('fc2', 1, 0),
  edgeToken('features.0', 2, 3),
];

/** One token of the pool. */
export const provenanceTokens = (): fc.Arbitrary<Token> => fc.constantFrom(...provenanceTokenPool());

/** Monomials of up to three factors with exponents from 1 to 3, the empty monomial included. */
export const monomials = (): fc.Arbitrary<Monomial> =>
  fc.oneof(
    fc.constant(ONE_MONOMIAL),
    fc
      .array(fc.tuple(provenanceTokens(), fc.integer({ min: 1, max: 3 })), { minLength: 1, maxLength: 3 })
      .map(monomialOf),
  );

/** Collections of up to three tokens (repeats allowed), for witness sets. */
const tokenGroups = (): fc.Arbitrary<Token[]> => fc.array(provenanceTokens(), { maxLength: 3 });

/** Polynomials of ℕ[X] with up to three terms and coefficients up to 2^70; zero and one included. */
export const polynomials = (): fc.Arbitrary<Polynomial> =>
  fc.oneof(
    fc.constantFrom(ZERO_POLYNOMIAL, ONE_POLYNOMIAL),
    fc
      .array(
        fc.tuple(monomials(), fc.oneof(fc.constantFrom(1n, 2n, 3n), fc.bigInt({ min: 1n, max: 2n ** 70n }))),
        { minLength: 1, maxLength: 3 },
      )
      .map(polynomialOf),
  );

/** Values of 𝔹[X]: up to three monomials; zero and one included. */
export const boolPolynomials = (): fc.Arbitrary<BoolPolynomial> =>
  fc.oneof(
    fc.constantFrom<BoolPolynomial>([], [ONE_MONOMIAL]),
    fc.array(monomials(), { minLength: 1, maxLength: 3 }).map(boolPolynomialOf),
  );

/** Values of Why(X): up to three witness sets of up to three tokens; zero and one included. */
export const whyValues = (): fc.Arbitrary<Why> =>
  fc.oneof(
    fc.constantFrom<Why>([], [ONE_MONOMIAL]),
    fc.array(tokenGroups(), { minLength: 1, maxLength: 3 }).map(whyOf),
  );

/** Values of PosBool(X): minimised sets of up to three witness sets; ⊥ and ⊤ included. */
export const posboolValues = (): fc.Arbitrary<PosBool> =>
  fc.oneof(
    fc.constantFrom<PosBool>([], [ONE_MONOMIAL]),
    fc.array(tokenGroups(), { minLength: 1, maxLength: 3 }).map(posboolOf),
  );

/** Values of Lin(X): ⊥, ∅ and sets of up to four tokens. */
export const lineages = (): fc.Arbitrary<Lineage> =>
  fc.oneof(
    fc.constantFrom<Lineage>(null, []),
    fc.array(provenanceTokens(), { minLength: 1, maxLength: 4 }).map(lineageOf),
  );

/** Viterbi values for top-k entries: exact ties (dyadic fractions), any double, tiny doubles. */
const entryValues = (): fc.Arbitrary<number> =>
  fc.oneof(
    fc.constantFrom(1, 0.75, 0.5, 0.25, 0.125),
    fc.double({ min: 0, max: 1, noNaN: true }),
    fc.double({ min: 0, max: 1e-300, noNaN: true }),
  );

/** Values of a top-k semiring (default: the registry's): up to k + 1 entries before the cut. */
export const topKLists = (K: TopKSemiring = defaultTopK): fc.Arbitrary<TopK> =>
  fc.oneof(
    fc.constantFrom(K.zero, K.one),
    fc
      .array(fc.record({ value: entryValues(), witness: monomials() }), { minLength: 1, maxLength: K.k + 1 })
      .map((entries) => K.fromEntries(entries)),
  );
