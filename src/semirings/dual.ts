/**
 * Dual numbers (ℝ[ε]/(ε²), +, ×, 0, 1): a value together with its derivative with respect to one
 * chosen parameter, (a, a')·(b, b') = (ab, ab' + a'b). Annotate one edge (or one layer) with
 * derivative 1 and the relevance carries how sensitive it is to that edge's coefficient:
 * forward-mode differentiation through the explanation.
 *
 * idempotent: no. absorptive: no. commutative: yes (a commutative ring). Floating point: the laws
 * hold up to a tolerance, component by component.
 */
import { numberIn, type Semiring } from './semiring.js';
import { closeInContext } from './tolerance.js';

/** A dual number: a value and its derivative. */
export interface Dual {
  readonly value: number;
  readonly derivative: number;
}

/** The dual number (value, derivative). */
export const dualNumber = (value: number, derivative = 0): Dual => ({ value, derivative });

export const dual: Semiring<Dual> = {
  name: 'dual',
  zero: dualNumber(0, 0),
  one: dualNumber(1, 0),
  plus: (a, b) => dualNumber(a.value + b.value, a.derivative + b.derivative),
  times: (a, b) => dualNumber(a.value * b.value, a.value * b.derivative + a.derivative * b.value),
  equals: (a, b) => a.value === b.value && a.derivative === b.derivative,
  show: (a) => `${a.value} + ${a.derivative}ε`,
  idempotent: false,
  absorptive: false,
  commutative: true,
  toNumber: (a) => a.value,
  fromNumber: (v) => dualNumber(numberIn('dual', v, -Number.MAX_VALUE, Number.MAX_VALUE), 0),
  approxEquals: (a, b, context, rtol) =>
    // The derivative mixes values and derivatives (ab' + a'b), so both components share one scale.
    closeInContext(a.value, b.value, magnitudes(context), rtol) &&
    closeInContext(a.derivative, b.derivative, magnitudes(context), rtol),
};

function* magnitudes(context: readonly Dual[]): Generator<number> {
  for (const c of context) {
    yield c.value;
    yield c.derivative;
  }
}
