/**
 * Why-provenance (Why(X), ∪, ⋓, ∅, {∅}): sets of witness sets, where a witness is the set of
 * tokens of one path, without exponents or multiplicities (Buneman, Khanna and Tan 2001; in the
 * semiring hierarchy of Green 2009). It answers "which sets of edges explain the relevance?".
 *
 * ⊕ is the union of the two sets of witnesses; ⊗ the pairwise union a ⋓ b = { x ∪ y : x ∈ a,
 * y ∈ b }. 0 = ∅ (no witness), 1 = {∅} (one witness that needs no edge). Canonical form: distinct
 * witnesses sorted by the monomial order with the degree ascending (smaller witnesses first).
 * Text: `{{x[fc1,0,1], x[fc2,1,0]}, {y}}`, zero `∅`, one `{∅}`.
 *
 * idempotent: yes (a ∪ a = a). absorptive: no ({∅} ∪ {{x}} ≠ {∅}; PosBool(X) is its absorptive
 * quotient). commutative: yes. Exact.
 * Limit: ⊗ refuses products whose size bound |a|·|b| exceeds the limit (default 10^6).
 */
import { type ExpansionOptions, resolveLimit } from './expansion-limit.js';
import { compareMonomials, type Monomial, monomialUnion, ONE_MONOMIAL, witnessOf } from './monomial.js';
import {
  type MonomialSet,
  monomialSetEquals,
  monomialSetOf,
  monomialSetProduct,
  monomialSetUnion,
} from './monomial-set.js';
import type { Semiring } from './semiring.js';
import { type Token, tokenLatex, tokenName } from './tokens.js';

/** A value of Why(X): distinct witness sets (monomials with exponents 1) in canonical order. */
export type Why = MonomialSet;

/** The order of witness sets in Why(X) and PosBool(X): smaller first, then the monomial order. */
export const witnessOrder = (a: Monomial, b: Monomial): number => compareMonomials(a, b, 'ascending');

/** The Why(X) value holding `witnesses`, each a collection of tokens. */
export const whyOf = (witnesses: Iterable<Iterable<Token>>): Why =>
  monomialSetOf([...witnesses].map(witnessOf), witnessOrder);

/** A witness set in text: `{x, y}`, `∅` when empty. */
export const witnessText = (w: Monomial): string =>
  w.tokens.length === 0 ? '∅' : `{${w.tokens.map(tokenName).join(', ')}}`;

/** A witness set in LaTeX: `\{x, y\}`, `\emptyset` when empty. */
export const witnessLatex = (w: Monomial): string =>
  w.tokens.length === 0 ? '\\emptyset' : `\\{${w.tokens.map(tokenLatex).join(', ')}\\}`;

/** Why(X) with a size limit on products, and ways to build and print its values. */
export interface WhySemiring extends Semiring<Why> {
  /** The most witness sets one product may have (bounded before expanding). */
  readonly limit: number;
  /** The value {{x}} of a token. */
  fromToken(token: Token): Why;
  /** The LaTeX form of a value. */
  toLatex(a: Why): string;
}

/** Why(X) whose ⊗ refuses products that could have more than `limit` witness sets (default 10^6). */
export function whySemiring(options: ExpansionOptions = {}): WhySemiring {
  const limit = resolveLimit('whySemiring', options);
  return {
    name: 'why',
    defaultAnnotation: 'token',
    zero: [],
    one: [ONE_MONOMIAL],
    plus: (a, b) => monomialSetUnion(a, b, witnessOrder),
    times: (a, b) => monomialSetProduct(a, b, monomialUnion, witnessOrder, 'why.times', limit),
    equals: monomialSetEquals,
    show: (a) => (a.length === 0 ? '∅' : `{${a.map(witnessText).join(', ')}}`),
    idempotent: true,
    absorptive: false,
    commutative: true,
    limit,
    fromToken: (token) => [witnessOf([token])],
    toLatex: (a) => (a.length === 0 ? '\\emptyset' : `\\{${a.map(witnessLatex).join(', ')}\\}`),
  };
}

/** The registry's Why(X), with the default limit. */
export const why: WhySemiring = whySemiring();
