/**
 * Rational (ℚ, +, ×, 0, 1): real LRP computed exactly, on fractions of big integers
 * (fraction.js, the `Fraction` type that mathjs uses). Slow but free of rounding: the reference
 * against which floating-point relevance can be judged on small nets.
 *
 * idempotent: no. absorptive: no. commutative: yes. Exact: laws are checked with `equals`.
 * Fractions grow with every layer (a sum's denominator is the lcm of its terms'): `digits` lets
 * evaluation refuse values too large to be useful before the run takes hours.
 */
import Fraction from 'fraction.js';
import { numberIn, type Semiring } from './semiring.js';

export { Fraction };

export const rational: Semiring<Fraction> = {
  name: 'rational',
  zero: new Fraction(0),
  one: new Fraction(1),
  plus: (a, b) => a.add(b),
  times: (a, b) => a.mul(b),
  equals: (a, b) => a.equals(b),
  show: (a) => a.toFraction(),
  idempotent: false,
  absorptive: false,
  commutative: true,
  toNumber: (a) => a.valueOf(),
  fromNumber: (v) => new Fraction(numberIn('rational', v, -Number.MAX_VALUE, Number.MAX_VALUE)),
  // Numerator and denominator together, from their bit lengths (log10 2 ≈ 0.30103 digits a bit).
  digits: (a) => Math.ceil((bitLength(a.n) + bitLength(a.d)) * 0.30103),
};

function bitLength(n: bigint): number {
  return n === 0n ? 1 : (n < 0n ? -n : n).toString(16).length * 4;
}
