/**
 * Product semiring K₁ × K₂: pairs, with ⊕ and ⊗ taken component by component, 0 = (0, 0) and
 * 1 = (1, 1). Computes two relevances in one pass (ℝ and 𝔹, say) over the same circuit.
 *
 * Flags: each holds when it holds in both components.
 */
import type { Semiring } from './semiring.js';

/** The product of two semirings. */
export function product<A, B>(first: Semiring<A>, second: Semiring<B>): Semiring<readonly [A, B]> {
  const componentClose = <T>(K: Semiring<T>, a: T, b: T, context: readonly T[], rtol: number): boolean =>
    K.approxEquals ? K.approxEquals(a, b, context, rtol) : K.equals(a, b);
  return {
    name: `product(${first.name},${second.name})`,
    zero: [first.zero, second.zero],
    one: [first.one, second.one],
    plus: (a, b) => [first.plus(a[0], b[0]), second.plus(a[1], b[1])],
    times: (a, b) => [first.times(a[0], b[0]), second.times(a[1], b[1])],
    equals: (a, b) => first.equals(a[0], b[0]) && second.equals(a[1], b[1]),
    show: (a) => `(${first.show(a[0])}, ${second.show(a[1])})`,
    idempotent: first.idempotent && second.idempotent,
    absorptive: first.absorptive && second.absorptive,
    commutative: first.commutative && second.commutative,
    approxEquals: (a, b, context, rtol) =>
      componentClose(
        first,
        a[0],
        b[0],
        context.map((c) => c[0]),
        rtol,
      ) &&
      componentClose(
        second,
        a[1],
        b[1],
        context.map((c) => c[1]),
        rtol,
      ),
  };
}
