/**
 * Max-plus (ℝ ∪ {−∞}, max, +, −∞, 0): the score of the best path when edge scores add, e.g. log
 * weights. It is the tropical semiring mirrored by a ↦ −a.
 *
 * idempotent: max(a, a) = a. absorptive: no (max(0, 1) = 1 ≠ 0). commutative: yes.
 */
import { numberIn, type Semiring } from './semiring.js';
import { approxNumber } from './tolerance.js';

export const maxPlus: Semiring<number> = {
  name: 'max_plus',
  zero: Number.NEGATIVE_INFINITY,
  one: 0,
  plus: (a, b) => Math.max(a, b),
  times: (a, b) => a + b,
  equals: (a, b) => a === b,
  show: (a) => (a === Number.NEGATIVE_INFINITY ? '−∞' : String(a)),
  idempotent: true,
  absorptive: false,
  commutative: true,
  toNumber: (a) => a,
  fromNumber: (v) =>
    v === Number.NEGATIVE_INFINITY ? v : numberIn('max_plus', v, -Number.MAX_VALUE, Number.MAX_VALUE),
  approxEquals: approxNumber,
};
