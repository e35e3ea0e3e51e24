/**
 * Viterbi ([0, 1], max, ×, 0, 1): the strength of the single best path to the target. With the
 * normalised annotation Θ(d_jk) = |d_jk| / max_j' |d_j'k| every edge weight is in [0, 1].
 *
 * idempotent: max(a, a) = a. absorptive: max(1, a) = 1 on [0, 1]. commutative: yes.
 * Precondition: values in [0, 1]; no bounds checking (absorptivity needs it).
 */
import { numberIn, type Semiring } from './semiring.js';
import { approxNumber } from './tolerance.js';

export const viterbi: Semiring<number> = {
  name: 'viterbi',
  defaultAnnotation: 'viterbi',
  zero: 0,
  one: 1,
  plus: (a, b) => Math.max(a, b),
  times: (a, b) => a * b,
  equals: (a, b) => a === b,
  show: (a) => a.toPrecision(6),
  idempotent: true,
  absorptive: true,
  commutative: true,
  toNumber: (a) => a,
  fromNumber: (v) => numberIn('viterbi', v, 0, 1),
  approxEquals: approxNumber,
};
