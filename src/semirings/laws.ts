/**
 * The semiring law checker, exported so that a user can check a semiring of their own.
 *
 * Each law is a property over random carrier values (fast-check): ⊕ associative, commutative,
 * with identity 0; ⊗ associative with identity 1 (and commutative when declared); ⊗ distributing
 * over ⊕ on both sides; 0 absorbing for ⊗; and each declared flag (idempotent: a ⊕ a = a,
 * absorptive: 1 ⊕ a = 1). Floating carriers (those with `approxEquals`) are compared with a
 * tolerance scaled by every operand and intermediate result of the law; exact carriers with
 * `equals`.
 */
import fc from 'fast-check';
import { ProvlrpError } from '../core/errors.js';
import type { Semiring } from './semiring.js';

/** The name of a law, as a report gives it. */
export type LawName =
  | 'plus is associative'
  | 'plus is commutative'
  | 'zero is the identity of plus'
  | 'times is associative'
  | 'one is the identity of times'
  | 'times is commutative'
  | 'times distributes over plus on the left'
  | 'times distributes over plus on the right'
  | 'zero annihilates under times'
  | 'plus is idempotent'
  | 'plus is absorptive';

/** Options of `checkSemiringLaws`; see `LAW_CHECK_DEFAULTS`. */
export interface LawCheckOptions {
  /** Random cases per law. */
  readonly runs?: number;
  /** The fast-check seed, so that a failure can be replayed. */
  readonly seed?: number;
  /** Relative tolerance for carriers with `approxEquals`. */
  readonly rtol?: number;
}

/** The defaults: 200 cases per law, seed 0x5eed, rtol 1e-9. */
export const LAW_CHECK_DEFAULTS: Required<LawCheckOptions> = { runs: 200, seed: 0x5eed, rtol: 1e-9 };

/** One law that failed, with the smallest counterexample fast-check found. */
export interface LawFailure<T> {
  readonly law: LawName;
  readonly counterexample: readonly T[];
  /** The counterexample in the semiring's `show` form, with the two sides that differ. */
  readonly message: string;
}

/** What `checkSemiringLaws` found. `law` and `counterexample` are undefined when all laws hold. */
export interface LawReport<T> {
  readonly semiring: string;
  readonly checked: readonly LawName[];
  readonly failures: readonly LawFailure<T>[];
  /** The first law that failed. */
  readonly law?: LawName;
  /** A counterexample to `law`. */
  readonly counterexample?: readonly T[];
}

/** Compares a law's two sides, given the values that produced them (for the tolerance). */
type Compare<T> = (lhs: T, rhs: T, context: readonly T[]) => boolean;

interface Law {
  readonly name: LawName;
  readonly arity: 1 | 2 | 3;
  /** Whether the law applies to this semiring (flags are checked only when declared). */
  readonly applies: (K: Semiring<never>) => boolean;
  /** The law's equations (pairs of sides that must be equal) and the values computed on the way. */
  readonly sides: <T>(K: Semiring<T>, v: readonly T[]) => { equations: [T, T][]; context: T[] };
}

const always = (): boolean => true;

/** The laws in the order they are checked (and reported). */
const LAWS: readonly Law[] = [
  {
    name: 'plus is associative',
    arity: 3,
    applies: always,
    sides: (K, [a, b, c]) => {
      const ab = K.plus(a!, b!);
      const bc = K.plus(b!, c!);
      return { equations: [[K.plus(ab, c!), K.plus(a!, bc)]], context: [a!, b!, c!, ab, bc] };
    },
  },
  {
    name: 'plus is commutative',
    arity: 2,
    applies: always,
    sides: (K, [a, b]) => ({ equations: [[K.plus(a!, b!), K.plus(b!, a!)]], context: [a!, b!] }),
  },
  {
    name: 'zero is the identity of plus',
    arity: 1,
    applies: always,
    sides: (K, [a]) => ({
      equations: [
        [K.plus(K.zero, a!), a!],
        [K.plus(a!, K.zero), a!],
      ],
      context: [a!],
    }),
  },
  {
    name: 'times is associative',
    arity: 3,
    applies: always,
    sides: (K, [a, b, c]) => {
      const ab = K.times(a!, b!);
      const bc = K.times(b!, c!);
      return { equations: [[K.times(ab, c!), K.times(a!, bc)]], context: [a!, b!, c!, ab, bc] };
    },
  },
  {
    name: 'one is the identity of times',
    arity: 1,
    applies: always,
    sides: (K, [a]) => {
      const context = [a!];
      return {
        equations: [
          [K.times(K.one, a!), a!],
          [K.times(a!, K.one), a!],
        ],
        context,
      };
    },
  },
  {
    name: 'times is commutative',
    arity: 2,
    applies: (K) => K.commutative,
    sides: (K, [a, b]) => ({ equations: [[K.times(a!, b!), K.times(b!, a!)]], context: [a!, b!] }),
  },
  {
    name: 'times distributes over plus on the left',
    arity: 3,
    applies: always,
    sides: (K, [a, b, c]) => {
      const bc = K.plus(b!, c!);
      const ab = K.times(a!, b!);
      const ac = K.times(a!, c!);
      return { equations: [[K.times(a!, bc), K.plus(ab, ac)]], context: [a!, b!, c!, bc, ab, ac] };
    },
  },
  {
    name: 'times distributes over plus on the right',
    arity: 3,
    applies: always,
    sides: (K, [a, b, c]) => {
      const ab = K.plus(a!, b!);
      const ac = K.times(a!, c!);
      const bc = K.times(b!, c!);
      return { equations: [[K.times(ab, c!), K.plus(ac, bc)]], context: [a!, b!, c!, ab, ac, bc] };
    },
  },
  {
    name: 'zero annihilates under times',
    arity: 1,
    applies: always,
    sides: (K, [a]) => {
      return {
        equations: [
          [K.times(K.zero, a!), K.zero],
          [K.times(a!, K.zero), K.zero],
        ],
        context: [],
      };
    },
  },
  {
    name: 'plus is idempotent',
    arity: 1,
    applies: (K) => K.idempotent,
    sides: (K, [a]) => ({ equations: [[K.plus(a!, a!), a!]], context: [a!] }),
  },
  {
    name: 'plus is absorptive',
    arity: 1,
    applies: (K) => K.absorptive,
    sides: (K, [a]) => ({ equations: [[K.plus(K.one, a!), K.one]], context: [a!] }),
  },
];

/**
 * Checks every semiring law, and every flag `K` declares, on values drawn from `values`.
 *
 * @returns a report whose `law` and `counterexample` name the first failure (undefined when all
 *   hold) and whose `failures` list every law that failed.
 */
export function checkSemiringLaws<T>(
  K: Semiring<T>,
  values: fc.Arbitrary<T>,
  options: LawCheckOptions = {},
): LawReport<T> {
  const { runs, seed, rtol } = { ...LAW_CHECK_DEFAULTS, ...options };
  const compare: Compare<T> = K.approxEquals
    ? (lhs, rhs, context) => K.equals(lhs, rhs) || K.approxEquals!(lhs, rhs, context, rtol)
    : (lhs, rhs) => K.equals(lhs, rhs);
  const checked: LawName[] = [];
  const failures: LawFailure<T>[] = [];
  for (const law of LAWS) {
    if (!law.applies(K as Semiring<never>)) continue;
    checked.push(law.name);
    const property = fc.property(fc.array(values, { minLength: law.arity, maxLength: law.arity }), (v) => {
      const { equations, context } = law.sides(K, v);
      return equations.every(([lhs, rhs]) => compare(lhs, rhs, context));
    });
    const run = fc.check(property, { numRuns: runs, seed });
    if (run.failed && run.counterexample) {
      const [v] = run.counterexample;
      failures.push({
        law: law.name,
        counterexample: v,
        message: describe(K, compare, law, v, run.errorInstance),
      });
    }
  }
  const first = failures[0];
  return { semiring: K.name, checked, failures, law: first?.law, counterexample: first?.counterexample };
}

/** The error `assertSemiringLaws` throws: the semiring breaks a law. */
export class SemiringLawError extends ProvlrpError {
  constructor(readonly report: LawReport<unknown>) {
    super(
      `semiring "${report.semiring}" breaks ${report.failures.length} law(s): ` +
        `${report.failures.map((f) => f.message).join('; ')}; fix its operations or its declared flags`,
    );
  }
}

/** Like `checkSemiringLaws`, but throws a `SemiringLawError` when a law fails. */
export function assertSemiringLaws<T>(
  K: Semiring<T>,
  values: fc.Arbitrary<T>,
  options?: LawCheckOptions,
): void {
  const report = checkSemiringLaws(K, values, options);
  if (report.failures.length > 0) throw new SemiringLawError(report);
}

function describe<T>(K: Semiring<T>, compare: Compare<T>, law: Law, v: readonly T[], error: unknown): string {
  const shown = v.map((x) => safeShow(K, x)).join(', ');
  if (
    error !== undefined &&
    !(error instanceof Error && /Property failed by returning false/.test(error.message))
  )
    return `${law.name}: threw ${error instanceof Error ? error.message : String(error)} on (${shown})`;
  const { equations, context } = law.sides(K, v);
  const [lhs, rhs] = equations.find(([l, r]) => !compare(l, r, context)) ?? equations[0]!;
  return `${law.name}: on (${shown}) one side is ${safeShow(K, lhs)}, the other ${safeShow(K, rhs)}`;
}

function safeShow<T>(K: Semiring<T>, x: T): string {
  try {
    return K.show(x);
  } catch {
    return String(x);
  }
}
