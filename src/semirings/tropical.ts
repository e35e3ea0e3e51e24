/**
 * Tropical (ℝ ∪ {+∞}, min, +, +∞, 0): the cost of the cheapest path to the target. With costs
 * −log Θ_viterbi it is Viterbi in log space: exp(−tropical) = Viterbi (a homomorphism), and sums
 * of logarithms do not underflow where long products of small weights do.
 *
 * idempotent: min(a, a) = a. absorptive: no on this carrier (min(0, −1) = −1 ≠ 0); it is on the
 * non-negative costs that −log of [0, 1] produces. commutative: yes. +∞ means "no relevant path".
 */
import { numberIn, type Semiring } from './semiring.js';
import { approxNumber } from './tolerance.js';

export const tropical: Semiring<number> = {
  name: 'tropical',
  defaultAnnotation: 'neglog',
  zero: Number.POSITIVE_INFINITY,
  one: 0,
  plus: (a, b) => Math.min(a, b),
  times: (a, b) => a + b,
  equals: (a, b) => a === b,
  show: (a) => (a === Number.POSITIVE_INFINITY ? '+∞' : String(a)),
  idempotent: true,
  absorptive: false,
  commutative: true,
  toNumber: (a) => a,
  fromNumber: (v) =>
    v === Number.POSITIVE_INFINITY ? v : numberIn('tropical', v, -Number.MAX_VALUE, Number.MAX_VALUE),
  approxEquals: approxNumber,
};
