/**
 * Positive Boolean provenance (PosBool(X), ∨, ∧, ⊥, ⊤): monotone Boolean formulas over the
 * tokens, kept in their unique minimal form, an antichain of witness sets (a set of sets none of
 * which contains another). It answers "which minimal sets of edges suffice?" and is the
 * absorptive quotient of Why(X) (Green, Karvounarakis and Tannen 2007).
 *
 * ⊕ is the union of the two antichains, ⊗ their pairwise unions, each followed by absorption:
 * every witness that contains another one is dropped (x ∨ x∧y = x). 0 = ∅ (false), 1 = {∅}
 * (true). Canonical form: the antichain sorted as Why(X) sorts witnesses (smaller first).
 * Text: disjunctive normal form, `x[fc1,0,1] ∧ x[fc2,1,0] ∨ y`, zero `⊥`, one `⊤`.
 *
 * idempotent: yes (a ∨ a = a). absorptive: yes (⊤ ∨ a = ⊤: ∅ is contained in every witness).
 * commutative: yes. Exact.
 * Limit: ⊗ refuses products whose size bound |a|·|b| exceeds the limit (default 10^6), before
 * absorption could shrink them.
 */
import { type ExpansionOptions, resolveLimit } from './expansion-limit.js';
import { divides, type Monomial, monomialUnion, ONE_MONOMIAL, witnessOf } from './monomial.js';
import {
  type MonomialSet,
  monomialSetEquals,
  monomialSetOf,
  monomialSetProduct,
  monomialSetUnion,
} from './monomial-set.js';
import type { Semiring } from './semiring.js';
import { type Token, tokenLatex, tokenName } from './tokens.js';
import { witnessOrder } from './why.js';

/** A value of PosBool(X): an antichain of witness sets in canonical order. */
export type PosBool = MonomialSet;

/**
 * The minimal members of a set of witnesses sorted smaller-first: a witness survives unless an
 * earlier survivor is contained in it (a superset always sorts after its subsets).
 */
export function minimalWitnesses(witnesses: MonomialSet): Monomial[] {
  const kept: Monomial[] = [];
  for (const w of witnesses) if (!kept.some((k) => divides(k, w))) kept.push(w);
  return kept;
}

/** The PosBool(X) value ∨ of ∧ of `witnesses` (each a collection of tokens), minimised. */
export const posboolOf = (witnesses: Iterable<Iterable<Token>>): PosBool =>
  minimalWitnesses(monomialSetOf([...witnesses].map(witnessOf), witnessOrder));

function formula(
  a: PosBool,
  name: (t: Token) => string,
  and: string,
  or: string,
  top: string,
  bottom: string,
) {
  if (a.length === 0) return bottom;
  return a.map((w) => (w.tokens.length === 0 ? top : w.tokens.map(name).join(and))).join(or);
}

/** PosBool(X) with a size limit on products, and ways to build and print its values. */
export interface PosboolSemiring extends Semiring<PosBool> {
  /** The most witness sets one product may have before absorption (bounded before expanding). */
  readonly limit: number;
  /** The value x of a token. */
  fromToken(token: Token): PosBool;
  /** The LaTeX form of a value: `x \land y \lor z`. */
  toLatex(a: PosBool): string;
}

/** PosBool(X) whose ⊗ refuses products of more than `limit` witness pairs (default 10^6). */
export function posboolSemiring(options: ExpansionOptions = {}): PosboolSemiring {
  const limit = resolveLimit('posboolSemiring', options);
  return {
    name: 'posbool',
    defaultAnnotation: 'token',
    zero: [],
    one: [ONE_MONOMIAL],
    plus: (a, b) => minimalWitnesses(monomialSetUnion(a, b, witnessOrder)),
    times: (a, b) =>
      minimalWitnesses(monomialSetProduct(a, b, monomialUnion, witnessOrder, 'posbool.times', limit)),
    equals: monomialSetEquals,
    show: (a) => formula(a, tokenName, ' ∧ ', ' ∨ ', '⊤', '⊥'),
    idempotent: true,
    absorptive: true,
    commutative: true,
    limit,
    fromToken: (token) => [witnessOf([token])],
    toLatex: (a) => formula(a, tokenLatex, ' \\land ', ' \\lor ', '\\top', '\\bot'),
  };
}

/** The registry's PosBool(X), with the default limit. */
export const posbool: PosboolSemiring = posboolSemiring();
