/**
 * Rational (ℚ, +, ×, 0, 1): real LRP computed exactly, on fractions of big integers
 * (fraction.js, the `Fraction` type that mathjs's fractions are built on). Slow but free of
 * rounding: the reference against which floating-point relevance can be judged.
 *
 * Numbers enter exactly: `fromNumber(v)` is the double's own value m·2^e (`exactFraction`), not
 * fraction.js's continued-fraction guess (which reads 0.123456789012345 as 10/81 and 1e-30 as 0).
 * Every coefficient is then dyadic, so sums keep power-of-two denominators and fractions stay a
 * few hundred bits on the shipped MNIST MLP (202 bits at most, about 1.3 s for one image, `npm run bench --
 * rational`); with the old guesses the denominators multiplied and the run did not finish in 60 s.
 * A limit bounds the fractions all the same: ⊕ or ⊗ whose numerator or denominator passes
 * `maxBits` bits (default 65,536) throws a `LimitError` instead of slowing down without end.
 * Kept on fraction.js directly: mathjs's fraction arithmetic is the same library behind a
 * typed-function dispatch, 1.2–1.35× slower on the sums of products of `bench/rational.bench.ts`.
 *
 * idempotent: no. absorptive: no. commutative: yes. Exact: laws are checked with `equals`.
 */
import Fraction from 'fraction.js';
import { LimitError } from '../core/errors.js';
import { numberIn, type Semiring } from './semiring.js';

export { Fraction };

/** The default limit on the bits of a numerator or denominator. */
export const RATIONAL_DEFAULTS = { maxBits: 65_536 } as const;

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
// NOTE: the word order of a double in a Uint32Array follows the platform's endianness.
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/** The exact value of a finite double as a fraction: mantissa · 2^exponent. */
export function exactFraction(v: number): Fraction {
  numberIn('rational', v, -Number.MAX_VALUE, Number.MAX_VALUE);
  if (v === 0) return new Fraction(0);
  f64[0] = v;
  const hi = u32[HI]!;
  const lo = u32[1 - HI]!;
  const biased = (hi >>> 20) & 0x7ff;
  const fraction = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  const mantissa = (biased === 0 ? fraction : fraction | (1n << 52n)) * (v < 0 ? -1n : 1n);
  const exponent = biased === 0 ? -1074 : biased - 1075;
  return exponent >= 0
    ? new Fraction(mantissa << BigInt(exponent), 1n)
    : new Fraction(mantissa, 1n << BigInt(-exponent));
}

const bitLength = (n: bigint): number => (n < 0n ? -n : n).toString(2).length;

/** The double nearest a fraction, also when numerator or denominator overflow a double. */
function toNumber(a: Fraction): number {
  // Keep the top 64 bits of each (exact for the 53-bit numerators of doubles), then scale by 2^e
  // with one rounding: 2^e is exact for e ≥ −1074, and a first exact step by 2^±64 covers the rest.
  const sn = Math.max(0, bitLength(a.n) - 64);
  const sd = Math.max(0, bitLength(a.d) - 64);
  const ratio = (Number(a.s) * Number(a.n >> BigInt(sn))) / Number(a.d >> BigInt(sd));
  const e = sn - sd;
  if (e >= -1074 && e <= 1023) return ratio * 2 ** e;
  return e < 0 ? ratio * 2 ** -64 * 2 ** (e + 64) : ratio * 2 ** 64 * 2 ** (e - 64);
}

/** ℚ whose ⊕ and ⊗ refuse fractions over `maxBits` bits with a `LimitError` (see the header). */
export function rationalSemiring({
  maxBits = RATIONAL_DEFAULTS.maxBits,
}: {
  maxBits?: number;
} = {}): Semiring<Fraction> {
  const bound = 1n << BigInt(maxBits);
  const checked = (r: Fraction): Fraction => {
    if (r.d >= bound || r.n >= bound)
      throw new LimitError(
        'rational',
        Math.max(bitLength(r.n), bitLength(r.d)),
        maxBits,
        'a fraction would have that many bits; evaluate in real, or raise maxBits with rationalSemiring({ maxBits })',
      );
    return r;
  };
  return {
    name: 'rational',
    zero: new Fraction(0),
    one: new Fraction(1),
    plus: (a, b) => checked(a.add(b)),
    times: (a, b) => checked(a.mul(b)),
    equals: (a, b) => a.equals(b),
    show: (a) => a.toFraction(),
    idempotent: false,
    absorptive: false,
    commutative: true,
    toNumber,
    fromNumber: exactFraction,
  };
}

/** The registry's ℚ, with the default limit. */
export const rational: Semiring<Fraction> = rationalSemiring();
