import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/core/errors.js';
import {
  boolean,
  checkHomomorphism,
  counting,
  countingToBoolean,
  countingValues,
  evaluate,
  type Homomorphism,
  tropical,
  tropicalToViterbi,
  viterbi,
  viterbiToTropical,
} from '../../src/semirings/index.js';
import { poolValuation, poolValuations, same, smallPolynomials } from './token-valuations.js';

const SEED = 0x1a7;

/**
 * Viterbi values whose products of up to four (the degree of the test polynomials) do not
 * underflow: where a product reaches 0 the costs stay finite, which is why tropical exists.
 */
const viterbiValues = fc.oneof(
  fc.constantFrom(0, 1, 0.5, 0.25),
  fc.double({ min: 1e-60, max: 1, noNaN: true }),
);
/** Non-negative tropical costs (−log of [0, 1]): +∞, 0, ties and costs up to 230. */
const costs = fc.oneof(
  fc.constantFrom(Number.POSITIVE_INFINITY, 0, 1, 2),
  fc.double({ min: 0, max: 230, noNaN: true }),
);

const CASES: [Homomorphism<number, unknown>, fc.Arbitrary<number>][] = [
  [countingToBoolean, countingValues()],
  [viterbiToTropical, viterbiValues],
  [tropicalToViterbi, costs],
];

describe('the numeric homomorphisms', () => {
  for (const [h, values] of CASES) {
    it(`${h.name} preserves 0, 1, ⊕ and ⊗`, () => {
      const report = checkHomomorphism(h, values, { seed: SEED, runs: 500 });
      expect(report.failures.map((f) => f.message)).toEqual([]);
    });

    it(`${h.name} commutes with evaluating a polynomial`, () => {
      fc.assert(
        fc.property(
          smallPolynomials({ terms: 3, factors: 2, exponent: 2 }),
          poolValuations(values),
          (p, nu) => {
            const lhs = h.map(evaluate(p, h.from, poolValuation(nu)));
            const rhs = evaluate(p, h.to, (t) => h.map(poolValuation(nu)(t)));
            // The context: every token's image, whose products and sums made both sides.
            expect(
              same(
                h.to,
                lhs,
                rhs,
                nu.map((v) => h.map(v)),
              ),
            ).toBe(true);
          },
        ),
        { seed: SEED, numRuns: 200 },
      );
    });
  }

  it('map the special values: counts to ⊤/⊥, 0 ↔ +∞, 1 ↔ 0', () => {
    expect([countingToBoolean.map(0), countingToBoolean.map(3)]).toEqual([false, true]);
    expect(viterbiToTropical.map(0)).toBe(Number.POSITIVE_INFINITY);
    expect(Object.is(viterbiToTropical.map(1), 0)).toBe(true);
    expect(tropicalToViterbi.map(Number.POSITIVE_INFINITY)).toBe(0);
    expect(tropicalToViterbi.map(0)).toBe(1);
    expect(tropicalToViterbi.map(viterbiToTropical.map(0.3))).toBeCloseTo(0.3, 15);
    expect([countingToBoolean.from, countingToBoolean.to]).toEqual([counting, boolean]);
    expect([viterbiToTropical.from, viterbiToTropical.to]).toEqual([viterbi, tropical]);
  });

  it('refuse values outside their domain', () => {
    expect(() => countingToBoolean.map(-1)).toThrow(InvalidArgumentError);
    expect(() => countingToBoolean.map(Number.NaN)).toThrow(
      /countingToBoolean: count NaN must be a non-negative number/,
    );
    expect(() => viterbiToTropical.map(1.5)).toThrow(/viterbiToTropical: value 1.5 must be in \[0, 1\]/);
    expect(() => viterbiToTropical.map(Number.NaN)).toThrow(InvalidArgumentError);
    expect(() => tropicalToViterbi.map(-1)).toThrow(/tropicalToViterbi: cost -1 must be non-negative/);
  });
});
