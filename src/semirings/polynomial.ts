/**
 * Provenance polynomials (ℕ[X], +, ×, 0, 1): the free commutative semiring over the tokens X
 * (Green, Karvounarakis and Tannen, "Provenance semirings", PODS 2007). Unfolded, K-LRP's R_j is
 * a sum over the paths j → target of the product of the edge tokens along each path (DESIGN.md
 * §1), so with the edge's own token as annotation R_j is a polynomial with one monomial per path,
 * and every commutative semiring's relevance is that polynomial evaluated (`evaluate`).
 *
 * Canonical form: distinct monomials with positive bigint coefficients, sorted by the monomial
 * order with the degree descending (`compareMonomials`). Equal polynomials have equal term lists,
 * so `equals` is a linear scan and equal polynomials print identically:
 *   text   `2·x[fc1,0,1]^2·x[fc2,1,0] + x[fc1,1,0]`      (zero is `0`, one is `1`)
 *   LaTeX  `2 {x^{(fc1)}_{0,1}}^{2} x^{(fc2)}_{1,0} + x^{(fc1)}_{1,0}`
 *
 * idempotent: no (x + x = 2x). absorptive: no (1 + x ≠ 1). commutative: yes. Exact.
 * Limit: ⊗ refuses, with a `LimitError`, a product whose size bound |a|·|b| exceeds the limit
 * (default 10^6 monomials, `polynomialSemiring({ limit })`); `expandProduct` bounds n factors.
 */
import type { MathNode } from 'mathjs';
import { type MimeBundle, withDisplay } from '../core/display.js';
import { InvalidArgumentError } from '../core/errors.js';
import { assertWithinLimit, type ExpansionOptions, resolveLimit } from './expansion-limit.js';
import {
  compareMonomials,
  type Monomial,
  monomialLatex,
  monomialProduct,
  monomialText,
  ONE_MONOMIAL,
  tokenMonomial,
} from './monomial.js';
import { polynomialDerivative, polynomialFromMathjs, polynomialToMathjs } from './polynomial-mathjs.js';
import type { Semiring } from './semiring.js';
import type { Token } from './tokens.js';

/** A monomial with its coefficient. */
export interface Term {
  readonly monomial: Monomial;
  /** A positive integer. */
  readonly coefficient: bigint;
}

/** A polynomial of ℕ[X] in canonical form (see the file header). */
export interface Polynomial {
  readonly terms: readonly Term[];
}

/** The order of terms: higher degree first, then the monomial order. */
const termOrder = (a: Term, b: Term): number => compareMonomials(a.monomial, b.monomial, 'descending');

/** The zero polynomial: no terms. */
export const ZERO_POLYNOMIAL: Polynomial = { terms: [] };

/** The polynomial 1. */
export const ONE_POLYNOMIAL: Polynomial = { terms: [{ monomial: ONE_MONOMIAL, coefficient: 1n }] };

/** The polynomial x of one token. */
export const tokenPolynomial = (token: Token): Polynomial => ({
  terms: [{ monomial: tokenMonomial(token), coefficient: 1n }],
});

function toCoefficient(where: string, n: bigint | number): bigint {
  if (typeof n === 'bigint' ? n < 0n : !(Number.isSafeInteger(n) && n >= 0))
    throw new InvalidArgumentError(where, `coefficient ${String(n)} must be a natural number (0, 1, 2, …)`);
  return BigInt(n);
}

/** The constant polynomial n (zero for n = 0). */
export const constantPolynomial = (n: bigint | number): Polynomial =>
  polynomialOf([[ONE_MONOMIAL, toCoefficient('constantPolynomial', n)]]);

/** The polynomial Σ c·m of `terms` (monomial, coefficient ≥ 0) in canonical form. */
export function polynomialOf(terms: Iterable<readonly [Monomial, bigint | number]>): Polynomial {
  const byKey = new Map<string, Term>();
  for (const [monomial, c] of terms) accumulate(byKey, monomial, toCoefficient('polynomialOf', c));
  return canonical(byKey);
}

function accumulate(byKey: Map<string, Term>, monomial: Monomial, coefficient: bigint): void {
  if (coefficient === 0n) return;
  const known = byKey.get(monomial.key);
  byKey.set(monomial.key, {
    monomial,
    coefficient: known === undefined ? coefficient : known.coefficient + coefficient,
  });
}

function canonical(byKey: Map<string, Term>): Polynomial {
  return { terms: [...byKey.values()].sort(termOrder) };
}

/** a + b: a merge of the two sorted term lists, adding the coefficients of a common monomial. */
function plus(a: Polynomial, b: Polynomial): Polynomial {
  const x = a.terms;
  const y = b.terms;
  if (x.length === 0) return b;
  if (y.length === 0) return a;
  const terms: Term[] = [];
  let i = 0;
  let j = 0;
  while (i < x.length && j < y.length) {
    const s = x[i]!;
    const t = y[j]!;
    const order = s.monomial.key === t.monomial.key ? 0 : termOrder(s, t);
    if (order === 0) {
      terms.push({ monomial: s.monomial, coefficient: s.coefficient + t.coefficient });
      i++;
      j++;
    } else if (order < 0) {
      terms.push(s);
      i++;
    } else {
      terms.push(t);
      j++;
    }
  }
  while (i < x.length) terms.push(x[i++]!);
  while (j < y.length) terms.push(y[j++]!);
  return { terms };
}

/**
 * a·b: every pair of terms, collected by monomial key, then sorted once.
 * NOTE: collecting in a Map and sorting at the end costs O(|a||b| log) rather than a merge per
 * row; keys are the monomials' canonical strings.
 */
function times(a: Polynomial, b: Polynomial, limit: number): Polynomial {
  const x = a.terms;
  const y = b.terms;
  if (x.length === 0 || y.length === 0) return ZERO_POLYNOMIAL;
  assertWithinLimit('polynomial.times', BigInt(x.length) * BigInt(y.length), limit);
  if (x.length === 1 && x[0]!.monomial.degree === 0 && x[0]!.coefficient === 1n) return b;
  if (y.length === 1 && y[0]!.monomial.degree === 0 && y[0]!.coefficient === 1n) return a;
  const byKey = new Map<string, Term>();
  for (const s of x)
    for (const t of y)
      accumulate(byKey, monomialProduct(s.monomial, t.monomial), s.coefficient * t.coefficient);
  return canonical(byKey);
}

/** Whether two canonical polynomials are equal: the same monomials with the same coefficients. */
export function polynomialEquals(a: Polynomial, b: Polynomial): boolean {
  if (a.terms.length !== b.terms.length) return false;
  for (let i = 0; i < a.terms.length; i++) {
    const s = a.terms[i]!;
    const t = b.terms[i]!;
    if (s.coefficient !== t.coefficient || s.monomial.key !== t.monomial.key) return false;
  }
  return true;
}

/** The text form, `2·x[fc1,0,1]^2·x[fc2,1,0] + x[fc1,1,0]`; `0` for the zero polynomial. */
export function polynomialText(p: Polynomial): string {
  if (p.terms.length === 0) return '0';
  return p.terms
    .map(({ monomial, coefficient }) => {
      if (monomial.degree === 0) return String(coefficient);
      const m = monomialText(monomial);
      return coefficient === 1n ? m : `${coefficient}·${m}`;
    })
    .join(' + ');
}

/** The LaTeX form, `2 {x^{(fc1)}_{0,1}}^{2} x^{(fc2)}_{1,0} + x^{(fc1)}_{1,0}`; `0` for zero. */
export function polynomialLatex(p: Polynomial): string {
  if (p.terms.length === 0) return '0';
  return p.terms
    .map(({ monomial, coefficient }) => {
      if (monomial.degree === 0) return String(coefficient);
      const m = monomialLatex(monomial);
      return coefficient === 1n ? m : `${coefficient} ${m}`;
    })
    .join(' + ');
}

/** A polynomial in notebooks: its text form, and its LaTeX form rendered as an equation. */
export const polynomialBundle = (p: Polynomial): MimeBundle => ({
  'text/plain': polynomialText(p),
  'text/latex': `$$${polynomialLatex(p)}$$`,
});

/** A copy of `p` that notebooks display as LaTeX (the semiring's own values stay plain). */
export const displayPolynomial = (p: Polynomial): Polynomial =>
  withDisplay({ terms: p.terms }, polynomialBundle);

/** ℕ[X] with a size limit on products, and ways to build and print its values. */
export interface PolynomialSemiring extends Semiring<Polynomial> {
  /** The most monomials one product may have (bounded before expanding). */
  readonly limit: number;
  /** The polynomial x of a token: the default annotation of an edge. */
  fromToken(token: Token): Polynomial;
  /** The LaTeX form of a polynomial. */
  toLatex(p: Polynomial): string;
  /** The polynomial as a mathjs expression tree (polynomial-mathjs.ts). */
  toMathjs(p: Polynomial): MathNode;
  /** The polynomial of a mathjs tree or text of +, * and ^ over tokens; `fromMathjs(toMathjs(p))` is p. */
  fromMathjs(node: MathNode | string): Polynomial;
  /** ∂p/∂x: for K-LRP's R_j, the relevance that flows through the edge of token x. */
  derivative(p: Polynomial, x: Token): Polynomial;
}

/**
 * ℕ[X] whose ⊗ refuses, with a `LimitError`, products that could have more than `limit` monomials
 * (default `EXPANSION_DEFAULTS.limit`, 10^6).
 */
export function polynomialSemiring(options: ExpansionOptions = {}): PolynomialSemiring {
  const limit = resolveLimit('polynomialSemiring', options);
  const K: PolynomialSemiring = {
    name: 'polynomial',
    defaultAnnotation: 'token',
    zero: ZERO_POLYNOMIAL,
    one: ONE_POLYNOMIAL,
    plus,
    times: (a, b) => times(a, b, limit),
    equals: polynomialEquals,
    show: polynomialText,
    idempotent: false,
    absorptive: false,
    commutative: true,
    limit,
    fromToken: tokenPolynomial,
    toLatex: polynomialLatex,
    toMathjs: (p) => polynomialToMathjs(p),
    fromMathjs: (node) => polynomialFromMathjs(node, K),
    derivative: (p, x) => polynomialDerivative(p, x, K),
  };
  return K;
}

/** The registry's ℕ[X], with the default limit. */
export const polynomial: PolynomialSemiring = polynomialSemiring();
