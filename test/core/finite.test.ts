import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstNonFinite } from '../../src/core/finite.js';

/** The definition, element by element. */
const reference = (data: ArrayLike<number>, allowed?: number): number =>
  Array.from(data).findIndex((v) => !Number.isFinite(v) && v !== allowed);

// Mostly finite values (−0, subnormals, extremes), with a few NaN and ±∞ at random places.
const value = fc.oneof(
  { weight: 12, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  { weight: 2, arbitrary: fc.constantFrom(0, -0, 5e-324, -5e-324, 1e-40, Number.MAX_VALUE) },
  { weight: 1, arbitrary: fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY) },
);
const allowed = fc.constantFrom(undefined, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN);

describe('core/finite', () => {
  for (const [name, make] of [
    ['Float32Array', (v: number[]) => Float32Array.from(v)],
    ['Float64Array', (v: number[]) => Float64Array.from(v)],
    ['a plain array', (v: number[]) => v],
  ] as const)
    it(`finds the first non-finite element not allowed, as the definition does, in ${name}`, () => {
      fc.assert(
        fc.property(fc.array(value, { maxLength: 40 }), allowed, (values, a) => {
          const data = make(values);
          expect(firstNonFinite(data, a)).toBe(reference(data, a));
        }),
        { seed: 4101, numRuns: 2000 },
      );
    });

  it('finds a non-finite element at every position of a long array, past allowed ones', () => {
    for (const n of [1, 3, 4, 5, 8, 13]) {
      for (let at = 0; at < n; at++) {
        const data = new Float64Array(n).fill(1);
        data[at] = Number.NaN;
        expect(firstNonFinite(data)).toBe(at);
        expect(firstNonFinite(Float32Array.from(data))).toBe(at);
        // Allowed +∞ before it do not stop the search.
        for (let j = 0; j < at; j++) data[j] = Number.POSITIVE_INFINITY;
        expect(firstNonFinite(data, Number.POSITIVE_INFINITY)).toBe(at);
        expect(firstNonFinite(data)).toBe(0);
      }
      expect(firstNonFinite(new Float32Array(n))).toBe(-1);
    }
  });
});
