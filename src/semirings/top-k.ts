/**
 * Top-k: the k best Viterbi values with their witnesses, the monomials of the paths that reach
 * them. Viterbi says how strong the best path is; top-k also says which paths are the k strongest.
 *
 * Carrier: lists of at most k entries (value, witness) with values in (0, 1] and distinct
 * witnesses, sorted by value descending, then by witness in the monomial order (lower degree, i.e.
 * shorter paths, first; `compareMonomials`). An entry of value 0 is no path and is dropped.
 *   ⊕: merge the lists (a witness in both keeps its larger value), sort, keep the first k.
 *   ⊗: all pairwise products (values multiplied, witnesses multiplied as monomials: the multiset
 *      union of their tokens), a witness reached twice keeping its larger value; sort; keep k.
 *   0 = [] (no path), 1 = [(1, 1)] (the empty path, of strength 1).
 *
 * Why the laws hold: this is the semiring of polynomials with Viterbi coefficients (each monomial
 * weighted in ([0, 1], max, ×)) cut down to its k best terms, and the cut is a congruence because
 * the order is multiplicative: if (v, w) ranks before (v', w') then (u·v, x·w) ranks before
 * (u·v', x·w') for every entry (u, x), u > 0 (a larger value stays larger, and on equal values the
 * monomial order is multiplicative). So a term cut from an operand has k better terms whose
 * products beat its own, and it can never reach the top k of a sum or a product.
 *
 * Floating point: products round, so ⊗ is associative only up to rounding, and rounding can turn
 * u·v > u·v' into a tie. The laws therefore hold up to `approxEquals`: values equal within the
 * tolerance of the context (as Viterbi's), witnesses equal except in their order among values that
 * tie within that tolerance and, at the cut of a full list, in which of such tied witnesses made
 * it. With exactly representable values (dyadic fractions) they hold with `equals`.
 *
 * idempotent: yes (merging a list with itself keeps it). absorptive: for k = 1 only (1 ⊕ a keeps
 * (1, 1) first, as 1 is the largest value and the empty witness the smallest; for k ≥ 2 a's
 * entries stay). commutative: yes. Precondition: values in [0, 1], checked by `fromEntries`.
 */
import { assertArgument, InvalidArgumentError } from '../core/errors.js';
import {
  compareMonomials,
  type Monomial,
  monomialProduct,
  monomialText,
  ONE_MONOMIAL,
  tokenMonomial,
} from './monomial.js';
import type { Semiring } from './semiring.js';
import type { Token } from './tokens.js';
import { closeInContext } from './tolerance.js';

/** One entry of a top-k list: a path's strength and its witness. */
export interface Ranked {
  /** In (0, 1]. */
  readonly value: number;
  /** The monomial of the path's tokens. */
  readonly witness: Monomial;
}

/** A value of top-k: at most k entries in canonical order (see the file header). */
export type TopK = readonly Ranked[];

/** The k of the registry's `top_k`. */
export const DEFAULT_TOP_K = 3;

/** The order of entries: larger value first, then the smaller witness. */
export const rankedOrder = (a: Ranked, b: Ranked): number =>
  a.value !== b.value ? (a.value > b.value ? -1 : 1) : compareMonomials(a.witness, b.witness);

/** Adds an entry to a list being built, keeping the larger value of a repeated witness. */
function keepBest(byWitness: Map<string, Ranked>, entry: Ranked): void {
  const known = byWitness.get(entry.witness.key);
  if (known === undefined || entry.value > known.value) byWitness.set(entry.witness.key, entry);
}

const cut = (byWitness: Map<string, Ranked>, k: number): TopK =>
  [...byWitness.values()].sort(rankedOrder).slice(0, k);

function plus(a: TopK, b: TopK, k: number): TopK {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const byWitness = new Map<string, Ranked>();
  for (const entry of a) keepBest(byWitness, entry);
  for (const entry of b) keepBest(byWitness, entry);
  return cut(byWitness, k);
}

function times(a: TopK, b: TopK, k: number): TopK {
  const byWitness = new Map<string, Ranked>();
  for (const x of a)
    for (const y of b) {
      const value = x.value * y.value;
      // An underflow to 0 is no path, as a zero coefficient is.
      if (value > 0) keepBest(byWitness, { value, witness: monomialProduct(x.witness, y.witness) });
    }
  return cut(byWitness, k);
}

const equals = (a: TopK, b: TopK): boolean =>
  a.length === b.length && a.every((e, i) => e.value === b[i]!.value && e.witness.key === b[i]!.witness.key);

/**
 * Equality up to rounding (see the file header): after dropping values negligible against the
 * context (≤ rtol · its largest value), the lists have equal lengths and close values, and within
 * each run of values that tie within the tolerance the same witnesses, except in a run at the cut.
 */
function approxEquals(a: TopK, b: TopK, context: readonly TopK[], rtol: number, k: number): boolean {
  let scale = 0;
  for (const list of [a, b, ...context]) for (const e of list) scale = Math.max(scale, e.value);
  const eps = rtol * scale;
  const x = a.filter((e) => e.value > eps);
  const y = b.filter((e) => e.value > eps);
  if (x.length !== y.length) return false;
  const values = [...a, ...b, ...context.flat()].map((e) => e.value);
  for (let i = 0; i < x.length; i++)
    if (!closeInContext(x[i]!.value, y[i]!.value, values, rtol)) return false;
  const atCut = (x.length === a.length && a.length === k) || (y.length === b.length && b.length === k);
  let start = 0;
  for (let i = 1; i <= x.length; i++) {
    const tied =
      i < x.length && (x[i - 1]!.value - x[i]!.value <= eps || y[i - 1]!.value - y[i]!.value <= eps);
    if (tied) continue;
    if (!(i === x.length && atCut) && !sameWitnesses(x.slice(start, i), y.slice(start, i))) return false;
    start = i;
  }
  return true;
}

function sameWitnesses(x: TopK, y: TopK): boolean {
  const keys = (list: TopK): string[] => list.map((e) => e.witness.key).sort();
  const kx = keys(x);
  const ky = keys(y);
  return kx.every((key, i) => key === ky[i]);
}

function show(a: TopK): string {
  return `[${a.map((e) => `${e.value.toPrecision(6)}: ${monomialText(e.witness)}`).join(', ')}]`;
}

/** Top-k for one k, with ways to build its values. */
export interface TopKSemiring extends Semiring<TopK> {
  /** How many entries a value keeps. */
  readonly k: number;
  /**
   * The value holding `entries` in canonical form: values must be in [0, 1]; value-0 entries
   * are dropped, a repeated witness keeps its larger value, and only the best k remain.
   */
  fromEntries(entries: Iterable<Ranked>): TopK;
  /** The value [(value, x)] of a token annotated with `value` (default 1), in [0, 1]. */
  fromToken(token: Token, value?: number): TopK;
}

/** The top-k semiring keeping the `k` best entries (k a positive integer). */
export function topK(k: number): TopKSemiring {
  assertArgument(Number.isSafeInteger(k) && k > 0, 'topK', () => `k must be a positive integer, got ${k}`);
  const fromEntries = (entries: Iterable<Ranked>): TopK => {
    const byWitness = new Map<string, Ranked>();
    for (const entry of entries) {
      if (!(entry.value >= 0 && entry.value <= 1))
        throw new InvalidArgumentError(
          'top_k',
          `value ${entry.value} of witness ${monomialText(entry.witness)} must be in [0, 1] (a Viterbi value)`,
        );
      if (entry.value > 0) keepBest(byWitness, { value: entry.value, witness: entry.witness });
    }
    return cut(byWitness, k);
  };
  return {
    name: 'top_k',
    defaultAnnotation: 'viterbi',
    zero: [],
    one: [{ value: 1, witness: ONE_MONOMIAL }],
    plus: (a, b) => plus(a, b, k),
    times: (a, b) => times(a, b, k),
    equals,
    show,
    idempotent: true,
    absorptive: k === 1,
    commutative: true,
    toNumber: (a) => a[0]?.value ?? 0,
    approxEquals: (a, b, context, rtol) => approxEquals(a, b, context, rtol, k),
    k,
    fromEntries,
    fromToken: (token, value = 1) => fromEntries([{ value, witness: tokenMonomial(token) }]),
  };
}

/** The registry's `top_k`: k = `DEFAULT_TOP_K`. */
export const defaultTopK: TopKSemiring = topK(DEFAULT_TOP_K);
