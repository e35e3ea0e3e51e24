/**
 * Boolean provenance polynomials (𝔹[X], ∪, ·, ∅, {1}): polynomials with coefficients in 𝔹, i.e.
 * sets of monomials with exponents. x + x = x: a monomial is there or not, however many paths
 * produce it. The image of ℕ[X] under "coefficient > 0" (Green, Karvounarakis and Tannen 2007);
 * it keeps which paths exist and how often each path passes through a token.
 *
 * ⊕ is the union of the monomial sets, ⊗ the set of all pairwise products. Canonical form: distinct
 * monomials sorted as ℕ[X] sorts its terms (degree descending, then the monomial order), printed as
 * ℕ[X] prints them: `x[fc1,0,1]^2·x[fc2,1,0] + x[fc1,1,0]`, zero `0`, one `1`.
 *
 * idempotent: yes (a ∪ a = a). absorptive: no (1 + x ≠ 1: {1, x} ≠ {1}). commutative: yes. Exact.
 * Limit: ⊗ refuses products whose size bound |a|·|b| exceeds the limit (default 10^6).
 */
import { type ExpansionOptions, resolveLimit } from './expansion-limit.js';
import {
  compareMonomials,
  type Monomial,
  monomialLatex,
  monomialProduct,
  monomialText,
  ONE_MONOMIAL,
  tokenMonomial,
} from './monomial.js';
import {
  type MonomialSet,
  monomialSetEquals,
  monomialSetOf,
  monomialSetProduct,
  monomialSetUnion,
} from './monomial-set.js';
import type { Semiring } from './semiring.js';
import type { Token } from './tokens.js';

/** A value of 𝔹[X]: distinct monomials in canonical order. */
export type BoolPolynomial = MonomialSet;

const order = (a: Monomial, b: Monomial): number => compareMonomials(a, b, 'descending');

/** The 𝔹[X] value holding `monomials` (duplicates collapse). */
export const boolPolynomialOf = (monomials: Iterable<Monomial>): BoolPolynomial =>
  monomialSetOf(monomials, order);

const show = (a: BoolPolynomial): string => (a.length === 0 ? '0' : a.map(monomialText).join(' + '));

const toLatex = (a: BoolPolynomial): string => (a.length === 0 ? '0' : a.map(monomialLatex).join(' + '));

/** 𝔹[X] with a size limit on products, and ways to build and print its values. */
export interface BoolPolynomialSemiring extends Semiring<BoolPolynomial> {
  /** The most monomials one product may have (bounded before expanding). */
  readonly limit: number;
  /** The value {x} of a token. */
  fromToken(token: Token): BoolPolynomial;
  /** The LaTeX form of a value. */
  toLatex(a: BoolPolynomial): string;
}

/** 𝔹[X] whose ⊗ refuses products that could have more than `limit` monomials (default 10^6). */
export function boolPolynomialSemiring(options: ExpansionOptions = {}): BoolPolynomialSemiring {
  const limit = resolveLimit('boolPolynomialSemiring', options);
  return {
    name: 'bool_polynomial',
    defaultAnnotation: 'token',
    zero: [],
    one: [ONE_MONOMIAL],
    plus: (a, b) => monomialSetUnion(a, b, order),
    times: (a, b) => monomialSetProduct(a, b, monomialProduct, order, 'bool_polynomial.times', limit),
    equals: monomialSetEquals,
    show,
    idempotent: true,
    absorptive: false,
    commutative: true,
    limit,
    fromToken: (token) => [tokenMonomial(token)],
    toLatex,
  };
}

/** The registry's 𝔹[X], with the default limit. */
export const boolPolynomial: BoolPolynomialSemiring = boolPolynomialSemiring();
