/**
 * Boolean (𝔹 = {false, true}, ∨, ∧, false, true): "is there a relevant path from this input to
 * the target?" With the threshold annotation Θ(d) = [d ≥ τ], an input is relevant when some path
 * has every coefficient at least τ.
 *
 * idempotent: a ∨ a = a. absorptive: true ∨ a = true. commutative: yes.
 */
import { DEFAULTS } from '../core/defaults.js';
import type { Semiring } from './semiring.js';

export const boolean: Semiring<boolean> = {
  name: 'boolean',
  defaultAnnotation: `threshold:${DEFAULTS.threshold}`,
  zero: false,
  one: true,
  plus: (a, b) => a || b,
  times: (a, b) => a && b,
  equals: (a, b) => a === b,
  show: (a) => (a ? '⊤' : '⊥'),
  idempotent: true,
  absorptive: true,
  commutative: true,
  toNumber: (a) => (a ? 1 : 0),
};
