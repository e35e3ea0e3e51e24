import { describe, expect, it } from 'vitest';
import { LimitError } from '../../src/core/errors.js';
import {
  boolPolynomial,
  boolPolynomialOf,
  boolPolynomialSemiring,
  edgeToken,
  monomialOf,
  variable,
} from '../../src/semirings/index.js';

const K = boolPolynomial;
const x = K.fromToken(variable('x'));
const y = K.fromToken(variable('y'));

describe('Boolean provenance polynomials 𝔹[X]', () => {
  it('keep each monomial once, with its exponents: x + x = x, x·x = x²', () => {
    expect(K.equals(K.plus(x, x), x)).toBe(true);
    expect(K.show(K.times(x, x))).toBe('x^2');
    expect(K.show(K.times(K.plus(x, y), K.plus(x, y)))).toBe('x^2 + x·y + y^2');
  });

  it('print as ℕ[X] prints, without coefficients', () => {
    const a = edgeToken('fc1', 0, 1);
    const b = edgeToken('fc2', 1, 0);
    const p = boolPolynomialOf([
      monomialOf([[edgeToken('fc1', 1, 0), 1]]),
      monomialOf([
        [b, 1],
        [a, 2],
      ]),
    ]);
    expect(K.show(p)).toBe('x[fc1,0,1]^2·x[fc2,1,0] + x[fc1,1,0]');
    expect(K.toLatex(p)).toBe('{x^{(fc1)}_{0,1}}^{2} x^{(fc2)}_{1,0} + x^{(fc1)}_{1,0}');
    expect(K.show(K.zero)).toBe('0');
    expect(K.show(K.one)).toBe('1');
  });

  it('declares its flags: idempotent, not absorptive (1 + x keeps x), commutative', () => {
    expect([K.idempotent, K.absorptive, K.commutative]).toEqual([true, false, true]);
    expect(K.show(K.plus(K.one, x))).toBe('x + 1');
  });

  it('refuses a product over its limit before expanding it', () => {
    const small = boolPolynomialSemiring({ limit: 3 });
    const xy = small.plus(x, y);
    expect(() => small.times(xy, xy)).toThrow(LimitError);
    expect(() => small.times(xy, xy)).toThrow(/bool_polynomial\.times: result would have up to 4 elements/);
    expect(K.limit).toBe(1_000_000);
  });
});
