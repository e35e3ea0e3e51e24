/**
 * Expansion limits: how large a symbolic product may grow before provlrp refuses to compute it.
 *
 * Multiplying polynomials (or sets of witnesses) multiplies their sizes: a product of n binomials
 * has up to 2^n monomials, and 40 of them would never finish. Every symbolic ⊗ first bounds the
 * size of its result by the product of its operands' sizes, computed exactly as a bigint without
 * expanding anything, and throws a `LimitError` naming that bound when it exceeds the limit.
 */
import { DEFAULTS } from '../core/defaults.js';
import { assertArgument, LimitError } from '../core/errors.js';

/** Options of the symbolic semiring factories (`polynomialSemiring`, `whySemiring`, …). */
export interface ExpansionOptions {
  /**
   * The most monomials (or witness sets) one product may have, bounded before it is expanded.
   * A positive integer, or `Infinity` for no limit. Default: `EXPANSION_DEFAULTS.limit`.
   */
  readonly limit?: number;
}

/** The defaults: at most 10^6 monomials per product. */
export const EXPANSION_DEFAULTS: Required<ExpansionOptions> = { limit: DEFAULTS.symbolicLimit };

/** The limit of `options`, checked: a positive integer or `Infinity`. */
export function resolveLimit(where: string, options: ExpansionOptions = {}): number {
  const { limit } = { ...EXPANSION_DEFAULTS, ...options };
  assertArgument(
    limit === Number.POSITIVE_INFINITY || (Number.isSafeInteger(limit) && limit > 0),
    where,
    () => `limit must be a positive integer or Infinity, got ${String(limit)}`,
  );
  return limit;
}

/** The product of `sizes`, exactly: an upper bound on the size of the product of their owners. */
export function sizeBound(sizes: Iterable<number>): bigint {
  let bound = 1n;
  for (const size of sizes) bound *= BigInt(size);
  return bound;
}

/** Throws a `LimitError` when `bound` exceeds `limit`. */
export function assertWithinLimit(where: string, bound: bigint, limit: number): void {
  if (limit !== Number.POSITIVE_INFINITY && bound > BigInt(limit))
    throw new LimitError(
      where,
      bound,
      limit,
      'the product of the operands’ monomial counts bounds the result; raise `limit` ' +
        '(e.g. polynomialSemiring({ limit })) or evaluate in a semiring that does not expand, such as counting_exact',
    );
}
