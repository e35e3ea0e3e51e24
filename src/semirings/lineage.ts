/**
 * Lineage (Lin(X), ∪, ∪, ⊥, ∅): the set of all tokens that contribute to a value, with a bottom
 * element ⊥ ("no derivation at all") distinct from the empty set ("derived, from no token"). It
 * answers "which edges take part in any relevant path?" (Cui, Widom and Wiener 2000; in the
 * hierarchy of Green 2009).
 *
 * ⊕: ⊥ ⊕ a = a, otherwise the union. ⊗: ⊥ ⊗ a = ⊥, otherwise the union. 0 = ⊥ (the identity of ⊕,
 * absorbing for ⊗), 1 = ∅. With ⊥ apart from ∅, Why(X) → Lin(X) (the union of all witnesses, ⊥
 * for no witness) is a homomorphism. Canonical form: `null` for ⊥, otherwise the tokens sorted in
 * the token order. Text: `{x[fc1,0,1], y}`, zero `⊥`, one `∅`.
 *
 * idempotent: yes (a ∪ a = a). absorptive: no (∅ ⊕ {x} = {x} ≠ ∅). commutative: yes. Exact.
 */
import { InvalidArgumentError } from '../core/errors.js';
import type { Semiring } from './semiring.js';
import { compareTokens, isToken, type Token, tokenLatex, tokenName } from './tokens.js';

/** A value of Lin(X): `null` for ⊥, otherwise distinct tokens in the token order. */
export type Lineage = readonly Token[] | null;

/** The Lin(X) value holding `tokens` (a set; duplicates collapse). */
export function lineageOf(tokens: Iterable<Token>): Lineage {
  const set = new Set<Token>();
  for (const t of tokens) {
    if (!isToken(t))
      throw new InvalidArgumentError(
        'lineageOf',
        `token ${String(t)} is not interned; create tokens with edgeToken or variable`,
      );
    set.add(t);
  }
  return [...set].sort(compareTokens);
}

/** a ∪ b on two sorted token lists. */
function union(a: readonly Token[], b: readonly Token[]): readonly Token[] {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const out: Token[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const c = compareTokens(a[i]!, b[j]!);
    if (c <= 0) {
      out.push(a[i++]!);
      if (c === 0) j++;
    } else out.push(b[j++]!);
  }
  while (i < a.length) out.push(a[i++]!);
  while (j < b.length) out.push(b[j++]!);
  return out;
}

function equals(a: Lineage, b: Lineage): boolean {
  if (a === null || b === null) return a === b;
  return a.length === b.length && a.every((t, i) => t === b[i]);
}

/** Lin(X), with ways to build and print its values. */
export interface LineageSemiring extends Semiring<Lineage> {
  /** The value {x} of a token. */
  fromToken(token: Token): Lineage;
  /** The LaTeX form of a value: `\{x, y\}`, `\emptyset`, `\bot`. */
  toLatex(a: Lineage): string;
}

/** The lineage semiring Lin(X). */
export const lineage: LineageSemiring = {
  name: 'lineage',
  defaultAnnotation: 'token',
  zero: null,
  one: [],
  plus: (a, b) => (a === null ? b : b === null ? a : union(a, b)),
  times: (a, b) => (a === null || b === null ? null : union(a, b)),
  equals,
  show: (a) => (a === null ? '⊥' : a.length === 0 ? '∅' : `{${a.map(tokenName).join(', ')}}`),
  idempotent: true,
  absorptive: false,
  commutative: true,
  fromToken: (token) => lineageOf([token]),
  toLatex: (a) =>
    a === null ? '\\bot' : a.length === 0 ? '\\emptyset' : `\\{${a.map(tokenLatex).join(', ')}\\}`,
};
