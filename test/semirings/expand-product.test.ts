import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LimitError } from '../../src/core/errors.js';
import {
  edgeToken,
  expandProduct,
  ONE_POLYNOMIAL,
  type Polynomial,
  polynomial,
  productSizeBound,
  tokenPolynomial,
  ZERO_POLYNOMIAL,
} from '../../src/semirings/index.js';
import { smallPolynomials } from './token-valuations.js';

const K = polynomial;
const binomial = (i: number): Polynomial =>
  K.plus(tokenPolynomial(edgeToken('expand', i, 0)), tokenPolynomial(edgeToken('expand', i, 1)));

describe('expandProduct', () => {
  it('equals multiplying the factors one by one', () => {
    fc.assert(
      fc.property(fc.array(smallPolynomials({ terms: 3, factors: 2 }), { maxLength: 4 }), (factors) => {
        const folded = factors.reduce((acc, p) => K.times(acc, p), ONE_POLYNOMIAL);
        expect(K.equals(expandProduct(factors), folded)).toBe(true);
      }),
      { seed: 41, numRuns: 200 },
    );
  });

  it('gives 1 for no factor, and 0 for a zero factor however large the others', () => {
    expect(K.equals(expandProduct([]), K.one)).toBe(true);
    const forty = Array.from({ length: 40 }, (_, i) => binomial(i));
    expect(expandProduct([...forty, ZERO_POLYNOMIAL])).toEqual(ZERO_POLYNOMIAL);
  });

  it('expands 12 distinct binomials into 4096 monomials, each once', () => {
    const p = expandProduct(Array.from({ length: 12 }, (_, i) => binomial(i)));
    expect(p.terms.length).toBe(4096);
    expect(p.terms.every((t) => t.coefficient === 1n && t.monomial.degree === 12)).toBe(true);
  });

  it('refuses 40 distinct binomials with a LimitError whose size is the bound 2^40', () => {
    const forty = Array.from({ length: 40 }, (_, i) => binomial(i));
    expect(productSizeBound(forty)).toBe(2n ** 40n);
    let caught: unknown;
    try {
      expandProduct(forty);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(LimitError);
    expect((caught as LimitError).size).toBe(2n ** 40n);
    expect((caught as LimitError).limit).toBe(1_000_000);
    expect((caught as LimitError).message).toMatch(
      /expandProduct: result would have up to 1099511627776 elements, over the limit of 1000000; .*raise `limit`/,
    );
  });

  it('honours its own limit', () => {
    const three = Array.from({ length: 3 }, (_, i) => binomial(i));
    expect(() => expandProduct(three, { limit: 7 })).toThrow(LimitError);
    expect(expandProduct(three, { limit: 8 }).terms.length).toBe(8);
  });
});
