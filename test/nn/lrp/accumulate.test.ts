import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FloatArray } from '../../../src/core/tensor.js';
import { accumulate, accumulateProduct } from '../../../src/nn/lrp/accumulate.js';

// Values with −0, subnormals, extremes and NaN, where a sum or a product changes sign or rounds.
const value = fc.oneof(
  { weight: 8, arbitrary: fc.double({ noDefaultInfinity: true }) },
  { weight: 3, arbitrary: fc.constantFrom(0, -0, 5e-324, -5e-324, 1e-45, -1e-45, 3.4e38, -3.4e38, 1, -1) },
);
const arrayOf = (type: number, values: readonly number[]): FloatArray =>
  type === 0 ? Float32Array.from(values) : Float64Array.from(values);

const zeros = (type: number, n: number): FloatArray =>
  type === 0 ? new Float32Array(n) : new Float64Array(n);

/** Bit-for-bit equality, −0 and NaN included. */
const same = (a: FloatArray, b: FloatArray): void => {
  expect(a.constructor).toBe(b.constructor);
  expect(Array.from(a, (v, i) => Object.is(v, b[i]) || (Number.isNaN(v) && Number.isNaN(b[i])))).toEqual(
    Array.from(a, () => true),
  );
};

const input = fc.integer({ min: 0, max: 30 }).chain((n) =>
  fc.record({
    acc: fc.array(value, { minLength: n, maxLength: n }),
    x: fc.array(value, { minLength: n, maxLength: n }),
    c: fc.array(value, { minLength: n, maxLength: n }),
    sign: fc.constantFrom(1, -1),
    types: fc.tuple(fc.nat(1), fc.nat(1), fc.nat(1)),
  }),
);

describe('nn/lrp/accumulate', () => {
  it('adds sign · v as the element-wise definition does, and a fresh accumulator as 0 + sign · v', () => {
    fc.assert(
      fc.property(input, ({ acc, x, sign, types: [ta, tx] }) => {
        const v = arrayOf(tx, x);
        const added = arrayOf(ta, acc);
        const expected = arrayOf(ta, acc);
        for (let i = 0; i < expected.length; i++) expected[i] = expected[i]! + sign * v[i]!;
        accumulate(added, sign, v, false);
        same(added, expected);
        // Fresh: the same as adding into a zero array.
        const fresh = zeros(ta, acc.length);
        const zero = zeros(ta, acc.length);
        for (let i = 0; i < zero.length; i++) zero[i] = zero[i]! + sign * v[i]!;
        accumulate(fresh, sign, v, true);
        same(fresh, zero);
      }),
      { seed: 5301, numRuns: 1500 },
    );
  });

  it('adds sign · x ⊙ c as the element-wise definition does, and into a fresh accumulator', () => {
    fc.assert(
      fc.property(input, ({ acc, x, c, sign, types: [ta, tx, tc] }) => {
        const xs = arrayOf(tx, x);
        const cs = arrayOf(tc, c);
        const added = arrayOf(ta, acc);
        const expected = arrayOf(ta, acc);
        for (let i = 0; i < expected.length; i++) expected[i] = expected[i]! + sign * xs[i]! * cs[i]!;
        accumulateProduct(added, sign, xs, cs, false);
        same(added, expected);
        const fresh = zeros(ta, acc.length);
        const zero = zeros(ta, acc.length);
        for (let i = 0; i < zero.length; i++) zero[i] = zero[i]! + sign * xs[i]! * cs[i]!;
        accumulateProduct(fresh, sign, xs, cs, true);
        same(fresh, zero);
      }),
      { seed: 5302, numRuns: 1500 },
    );
  });

  it('turns −0 into +0 in a fresh accumulator, as adding to 0 does', () => {
    const acc = new Float64Array(2);
    accumulate(acc, 1, Float64Array.from([-0, 0]), true);
    expect(Object.is(acc[0], 0)).toBe(true);
    expect(Object.is(acc[1], 0)).toBe(true);
  });
});
