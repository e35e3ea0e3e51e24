/**
 * Fuzzy ([0, 1], max, min, 0, 1): the strength of the best path when a path is only as strong as
 * its weakest edge (a bottleneck, rather than Viterbi's product).
 *
 * idempotent: max(a, a) = a. absorptive: max(1, a) = 1 on [0, 1]. commutative: yes.
 * Exact: max and min never round. Precondition: values in [0, 1].
 */
import { numberIn, type Semiring } from './semiring.js';

export const fuzzy: Semiring<number> = {
  name: 'fuzzy',
  zero: 0,
  one: 1,
  plus: (a, b) => Math.max(a, b),
  times: (a, b) => Math.min(a, b),
  equals: (a, b) => a === b,
  show: (a) => a.toPrecision(6),
  idempotent: true,
  absorptive: true,
  commutative: true,
  toNumber: (a) => a,
  fromNumber: (v) => numberIn('fuzzy', v, 0, 1),
};
