/**
 * Exact counting (ℕ, +, ×, 0, 1) on bigint: path counts with every digit, however many paths.
 *
 * idempotent: no. absorptive: no. commutative: yes. Exact: laws are checked with `equals`.
 */
import { InvalidArgumentError } from '../core/errors.js';
import type { Semiring } from './semiring.js';

export const countingExact: Semiring<bigint> = {
  name: 'counting_exact',
  zero: 0n,
  one: 1n,
  plus: (a, b) => a + b,
  times: (a, b) => a * b,
  equals: (a, b) => a === b,
  show: (a) => a.toString(),
  idempotent: false,
  absorptive: false,
  commutative: true,
  toNumber: (a) => Number(a),
  fromNumber: (v) => {
    if (!(Number.isSafeInteger(v) && v >= 0))
      throw new InvalidArgumentError(
        'semiring counting_exact',
        `${v} is not a count (a non-negative whole number)`,
      );
    return BigInt(v);
  },
};
