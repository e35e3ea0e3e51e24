/**
 * The n-ary product of polynomials, bounded before it is expanded.
 *
 * ∏ p_i has at most ∏ |p_i| monomials (|p| = the number of monomials of p). `expandProduct`
 * computes that bound exactly, as a bigint, and refuses with a `LimitError` naming it before
 * multiplying anything: 40 distinct binomials fail at once with a bound of 2^40 instead of running
 * out of memory. Every partial product is bounded by the whole, so no intermediate step can exceed
 * the limit once the bound has been checked.
 */
import { assertWithinLimit, type ExpansionOptions, resolveLimit, sizeBound } from './expansion-limit.js';
import { ONE_POLYNOMIAL, type Polynomial, polynomialSemiring, ZERO_POLYNOMIAL } from './polynomial.js';

/** The upper bound ∏ |p_i| on the number of monomials of the product of `factors`. */
export const productSizeBound = (factors: readonly Polynomial[]): bigint =>
  sizeBound(factors.map((p) => p.terms.length));

/**
 * ∏ `factors` in ℕ[X] (1 for none). Throws a `LimitError` whose `size` is `productSizeBound`
 * when that exceeds `limit` (default 10^6 monomials), before expanding.
 */
export function expandProduct(factors: Iterable<Polynomial>, options: ExpansionOptions = {}): Polynomial {
  const limit = resolveLimit('expandProduct', options);
  const all = [...factors];
  if (all.some((p) => p.terms.length === 0)) return ZERO_POLYNOMIAL;
  assertWithinLimit('expandProduct', productSizeBound(all), limit);
  const K = polynomialSemiring({ limit });
  let acc = ONE_POLYNOMIAL;
  for (const p of all) acc = K.times(acc, p);
  return acc;
}
