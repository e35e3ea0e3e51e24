/**
 * Counting (ℕ, +, ×, 0, 1) in float64: how many relevant paths lead from an input to the target.
 * Path counts overflow 32-bit integers on real nets and pass 2^53 on deep ones, where float64
 * keeps the magnitude and loses the last digits; `countingExact` keeps every digit.
 *
 * idempotent: no (1 + 1 = 2). absorptive: no. commutative: yes.
 * Carrier: non-negative integers, held as float64 (exact below 2^53, rounded above).
 */
import { DEFAULTS } from '../core/defaults.js';
import { InvalidArgumentError } from '../core/errors.js';
import type { Semiring } from './semiring.js';
import { approxNumber } from './tolerance.js';

export const counting: Semiring<number> = {
  name: 'counting',
  defaultAnnotation: `threshold:${DEFAULTS.threshold}`,
  zero: 0,
  one: 1,
  plus: (a, b) => a + b,
  times: (a, b) => a * b,
  equals: (a, b) => a === b,
  show: (a) => (Number.isSafeInteger(a) ? String(a) : a.toExponential(6)),
  idempotent: false,
  absorptive: false,
  commutative: true,
  toNumber: (a) => a,
  fromNumber: (v) => {
    if (!(Number.isInteger(v) && v >= 0))
      throw new InvalidArgumentError(
        'semiring counting',
        `${v} is not a count (a non-negative whole number)`,
      );
    return v;
  },
  approxEquals: approxNumber,
};
