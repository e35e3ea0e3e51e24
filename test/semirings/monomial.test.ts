import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, LimitError } from '../../src/core/errors.js';
import {
  compareMonomials,
  divides,
  edgeToken,
  monomialLatex,
  monomialOf,
  monomialProduct,
  monomialSupport,
  monomials,
  monomialText,
  monomialUnion,
  ONE_MONOMIAL,
  tokenMonomial,
  variable,
  witnessOf,
} from '../../src/semirings/index.js';

const x = variable('x');
const y = variable('y');
const a = edgeToken('fc1', 0, 1);
const b = edgeToken('fc2', 1, 0);

describe('monomials', () => {
  it('have one canonical form: factors in any order, repeated or split, give the same key', () => {
    const m = monomialOf([
      [b, 1],
      [a, 1],
      [x, 0],
      [a, 1],
    ]);
    expect(m.key).toBe(
      monomialOf([
        [a, 2],
        [b, 1],
      ]).key,
    );
    expect(m.degree).toBe(3);
    expect(monomialText(m)).toBe('x[fc1,0,1]^2·x[fc2,1,0]');
    expect(monomialLatex(m)).toBe('{x^{(fc1)}_{0,1}}^{2} x^{(fc2)}_{1,0}');
    expect(monomialOf([]).key).toBe(ONE_MONOMIAL.key);
    expect(monomialText(ONE_MONOMIAL)).toBe('1');
    expect(monomialLatex(ONE_MONOMIAL)).toBe('1');
    expect(monomialLatex(monomialOf([[x, 3]]))).toBe('x^{3}');
  });

  it('refuse tokens that were never interned and exponents that are not natural numbers', () => {
    expect(() => monomialOf([[x, -1]])).toThrow(InvalidArgumentError);
    expect(() => monomialOf([[x, 0.5]])).toThrow(
      /monomialOf: exponent 0.5 of x must be a non-negative integer/,
    );
    expect(() => monomialOf([[1e9, 1]])).toThrow(/monomialOf: token 1000000000 is not interned/);
    expect(() => tokenMonomial(-3)).toThrow(InvalidArgumentError);
    expect(() => witnessOf([2.5])).toThrow(InvalidArgumentError);
  });

  it('refuse a product whose degree would no longer be an exact integer', () => {
    const huge = monomialOf([[x, 2 ** 52]]);
    expect(() => monomialProduct(huge, huge)).toThrow(LimitError);
  });

  it('multiply by adding exponents, and unite by taking the larger one', () => {
    const p = monomialOf([
      [x, 2],
      [y, 1],
    ]);
    const q = monomialOf([
      [y, 3],
      [a, 1],
    ]);
    expect(monomialText(monomialProduct(p, q))).toBe('x^2·y^4·x[fc1,0,1]');
    expect(monomialText(monomialUnion(p, q))).toBe('x^2·y^3·x[fc1,0,1]');
    expect(monomialText(monomialSupport(p))).toBe('x·y');
    expect(monomialProduct(p, ONE_MONOMIAL)).toBe(p);
  });

  it('divide when every exponent fits: on witness sets, the subset relation', () => {
    const xy = witnessOf([x, y]);
    expect(divides(witnessOf([y]), xy)).toBe(true);
    expect(divides(xy, witnessOf([y]))).toBe(false);
    expect(divides(ONE_MONOMIAL, xy)).toBe(true);
    expect(divides(witnessOf([a]), xy)).toBe(false);
    expect(divides(monomialOf([[x, 2]]), monomialOf([[x, 1]]))).toBe(false);
    fc.assert(
      fc.property(monomials(), monomials(), (m, n) => {
        expect(divides(m, monomialProduct(m, n))).toBe(true);
        expect(divides(m, monomialUnion(m, n))).toBe(true);
      }),
      { seed: 21, numRuns: 300 },
    );
  });

  it('are ordered by degree, then with the earlier token or the larger exponent first', () => {
    const sorted = [
      monomialOf([[y, 1]]),
      ONE_MONOMIAL,
      monomialOf([
        [x, 1],
        [y, 1],
      ]),
      monomialOf([[x, 1]]),
      monomialOf([[x, 2]]),
      monomialOf([[a, 1]]),
    ].sort((m, n) => compareMonomials(m, n));
    expect(sorted.map(monomialText)).toEqual(['1', 'x', 'y', 'x[fc1,0,1]', 'x^2', 'x·y']);
    const descending = [...sorted].sort((m, n) => compareMonomials(m, n, 'descending'));
    expect(descending.map(monomialText)).toEqual(['x^2', 'x·y', 'x', 'y', 'x[fc1,0,1]', '1']);
  });

  it('have a total order that multiplication preserves (a before b implies a·c before b·c)', () => {
    fc.assert(
      fc.property(monomials(), monomials(), monomials(), (m, n, c) => {
        for (const degree of ['ascending', 'descending'] as const) {
          const order = compareMonomials(m, n, degree);
          expect(order === 0).toBe(m.key === n.key);
          expect(Math.sign(order) + Math.sign(compareMonomials(n, m, degree))).toBe(0);
          const after = compareMonomials(monomialProduct(m, c), monomialProduct(n, c), degree);
          expect(Math.sign(after)).toBe(Math.sign(order));
        }
      }),
      { seed: 22, numRuns: 500 },
    );
  });

  it('multiply associatively and commutatively, whatever the tokens', () => {
    fc.assert(
      fc.property(monomials(), monomials(), monomials(), (m, n, c) => {
        expect(monomialProduct(m, n).key).toBe(monomialProduct(n, m).key);
        expect(monomialProduct(monomialProduct(m, n), c).key).toBe(
          monomialProduct(m, monomialProduct(n, c)).key,
        );
        expect(monomialProduct(m, n).degree).toBe(m.degree + n.degree);
      }),
      { seed: 23, numRuns: 300 },
    );
  });
});
