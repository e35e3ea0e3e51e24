/**
 * Łukasiewicz ([0, 1], max, a ⊗ b = max(0, a + b − 1), 0, 1): the best path under the
 * Łukasiewicz t-norm, where every edge short of full strength 1 costs its deficit and a path
 * whose deficits add up to 1 or more carries nothing.
 *
 * idempotent: max(a, a) = a. absorptive: max(1, a) = 1 on [0, 1]. commutative: yes.
 * Precondition: values in [0, 1]. a + b − 1 rounds relative to 1, not to a or b, so the laws hold
 * up to a tolerance scaled by 1 as well as by the operands.
 */
import { numberIn, type Semiring } from './semiring.js';
import { closeInContext } from './tolerance.js';

export const lukasiewicz: Semiring<number> = {
  name: 'lukasiewicz',
  zero: 0,
  one: 1,
  plus: (a, b) => Math.max(a, b),
  times: (a, b) => Math.max(0, a + b - 1),
  equals: (a, b) => a === b,
  show: (a) => a.toPrecision(6),
  idempotent: true,
  absorptive: true,
  commutative: true,
  toNumber: (a) => a,
  fromNumber: (v) => numberIn('lukasiewicz', v, 0, 1),
  approxEquals: (a, b, context, rtol) => closeInContext(a, b, [...context, 1], rtol),
};
