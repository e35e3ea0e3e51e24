/**
 * Evaluating a provenance polynomial in a commutative semiring: the universal property of ℕ[X].
 *
 * For a valuation ν: X → K, the value of p = Σ c·x₁^e₁⋯x_n^e_n is
 *   ⊕ over terms of (1 ⊕ ⋯ ⊕ 1, c times) ⊗ ν(x₁)^e₁ ⊗ ⋯ ⊗ ν(x_n)^e_n,
 * and p ↦ that value is the unique homomorphism ℕ[X] → K extending ν. K-LRP in K with the
 * annotation ν∘token equals the circuit's polynomial evaluated under ν (DESIGN.md §1).
 *
 * Coefficients are bigints and exponents can be large, so c·1 is computed by doubling and a^e by
 * repeated squaring: O(log c) and O(log e) operations. A non-commutative semiring is refused: a
 * monomial fixes no order of its factors, so its value there is not defined.
 */
import { InvalidArgumentError, UnsupportedError } from '../core/errors.js';
import type { Homomorphism } from './homomorphism.js';
import { type Polynomial, polynomial } from './polynomial.js';
import type { Semiring } from './semiring.js';
import { type Token, tokenName } from './tokens.js';

/** A value for each token: a function or a map from token ids. */
export type TokenValuation<T> = ((token: Token) => T) | ReadonlyMap<Token, T>;

/** a ⊗ a ⊗ ⋯ ⊗ a (`n` ≥ 0 factors; 1 for n = 0), by repeated squaring. */
export function power<T>(K: Semiring<T>, a: T, n: number): T {
  if (!(Number.isSafeInteger(n) && n >= 0))
    throw new InvalidArgumentError('power', `exponent ${n} must be a non-negative integer`);
  let result = K.one;
  let base = a;
  while (n > 0) {
    if (n % 2 === 1) result = K.times(result, base);
    n = Math.floor(n / 2);
    // The last squaring would be unused: skipping it saves a possibly large symbolic product.
    if (n > 0) base = K.times(base, base);
  }
  return result;
}

/** a ⊕ a ⊕ ⋯ ⊕ a (`n` ≥ 0 terms; 0 for n = 0), by doubling. */
export function multiple<T>(K: Semiring<T>, a: T, n: bigint): T {
  if (n < 0n) throw new InvalidArgumentError('multiple', `count ${n} must be a natural number`);
  let result = K.zero;
  let base = a;
  while (n > 0n) {
    if (n & 1n) result = K.plus(result, base);
    n >>= 1n;
    if (n > 0n) base = K.plus(base, base);
  }
  return result;
}

/** Throws an `UnsupportedError` unless K is commutative. */
function assertCommutative(where: string, K: Semiring<unknown>): void {
  if (!K.commutative)
    throw new UnsupportedError(
      `${where}: semiring "${K.name}" is not commutative, and a provenance polynomial fixes no order ` +
        'of the factors of a monomial, so it has no value there; evaluate the circuit in it directly',
    );
}

function lookup<T>(valuation: TokenValuation<T>): (token: Token) => T {
  const cache = new Map<Token, T>();
  const get = typeof valuation === 'function' ? valuation : (t: Token) => valuation.get(t);
  return (token) => {
    let v = cache.get(token);
    if (v === undefined) {
      v = get(token);
      if (v === undefined)
        throw new InvalidArgumentError(
          'evaluate',
          `token ${tokenName(token)} has no value in the valuation; give every token of the polynomial a value`,
        );
      cache.set(token, v);
    }
    return v;
  };
}

/** The value of `p` in the commutative semiring `K` under `valuation` (see the file header). */
export function evaluate<T>(p: Polynomial, K: Semiring<T>, valuation: TokenValuation<T>): T {
  assertCommutative('evaluate', K);
  const value = lookup(valuation);
  let sum = K.zero;
  for (const { monomial, coefficient } of p.terms) {
    let term = coefficient === 1n ? K.one : multiple(K, K.one, coefficient);
    for (let i = 0; i < monomial.tokens.length; i++)
      term = K.times(term, power(K, value(monomial.tokens[i]!), monomial.exponents[i]!));
    sum = K.plus(sum, term);
  }
  return sum;
}

/** Evaluation under `valuation` as a homomorphism ℕ[X] → K (K commutative). */
export function evaluationHomomorphism<T>(
  K: Semiring<T>,
  valuation: TokenValuation<T>,
): Homomorphism<Polynomial, T> {
  assertCommutative('evaluationHomomorphism', K);
  return { name: `polynomial_to_${K.name}`, from: polynomial, to: K, map: (p) => evaluate(p, K, valuation) };
}
