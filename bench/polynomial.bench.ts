/**
 * Provenance polynomials: how fast ℕ[X] expands products, and how fast it refuses one too large.
 *
 *   binomial_power_10   (x + y)^10 by repeated ⊗: 11 monomials, binomial coefficients
 *   binomials_12        ∏_{i<12} (x[l,i,0] + x[l,i,1]): 4096 distinct monomials
 *   limit_error_40      ∏_{i<40} (…): refused with a LimitError of size 2^40, before expanding
 *                       (`coldMs`: the first refusal, before any warm-up)
 *
 * Budgets: median ≤ 50 ms for the two expansions, ≤ 10 ms until the LimitError.
 */
import { LimitError } from '../src/core/errors.js';
import {
  edgeToken,
  expandProduct,
  type Polynomial,
  polynomial,
  power,
  tokenPolynomial,
  variable,
} from '../src/semirings/index.js';
import { time } from './timing.js';

export const name = 'polynomial';

const binomial = (i: number): Polynomial =>
  polynomial.plus(tokenPolynomial(edgeToken('bench', i, 0)), tokenPolynomial(edgeToken('bench', i, 1)));

function timeToLimitError(factors: readonly Polynomial[]): bigint {
  try {
    expandProduct(factors);
  } catch (error) {
    if (error instanceof LimitError) return BigInt(error.size);
    throw error;
  }
  throw new Error('bench: the product of 40 binomials was not refused');
}

export async function run(): Promise<Record<string, unknown>> {
  const xy = polynomial.plus(tokenPolynomial(variable('x')), tokenPolynomial(variable('y')));
  const power10 = () => {
    let p = polynomial.one;
    for (let i = 0; i < 10; i++) p = polynomial.times(p, xy);
    return p;
  };
  const twelve = Array.from({ length: 12 }, (_, i) => binomial(i));
  const forty = Array.from({ length: 40 }, (_, i) => binomial(i));
  const p10 = power10();
  const p12 = expandProduct(twelve);
  const t10 = await time(power10);
  const t10squaring = await time(() => power(polynomial, xy, 10));
  const t12 = await time(() => expandProduct(twelve));
  // The first refusal, before any warm-up: what a user waits on a cold start.
  const coldStart = performance.now();
  const size = timeToLimitError(forty);
  const coldMs = Math.round((performance.now() - coldStart) * 1000) / 1000;
  const tLimit = await time(() => timeToLimitError(forty), { runs: 25 });
  return {
    binomial_power_10: {
      ...t10,
      monomials: p10.terms.length,
      budgetMs: 50,
      withinBudget: t10.medianMs <= 50,
    },
    binomial_power_10_by_squaring: { ...t10squaring, budgetMs: 50, withinBudget: t10squaring.medianMs <= 50 },
    binomials_12: { ...t12, monomials: p12.terms.length, budgetMs: 50, withinBudget: t12.medianMs <= 50 },
    limit_error_40: {
      ...tLimit,
      coldMs,
      size,
      budgetMs: 10,
      withinBudget: Math.max(coldMs, tLimit.maxMs) <= 10,
    },
  };
}
