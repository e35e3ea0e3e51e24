import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/circuits/index.js';
import { LimitError } from '../../src/core/index.js';
import { loadMnist, loadShippedModel } from '../../src/nn/index.js';
import { exactFraction, Fraction, rational, rationalSemiring } from '../../src/semirings/index.js';

const isPowerOfTwo = (n: bigint) => n > 0n && (n & (n - 1n)) === 0n;

describe('rational', () => {
  it('takes a double at its exact value: a dyadic fraction that converts back to the same double', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (v) => {
        const f = exactFraction(v);
        expect(isPowerOfTwo(f.d)).toBe(true);
        expect(rational.toNumber!(f)).toBe(v === 0 ? 0 : v);
        expect(f.equals(exactFraction(v))).toBe(true);
      }),
      { seed: 0x5eed, numRuns: 1000 },
    );
    expect(exactFraction(5e-324).equals(new Fraction(1n, 2n ** 1074n))).toBe(true);
    expect(exactFraction(0.1).equals(new Fraction(1, 10))).toBe(false);
    expect(exactFraction(1e-30).equals(0)).toBe(false);
    expect(exactFraction(0.123456789012345).equals(new Fraction(10, 81))).toBe(false);
  });

  it('refuses fractions over its size limit with a LimitError', () => {
    const small = rationalSemiring({ maxBits: 64 });
    const third = new Fraction(1, 3);
    expect(() => small.times(exactFraction(2 ** -40), exactFraction(2 ** -40))).toThrow(LimitError);
    expect(() => small.times(exactFraction(2 ** -40), exactFraction(2 ** -40))).toThrow(
      /fraction would have that many bits/,
    );
    expect(small.plus(third, third).equals(new Fraction(2, 3))).toBe(true);
  });

  it('runs exactly on the shipped MLP, equal to float64 relevance up to its rounding', () => {
    const { images } = loadMnist('test', { limit: 1 });
    const trace = compile(loadShippedModel('mlp')).trace(images, 'float64');
    const exact = trace.relevance({ semiring: rational, annotate: 'identity' });
    const float = trace.relevance({
      semiring: 'real',
      composite: 'epsilon',
      annotate: 'identity',
      evaluator: 'generic',
    });
    expect(exact.shape).toEqual(float.shape);
    const scale = Math.max(...float.values.map(Math.abs));
    expect(scale).toBeGreaterThan(0);
    const error = Math.max(...exact.values.map((v, i) => Math.abs(rational.toNumber!(v) - float.values[i]!)));
    expect(error).toBeLessThanOrEqual(1e-12 * scale);
    // Sums of dyadic fractions stay dyadic: every denominator is a power of two.
    expect(exact.values.every((v) => isPowerOfTwo(v.d))).toBe(true);
  });

  it('stops the exact run on the shipped MLP with a LimitError when the limit is below its fractions', () => {
    const { images } = loadMnist('test', { limit: 1 });
    const trace = compile(loadShippedModel('mlp')).trace(images, 'float64');
    expect(() =>
      trace.relevance({ semiring: rationalSemiring({ maxBits: 100 }), annotate: 'identity' }),
    ).toThrow(LimitError);
  });
});
