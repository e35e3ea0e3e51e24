import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, LimitError } from '../../src/core/errors.js';
import {
  constantPolynomial,
  EXPANSION_DEFAULTS,
  edgeToken,
  monomialOf,
  ONE_POLYNOMIAL,
  type Polynomial,
  polynomial,
  polynomialEquals,
  polynomialLatex,
  polynomialOf,
  polynomialSemiring,
  polynomials,
  polynomialText,
  power,
  SEMIRINGS,
  tokenPolynomial,
  variable,
  ZERO_POLYNOMIAL,
} from '../../src/semirings/index.js';
import { smallPolynomials } from './token-valuations.js';

const K = polynomial;
const x = tokenPolynomial(variable('x'));
const y = tokenPolynomial(variable('y'));
const a = edgeToken('fc1', 0, 1);
const b = edgeToken('fc2', 1, 0);
const c = edgeToken('fc1', 1, 0);

describe('provenance polynomials ℕ[X]', () => {
  it('print hand-written polynomials in the documented text and LaTeX forms', () => {
    const p = polynomialOf([
      [monomialOf([[c, 1]]), 1],
      [
        monomialOf([
          [b, 1],
          [a, 2],
        ]),
        2,
      ],
    ]);
    expect(K.show(p)).toBe('2·x[fc1,0,1]^2·x[fc2,1,0] + x[fc1,1,0]');
    expect(K.toLatex(p)).toBe('2 {x^{(fc1)}_{0,1}}^{2} x^{(fc2)}_{1,0} + x^{(fc1)}_{1,0}');
    expect(polynomialText(K.plus(K.times(x, y), constantPolynomial(5)))).toBe('x·y + 5');
    expect(polynomialLatex(K.plus(K.times(x, x), constantPolynomial(5)))).toBe('x^{2} + 5');
    expect(K.show(K.zero)).toBe('0');
    expect(K.show(K.one)).toBe('1');
    expect(K.toLatex(K.zero)).toBe('0');
    expect(K.show(power(K, K.plus(x, y), 3))).toBe('x^3 + 3·x^2·y + 3·x·y^2 + y^3');
  });

  it('has one canonical form: terms given in any order, or summed in any order, are equal and print identically', () => {
    const termLists = fc.array(fc.tuple(smallPolynomials({ terms: 1 }), fc.integer({ min: 0, max: 3 })), {
      maxLength: 6,
    });
    fc.assert(
      fc.property(
        termLists.chain((ts) => fc.tuple(fc.constant(ts), fc.shuffledSubarray(ts, { minLength: ts.length }))),
        ([terms, shuffled]) => {
          const sum = (ts: typeof terms): Polynomial =>
            ts.reduce((acc, [p, n]) => K.plus(acc, K.times(constantPolynomial(n), p)), ZERO_POLYNOMIAL);
          const viaTerms = (ts: typeof terms): Polynomial =>
            polynomialOf(
              ts.flatMap(([p, n]) => p.terms.map((t) => [t.monomial, t.coefficient * BigInt(n)] as const)),
            );
          const forms = [sum(terms), sum(shuffled), viaTerms(terms), viaTerms(shuffled)];
          for (const p of forms) {
            expect(K.equals(p, forms[0]!)).toBe(true);
            expect(K.show(p)).toBe(K.show(forms[0]!));
            expect(K.toLatex(p)).toBe(K.toLatex(forms[0]!));
          }
        },
      ),
      { seed: 31, numRuns: 300 },
    );
  });

  it('keeps only positive coefficients and distinct monomials', () => {
    fc.assert(
      fc.property(polynomials(), polynomials(), (p, q) => {
        for (const r of [K.plus(p, q), K.times(p, q)]) {
          expect(r.terms.every((t) => t.coefficient > 0n)).toBe(true);
          expect(new Set(r.terms.map((t) => t.monomial.key)).size).toBe(r.terms.length);
        }
      }),
      { seed: 32, numRuns: 300 },
    );
  });

  it('expands (x + y)^10 into the binomial coefficients', () => {
    const p = power(K, K.plus(x, y), 10);
    expect(p.terms.map((t) => t.coefficient)).toEqual([
      1n,
      10n,
      45n,
      120n,
      210n,
      252n,
      210n,
      120n,
      45n,
      10n,
      1n,
    ]);
    expect(K.show(p).startsWith('x^10 + 10·x^9·y + 45·x^8·y^2')).toBe(true);
  });

  it('tells different polynomials apart by coefficient and by exponent', () => {
    expect(polynomialEquals(K.plus(x, x), x)).toBe(false);
    expect(polynomialEquals(K.times(x, x), x)).toBe(false);
    expect(polynomialEquals(K.plus(x, y), K.plus(y, x))).toBe(true);
    expect(K.equals(K.plus(x, K.zero), x)).toBe(true);
  });

  it('refuses coefficients that are not natural numbers', () => {
    for (const n of [-1, 1.5, Number.NaN, -2n] as const) {
      expect(() => constantPolynomial(n)).toThrow(InvalidArgumentError);
      expect(() => polynomialOf([[monomialOf([]), n]])).toThrow(/coefficient .* must be a natural number/);
    }
    expect(constantPolynomial(0)).toEqual(ZERO_POLYNOMIAL);
    expect(K.equals(constantPolynomial(1n), ONE_POLYNOMIAL)).toBe(true);
  });

  it('declares its flags: not idempotent (x + x = 2x), not absorptive (1 + x ≠ 1), commutative', () => {
    expect([K.idempotent, K.absorptive, K.commutative]).toEqual([false, false, true]);
    expect(K.show(K.plus(x, x))).toBe('2·x');
    expect(K.show(K.plus(K.one, x))).toBe('x + 1');
  });
});

describe('the size limit of ℕ[X]', () => {
  it('defaults to 10^6 monomials in the registry', () => {
    expect(EXPANSION_DEFAULTS.limit).toBe(1_000_000);
    expect(SEMIRINGS.polynomial.limit).toBe(1_000_000);
  });

  it('makes ⊗ refuse a product with |a|·|b| over the limit, naming that bound', () => {
    const small = polynomialSemiring({ limit: 3 });
    const xy = small.plus(x, y);
    expect(() => small.times(xy, xy)).toThrow(LimitError);
    try {
      small.times(xy, xy);
    } catch (error) {
      expect(error).toBeInstanceOf(LimitError);
      expect((error as LimitError).size).toBe(4n);
      expect((error as LimitError).limit).toBe(3);
      expect((error as LimitError).message).toMatch(
        /polynomial\.times: result would have up to 4 elements, over the limit of 3/,
      );
    }
    expect(small.show(small.times(xy, x))).toBe('x^2 + x·y');
    expect(K.show(polynomialSemiring({ limit: Number.POSITIVE_INFINITY }).times(xy, xy))).toBe(
      'x^2 + 2·x·y + y^2',
    );
  });

  it('refuses a limit that is not a positive integer or Infinity', () => {
    for (const limit of [0, -1, 1.5, Number.NaN])
      expect(() => polynomialSemiring({ limit })).toThrow(
        /polynomialSemiring: limit must be a positive integer or Infinity/,
      );
  });
});
