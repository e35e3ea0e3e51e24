/**
 * Monomials: products of tokens with exponents, x₁^e₁ ⋯ x_n^e_n, in one canonical form.
 *
 * A monomial keeps its tokens strictly increasing in the token order (`compareTokens`) with
 * exponents ≥ 1, so equal monomials have equal `key`s; the empty monomial is 1. The provenance
 * semirings build on them: ℕ[X] and 𝔹[X] as monomials with exponents, Why(X) and PosBool(X) as
 * witness sets (monomials whose exponents are all 1, combined by `monomialUnion`), top-k as the
 * witnesses of paths.
 *
 * Monomial order (`compareMonomials`): graded (by degree), then lexicographic with the earlier
 * token first: x before y, x² before x·y. With the degree ascending or descending alike, the order
 * is multiplicative (a before b implies a·c before b·c), which top-k's tie-break relies on.
 *
 * Text: factors joined by `·`, powers as `^2`: `x[fc1,0,1]^2·x[fc2,1,0]`; LaTeX: factors joined by
 * a space, a power of a token with sub- or superscripts braced: `{x^{(fc1)}_{0,1}}^{2}`.
 */
import { InvalidArgumentError, LimitError } from '../core/errors.js';
import { compareTokens, isToken, type Token, tokenLatex, tokenName } from './tokens.js';

/** A monomial in canonical form. Build with `monomialOf`, `tokenMonomial` or a product. */
export interface Monomial {
  /** Strictly increasing in the token order. */
  readonly tokens: readonly Token[];
  /** Positive integers, one per token. */
  readonly exponents: readonly number[];
  /** The sum of the exponents. */
  readonly degree: number;
  /** Equal exactly for equal monomials (within one process: it is built from token ids). */
  readonly key: string;
}

function build(tokens: Token[], exponents: number[]): Monomial {
  let degree = 0;
  let key = '';
  for (let i = 0; i < tokens.length; i++) {
    const e = exponents[i]!;
    degree += e;
    if (i > 0) key += ' ';
    key += e === 1 ? `${tokens[i]}` : `${tokens[i]}^${e}`;
  }
  if (!Number.isSafeInteger(degree))
    throw new LimitError('monomial', degree, Number.MAX_SAFE_INTEGER, 'exponents must stay exact integers');
  return { tokens, exponents, degree, key };
}

/** The empty monomial, 1. */
export const ONE_MONOMIAL: Monomial = build([], []);

function assertToken(where: string, token: Token): void {
  if (!isToken(token))
    throw new InvalidArgumentError(
      where,
      `token ${String(token)} is not interned; create tokens with edgeToken or variable`,
    );
}

/** The monomial x of one token. */
export function tokenMonomial(token: Token): Monomial {
  assertToken('tokenMonomial', token);
  return build([token], [1]);
}

/**
 * The monomial of `factors` (token, exponent ≥ 0) in canonical form: a repeated token adds its
 * exponents, exponent 0 leaves the token out.
 */
export function monomialOf(factors: Iterable<readonly [Token, number]>): Monomial {
  const exponents = new Map<Token, number>();
  for (const [token, e] of factors) {
    assertToken('monomialOf', token);
    if (!Number.isSafeInteger(e) || e < 0)
      throw new InvalidArgumentError(
        'monomialOf',
        `exponent ${e} of ${tokenName(token)} must be a non-negative integer`,
      );
    if (e > 0) exponents.set(token, (exponents.get(token) ?? 0) + e);
  }
  const tokens = [...exponents.keys()].sort(compareTokens);
  return build(
    tokens,
    tokens.map((t) => exponents.get(t)!),
  );
}

/** The witness set of `tokens` (each once, exponent 1): duplicates collapse. */
export function witnessOf(tokens: Iterable<Token>): Monomial {
  const set = new Set<Token>();
  for (const token of tokens) {
    assertToken('witnessOf', token);
    set.add(token);
  }
  const sorted = [...set].sort(compareTokens);
  return build(
    sorted,
    sorted.map(() => 1),
  );
}

/**
 * Merges two monomials token by token; `combine` gives the exponent of a token both have.
 * NOTE: a flat two-pointer merge over the sorted token arrays, the hot loop of every product.
 */
function merge(a: Monomial, b: Monomial, combine: (ea: number, eb: number) => number): Monomial {
  const ta = a.tokens;
  const tb = b.tokens;
  const la = ta.length;
  const lb = tb.length;
  if (la === 0) return b;
  if (lb === 0) return a;
  const tokens: Token[] = [];
  const exponents: number[] = [];
  let i = 0;
  let j = 0;
  while (i < la && j < lb) {
    const x = ta[i]!;
    const y = tb[j]!;
    if (x === y) {
      tokens.push(x);
      exponents.push(combine(a.exponents[i++]!, b.exponents[j++]!));
    } else if (compareTokens(x, y) < 0) {
      tokens.push(x);
      exponents.push(a.exponents[i++]!);
    } else {
      tokens.push(y);
      exponents.push(b.exponents[j++]!);
    }
  }
  for (; i < la; i++) {
    tokens.push(ta[i]!);
    exponents.push(a.exponents[i]!);
  }
  for (; j < lb; j++) {
    tokens.push(tb[j]!);
    exponents.push(b.exponents[j]!);
  }
  return build(tokens, exponents);
}

const add = (ea: number, eb: number): number => ea + eb;
const max = (ea: number, eb: number): number => Math.max(ea, eb);

/** a·b: exponents add. */
export const monomialProduct = (a: Monomial, b: Monomial): Monomial => merge(a, b, add);

/** The least common multiple of a and b (exponents take the maximum); on witness sets, a ∪ b. */
export const monomialUnion = (a: Monomial, b: Monomial): Monomial => merge(a, b, max);

/** The tokens of a monomial, each with exponent 1: its witness set. */
export function monomialSupport(a: Monomial): Monomial {
  if (a.degree === a.tokens.length) return a;
  return build(
    [...a.tokens],
    a.tokens.map(() => 1),
  );
}

/** Whether `a` divides `b` (every token of a is in b with at least its exponent); on witness sets, a ⊆ b. */
export function divides(a: Monomial, b: Monomial): boolean {
  const la = a.tokens.length;
  const lb = b.tokens.length;
  if (la > lb || a.degree > b.degree) return false;
  let j = 0;
  for (let i = 0; i < la; i++) {
    const x = a.tokens[i]!;
    while (j < lb && compareTokens(b.tokens[j]!, x) < 0) j++;
    if (j === lb || b.tokens[j] !== x || b.exponents[j]! < a.exponents[i]!) return false;
    j++;
  }
  return true;
}

/**
 * The monomial order: negative when `a` comes first. Graded (lower degree first, or higher with
 * `degree: 'descending'`), then lexicographic: the first token where they differ decides, the
 * monomial with the earlier token (or the larger exponent of the same token) first.
 */
export function compareMonomials(
  a: Monomial,
  b: Monomial,
  degree: 'ascending' | 'descending' = 'ascending',
): number {
  if (a.degree !== b.degree) return degree === 'ascending' ? a.degree - b.degree : b.degree - a.degree;
  const n = Math.min(a.tokens.length, b.tokens.length);
  for (let i = 0; i < n; i++) {
    const x = a.tokens[i]!;
    const y = b.tokens[i]!;
    if (x !== y) return compareTokens(x, y);
    const ex = a.exponents[i]!;
    const ey = b.exponents[i]!;
    if (ex !== ey) return ey - ex;
  }
  // Equal degree and equal up to n: then the token lists are equal too.
  return a.tokens.length - b.tokens.length;
}

/** The text form: `x[fc1,0,1]^2·x[fc2,1,0]`, and `1` for the empty monomial. */
export function monomialText(a: Monomial): string {
  if (a.tokens.length === 0) return '1';
  return a.tokens
    .map((t, i) => {
      const e = a.exponents[i]!;
      return e === 1 ? tokenName(t) : `${tokenName(t)}^${e}`;
    })
    .join('·');
}

/** The LaTeX form: `{x^{(fc1)}_{0,1}}^{2} x^{(fc2)}_{1,0}`, and `1` for the empty monomial. */
export function monomialLatex(a: Monomial): string {
  if (a.tokens.length === 0) return '1';
  return a.tokens
    .map((t, i) => {
      const e = a.exponents[i]!;
      const tex = tokenLatex(t);
      if (e === 1) return tex;
      // A double superscript (x^{(l)}^{2}) is a LaTeX error; brace the base when it has scripts.
      return /[_^]/.test(tex) ? `{${tex}}^{${e}}` : `${tex}^{${e}}`;
    })
    .join(' ');
}
