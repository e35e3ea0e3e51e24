/**
 * Real (ℝ, +, ×, 0, 1): classical LRP. With the identity annotation, K-LRP in ℝ is LRP seeded
 * with a one-hot vector (DESIGN.md §1).
 *
 * idempotent: no (1 + 1 = 2). absorptive: no (1 + 1 ≠ 1). commutative: yes.
 * Floating point: ⊕ and ⊗ round, so the laws hold up to a tolerance (`approxEquals`).
 */
import { numberIn, type Semiring } from './semiring.js';
import { approxNumber } from './tolerance.js';

export const real: Semiring<number> = {
  name: 'real',
  defaultAnnotation: 'identity',
  zero: 0,
  one: 1,
  plus: (a, b) => a + b,
  times: (a, b) => a * b,
  equals: (a, b) => a === b,
  show: (a) => String(a),
  idempotent: false,
  absorptive: false,
  commutative: true,
  toNumber: (a) => a,
  fromNumber: (v) => numberIn('real', v, -Number.MAX_VALUE, Number.MAX_VALUE),
  approxEquals: approxNumber,
};
