/**
 * Semiring homomorphisms as values: maps h: A → B with h(0) = 0, h(1) = 1, h(a ⊕ b) = h(a) ⊕ h(b)
 * and h(a ⊗ b) = h(a) ⊗ h(b). A homomorphism commutes with K-LRP: relevance computed in A and
 * mapped equals relevance computed in B from the mapped annotations (DESIGN.md §1), which is how
 * the semirings' answers are tied to each other (counting > 0 ⇔ Boolean, exp(−tropical) = Viterbi,
 * ℕ[X] → 𝔹[X] → Why(X) → PosBool(X), …).
 *
 * `checkHomomorphism` tests the four equations on random values, as `checkSemiringLaws` tests a
 * semiring's laws, comparing in B with `equals` or, for floating carriers, `approxEquals` with the
 * mapped operands as context.
 */
import fc from 'fast-check';
import { InvalidArgumentError } from '../core/errors.js';
import { LAW_CHECK_DEFAULTS, type LawCheckOptions } from './laws.js';
import type { Semiring } from './semiring.js';

/** A structure-preserving map from one semiring to another. */
export interface Homomorphism<A, B> {
  /** A snake_case name, `<from>_to_<to>`. */
  readonly name: string;
  readonly from: Semiring<A>;
  readonly to: Semiring<B>;
  /** The image of a value of `from` in `to`. */
  map(a: A): B;
}

/** `second` after `first`: A → B → C. The semirings must meet (`first.to` is `second.from`). */
export function composeHomomorphisms<A, B, C>(
  first: Homomorphism<A, B>,
  second: Homomorphism<B, C>,
): Homomorphism<A, C> {
  if (first.to !== second.from)
    throw new InvalidArgumentError(
      'composeHomomorphisms',
      `${first.name} ends in "${first.to.name}" but ${second.name} starts from "${second.from.name}"; ` +
        'compose maps whose semirings meet',
    );
  return {
    name: `${first.from.name}_to_${second.to.name}`,
    from: first.from,
    to: second.to,
    map: (a) => second.map(first.map(a)),
  };
}

/** An equation of a homomorphism, as a report names it. */
export type HomomorphismLaw = 'preserves zero' | 'preserves one' | 'preserves plus' | 'preserves times';

/** One equation that failed, with a counterexample. */
export interface HomomorphismFailure<A> {
  readonly law: HomomorphismLaw;
  readonly counterexample: readonly A[];
  readonly message: string;
}

/** What `checkHomomorphism` found; `failures` is empty when every equation holds. */
export interface HomomorphismReport<A> {
  readonly homomorphism: string;
  readonly failures: readonly HomomorphismFailure<A>[];
}

/**
 * Checks h(0) = 0, h(1) = 1, h(a ⊕ b) = h(a) ⊕ h(b) and h(a ⊗ b) = h(a) ⊗ h(b) on values drawn
 * from `values` (options as for `checkSemiringLaws`).
 */
export function checkHomomorphism<A, B>(
  h: Homomorphism<A, B>,
  values: fc.Arbitrary<A>,
  options: LawCheckOptions = {},
): HomomorphismReport<A> {
  const { runs, seed, rtol } = { ...LAW_CHECK_DEFAULTS, ...options };
  const { from: K, to: L } = h;
  const same = (x: B, y: B, context: readonly B[]): boolean =>
    L.equals(x, y) || (L.approxEquals?.(x, y, context, rtol) ?? false);
  const failures: HomomorphismFailure<A>[] = [];
  const fail = (law: HomomorphismLaw, counterexample: readonly A[], lhs: string, rhs: string): void => {
    const shown = counterexample.map((a) => K.show(a)).join(', ');
    failures.push({
      law,
      counterexample,
      message: `${law}: on (${shown}) one side is ${lhs}, the other ${rhs}`,
    });
  };
  if (!same(h.map(K.zero), L.zero, [])) fail('preserves zero', [], L.show(h.map(K.zero)), L.show(L.zero));
  if (!same(h.map(K.one), L.one, [])) fail('preserves one', [], L.show(h.map(K.one)), L.show(L.one));
  const binary: [HomomorphismLaw, (x: A, y: A) => A, (x: B, y: B) => B][] = [
    ['preserves plus', K.plus, L.plus],
    ['preserves times', K.times, L.times],
  ];
  for (const [law, opA, opB] of binary) {
    const sides = (a: A, b: A): [B, B, B[]] => {
      const ha = h.map(a);
      const hb = h.map(b);
      return [h.map(opA(a, b)), opB(ha, hb), [ha, hb]];
    };
    const run = fc.check(
      fc.property(values, values, (a, b) => {
        const [lhs, rhs, context] = sides(a, b);
        return same(lhs, rhs, context);
      }),
      { numRuns: runs, seed },
    );
    if (run.failed && run.counterexample) {
      const [a, b] = run.counterexample;
      const shown = (() => {
        try {
          const [lhs, rhs] = sides(a, b);
          return [L.show(lhs), L.show(rhs)] as const;
        } catch (error) {
          return [
            `an error (${error instanceof Error ? error.message : String(error)})`,
            'no value',
          ] as const;
        }
      })();
      fail(law, [a, b], shown[0], shown[1]);
    }
  }
  return { homomorphism: h.name, failures };
}
