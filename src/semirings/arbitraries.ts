/**
 * Random carrier values for the built-in semirings (fast-check arbitraries), for law checks and
 * property tests, including a user's tests of `product` or of code generic over semirings.
 *
 * Each mixes the special values of its carrier (0, 1, ±∞ where the carrier has them) with a small
 * pool of repeated values, so that ties come up often, and with large magnitudes, so that rounding
 * and cancellation are exercised.
 */
import fc from 'fast-check';
import type { Dual } from './dual.js';
import { dualNumber } from './dual.js';
import { Fraction } from './rational.js';
import { DEFAULT_SECURITY_LEVELS, UNAVAILABLE } from './security.js';

/** Values in [0, 1]: the ends, a few repeated values (ties), and any double in between. */
export const unitInterval = (): fc.Arbitrary<number> =>
  fc.oneof(
    fc.constantFrom(0, 1, 0.5, 0.25),
    fc.double({ min: 0, max: 1, noNaN: true }),
    fc.double({ min: 0, max: 1e-300, noNaN: true }),
  );

/** Finite reals, from tiny to ±1e12, with small integers for ties. */
export const finiteReals = (): fc.Arbitrary<number> =>
  fc.oneof(
    fc.constantFrom(0, 1, -1, 2, 0.5),
    fc.integer({ min: -3, max: 3 }),
    fc.double({ min: -1e12, max: 1e12, noNaN: true, noDefaultInfinity: true }),
  );

/** Non-negative whole numbers as float64, up to 1e15 (products of three pass 2^53). */
export const countingValues = (): fc.Arbitrary<number> =>
  fc.oneof(
    fc.constantFrom(0, 1, 2),
    fc.integer({ min: 0, max: 5 }),
    fc.double({ min: 0, max: 1e15, noNaN: true, noDefaultInfinity: true }).map(Math.floor),
  );

/** Non-negative bigints, up to 2^100. */
export const bigCounts = (): fc.Arbitrary<bigint> =>
  fc.oneof(fc.constantFrom(0n, 1n, 2n), fc.bigInt({ min: 0n, max: 2n ** 100n }));

/** Exact fractions with numerators up to ±10^30 and denominators up to 10^12. */
export const fractions = (): fc.Arbitrary<Fraction> =>
  fc.oneof(
    fc.constantFrom(0, 1, -1).map((n) => new Fraction(n)),
    fc
      .tuple(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.bigInt({ min: 1n, max: 10n ** 12n }))
      .map(([n, d]) => new Fraction(n, d)),
    fc
      .tuple(fc.integer({ min: -4, max: 4 }), fc.integer({ min: 1, max: 4 }))
      .map(([n, d]) => new Fraction(n, d)),
  );

/** Tropical costs: +∞ (no path), 0, ties, and reals of either sign up to ±1e12. */
export const tropicalValues = (): fc.Arbitrary<number> =>
  fc.oneof(fc.constant(Number.POSITIVE_INFINITY), finiteReals());

/** Max-plus scores: −∞ (no path), 0, ties, and reals of either sign up to ±1e12. */
export const maxPlusValues = (): fc.Arbitrary<number> =>
  fc.oneof(fc.constant(Number.NEGATIVE_INFINITY), finiteReals());

/** Dual numbers with components up to ±1e6 (so products of three stay far from overflow). */
export const duals = (): fc.Arbitrary<Dual> => {
  const component = fc.oneof(
    fc.constantFrom(0, 1, -1, 2),
    fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }),
  );
  return fc.tuple(component, component).map(([v, d]) => dualNumber(v, d));
};

/** Levels of the registry's security semiring, and its zero. */
export const securityLevels = (levels: readonly string[] = DEFAULT_SECURITY_LEVELS): fc.Arbitrary<string> =>
  fc.constantFrom(...levels, UNAVAILABLE);
