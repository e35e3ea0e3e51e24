import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, UnsupportedError } from '../../src/core/errors.js';
import {
  boolean,
  checkHomomorphism,
  constantPolynomial,
  countingExact,
  defineSemiring,
  evaluate,
  evaluationHomomorphism,
  monomialOf,
  multiple,
  polynomial,
  polynomialOf,
  polynomials,
  power,
  real,
  SEMIRING_NAMES,
  SEMIRINGS,
  type Semiring,
  type Token,
  tokenPolynomial,
  tropical,
  variable,
} from '../../src/semirings/index.js';
import { EXACT_VALUES, poolValuation, poolValuations, same, smallPolynomials } from './token-valuations.js';

const SEED = 0xe7a1;
const [tx, ty, tz] = [variable('x'), variable('y'), variable('z')];
/** 2·x²·y + z */
const p = polynomialOf([
  [
    monomialOf([
      [tx, 2],
      [ty, 1],
    ]),
    2,
  ],
  [monomialOf([[tz, 1]]), 1],
]);

/** A semiring that counts its operations, to see how evaluation spends them. */
function counted<T>(K: Semiring<T>) {
  const calls = { plus: 0, times: 0 };
  const wrapped: Semiring<T> = {
    ...K,
    plus: (a, b) => {
      calls.plus++;
      return K.plus(a, b);
    },
    times: (a, b) => {
      calls.times++;
      return K.times(a, b);
    },
  };
  return { K: wrapped, calls };
}

describe('evaluate', () => {
  it('computes Σ c·∏ ν(x)^e in the semiring: 2·x²·y + z', () => {
    const values = new Map<Token, bigint>([
      [tx, 3n],
      [ty, 5n],
      [tz, 7n],
    ]);
    expect(evaluate(p, countingExact, values)).toBe(97n);
    expect(evaluate(p, real, (t) => (t === tx ? 0.5 : t === ty ? -4 : 1))).toBe(-1);
    // In tropical, 2·x²·y + z is min(2x + y, z): the coefficient is 0 ⊕ 0 = 0.
    expect(evaluate(p, tropical, (t) => (t === tx ? 1 : t === ty ? 2 : 5))).toBe(4);
    expect(evaluate(p, boolean, (t) => t !== tz)).toBe(true);
    expect(evaluate(polynomial.zero, real, () => 1)).toBe(0);
    expect(evaluate(polynomial.one, real, () => 2)).toBe(1);
  });

  it('with the identity valuation in ℕ[X], gives the polynomial back', () => {
    fc.assert(
      fc.property(polynomials(), (q) => {
        expect(polynomial.equals(evaluate(q, polynomial, tokenPolynomial), q)).toBe(true);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('multiplies coefficients out by doubling: a coefficient of 2^100 costs about 200 additions, not 2^100', () => {
    const big = polynomialOf([[monomialOf([[tx, 1]]), 2n ** 100n + 1n]]);
    const { K, calls } = counted(countingExact);
    expect(evaluate(big, K, () => 3n)).toBe(3n * (2n ** 100n + 1n));
    expect(calls.plus).toBeLessThanOrEqual(2 * 101 + 1);
    expect(evaluate(big, boolean, () => true)).toBe(true);
    expect(multiple(countingExact, 5n, 0n)).toBe(0n);
    expect(multiple(countingExact, 5n, 1000n)).toBe(5000n);
  });

  it('raises to powers by repeated squaring: x^1000 costs about 20 multiplications', () => {
    const x1000 = polynomialOf([[monomialOf([[tx, 1000]]), 1]]);
    const { K, calls } = counted(countingExact);
    expect(evaluate(x1000, K, () => 2n)).toBe(2n ** 1000n);
    expect(calls.times).toBeLessThanOrEqual(2 * 10 + 2);
    expect(power(countingExact, 3n, 0)).toBe(1n);
    expect(() => power(countingExact, 3n, -1)).toThrow(InvalidArgumentError);
    expect(() => power(countingExact, 3n, 0.5)).toThrow(/power: exponent 0.5 must be a non-negative integer/);
  });

  it('refuses a non-commutative semiring, saying why', () => {
    type M = readonly [number, number, number, number];
    const matrices = defineSemiring<M>({
      name: 'matrices',
      zero: [0, 0, 0, 0],
      one: [1, 0, 0, 1],
      plus: (a, b) => [a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3]],
      times: (a, b) => [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
      ],
      equals: (a, b) => a.every((v, i) => v === b[i]),
    });
    expect(() => evaluate(p, matrices, () => matrices.one)).toThrow(UnsupportedError);
    expect(() => evaluate(p, matrices, () => matrices.one)).toThrow(
      /evaluate: semiring "matrices" is not commutative.*no order of the factors/,
    );
    expect(() => evaluationHomomorphism(matrices, () => matrices.one)).toThrow(UnsupportedError);
  });

  it('refuses a valuation that misses a token of the polynomial, naming the token', () => {
    expect(() => evaluate(p, countingExact, new Map([[tx, 1n]]))).toThrow(InvalidArgumentError);
    expect(() => evaluate(p, countingExact, new Map([[tx, 1n]]))).toThrow(/evaluate: token y has no value/);
    expect(() => evaluate(constantPolynomial(4), countingExact, new Map())).not.toThrow();
  });
});

describe('evaluation is a homomorphism ℕ[X] → K', () => {
  for (const name of SEMIRING_NAMES) {
    const K = SEMIRINGS[name] as Semiring<unknown>;
    const values = EXACT_VALUES[name];

    it(`into ${name}: it preserves 0, 1, ⊕ and ⊗`, () => {
      const [valuation] = fc.sample(poolValuations(values), { seed: SEED, numRuns: 1 });
      const h = evaluationHomomorphism(K, poolValuation(valuation!));
      const report = checkHomomorphism(h, smallPolynomials(), { seed: SEED, runs: 150 });
      expect(report.failures.map((f) => f.message)).toEqual([]);
    });

    it(`into ${name}: it commutes with substitution (evaluating σ(p) under ν = evaluating p under ν∘σ)`, () => {
      fc.assert(
        fc.property(
          smallPolynomials({ terms: 3, factors: 2, exponent: 2 }),
          poolValuations(smallPolynomials({ terms: 2, factors: 2, exponent: 2 })),
          poolValuations(values),
          (q, sigma, nu) => {
            const v = poolValuation(nu);
            const substituted = evaluate(q, polynomial, poolValuation(sigma));
            const lhs = evaluate(substituted, K, v);
            const rhs = evaluate(q, K, (t) => evaluate(poolValuation(sigma)(t), K, v));
            expect(same(K, lhs, rhs)).toBe(true);
          },
        ),
        { seed: SEED, numRuns: 60 },
      );
    });
  }
});
