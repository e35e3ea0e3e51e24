/**
 * Semiring: the algebra relevance is computed in.
 *
 * A (commutative) semiring (K, ⊕, ⊗, 0, 1) has ⊕ associative and commutative with identity 0,
 * ⊗ associative with identity 1, ⊗ distributing over ⊕ on both sides, and 0 absorbing for ⊗.
 * K-LRP computes R_j = ⊕_k Θ(d_jk) ⊗ R_k (DESIGN.md §1); only these operations are ever used, so
 * any value that satisfies the laws works, including a user's own.
 *
 * Flags are capabilities and fail closed: an optimisation that needs one asks the flag and takes
 * the generic path otherwise. Code asks flags, never names; names are looked up only at the
 * boundary, in the registry.
 */
import type fc from 'fast-check';
import { type MimeBundle, withDisplay } from '../core/display.js';
import { InvalidArgumentError } from '../core/errors.js';
import { escapeHtml } from './html.js';

/** A semiring over the carrier `T`. Build a user's own with `defineSemiring`. */
export interface Semiring<T> {
  /** A snake_case name, as in the registry and on the command line. */
  readonly name: string;
  /** The identity of ⊕, absorbing for ⊗: "no relevance". */
  readonly zero: T;
  /** The identity of ⊗: the relevance a target starts with. */
  readonly one: T;
  /** ⊕: combines the relevance of alternative paths. */
  plus(a: T, b: T): T;
  /** ⊗: chains relevance along a path. */
  times(a: T, b: T): T;
  /** Equality of carrier values (exact; floating carriers add `approxEquals`). */
  equals(a: T, b: T): boolean;
  /** A short human-readable form of a value. */
  show(a: T): string;
  /** a ⊕ a = a. */
  readonly idempotent: boolean;
  /** 1 ⊕ a = 1 (so a ⊕ a ⊗ b = a): longer paths never add to shorter ones. */
  readonly absorptive: boolean;
  /** a ⊗ b = b ⊗ a. Only commutative semirings have a provenance-polynomial view. */
  readonly commutative: boolean;
  /** A number to display or plot a value by, where one makes sense. */
  toNumber?(a: T): number;
  /**
   * The annotation Θ relevance takes when none is given (an annotation spec, DESIGN.md §1b).
   * Absent where no choice is natural: such a semiring needs an explicit annotation.
   */
  readonly defaultAnnotation?: string;
  /**
   * The value of a real number, for semirings whose carrier holds numbers (real, rational,
   * viterbi, tropical, …): how a numeric annotation Θ(d) becomes a value. It throws an
   * `InvalidArgumentError` for a number outside the carrier (a Viterbi weight above 1). Absent
   * where numbers are not values (Boolean, polynomials).
   */
  fromNumber?(v: number): T;
  /**
   * The value of an abstract token (an edge's provenance), for provenance semirings (ℕ[X], Why(X),
   * top-k, …); `weight` is the token's strength where the carrier records one (top-k).
   */
  fromToken?(token: number, weight?: number): T;
  /**
   * Equality up to floating-point rounding: `a` and `b` may differ by `rtol` times the largest
   * magnitude among `context` (the operands and intermediate results that produced them), so
   * that cancellation (1e12 + 1 − 1e12) is not mistaken for a broken law. Absent for exact
   * carriers, which are compared with `equals`.
   */
  approxEquals?(a: T, b: T, context: readonly T[], rtol: number): boolean;
  /**
   * Random values of the carrier, for the law checker (`checkLaws`, `lawValuesOf`); the registry's
   * semirings have theirs in `LAW_VALUES`, semirings defined from formulas draw from their carrier.
   */
  values?(): fc.Arbitrary<T>;
}

/** Checks that `v` lies in [lo, hi] for `fromNumber`. */
export function numberIn(name: string, v: number, lo: number, hi: number): number {
  if (!(v >= lo && v <= hi))
    throw new InvalidArgumentError(
      `semiring ${name}`,
      `${v} is not a value of ${name}; values lie in [${lo}, ${hi}]`,
    );
  return v;
}

/** What a user writes to define a semiring: flags default to `false` (they fail closed). */
export type SemiringSpec<T> = Omit<Semiring<T>, 'idempotent' | 'absorptive' | 'commutative' | 'show'> &
  Partial<Pick<Semiring<T>, 'idempotent' | 'absorptive' | 'commutative' | 'show'>>;

/**
 * Completes a user's semiring: undeclared flags become `false`, a missing `show` uses `String`.
 * Check it with `checkSemiringLaws` before relying on it.
 */
export function defineSemiring<T>(spec: SemiringSpec<T>): Semiring<T> {
  const K: Semiring<T> = {
    idempotent: false,
    absorptive: false,
    commutative: false,
    show: (a: T) => String(a),
    ...spec,
  };
  return withDisplay(K, semiringBundle);
}

/** The declared flags of a semiring, by name. */
const FLAGS = ['idempotent', 'absorptive', 'commutative'] as const;

/** A semiring in notebooks: its name, 0, 1 and which flags it declares, as text and as a table. */
export function semiringBundle<T>(K: Semiring<T>): MimeBundle {
  const flags = FLAGS.map((f) => `${f}: ${K[f] ? 'yes' : 'no'}`);
  const rows: [string, string][] = [
    ['0', K.show(K.zero)],
    ['1', K.show(K.one)],
    ...FLAGS.map((f): [string, string] => [f, K[f] ? 'yes' : 'no']),
    ['default annotation', K.defaultAnnotation ?? '(none: give one)'],
  ];
  const cells = rows.map(
    ([k, v]) => `<tr><th style="text-align:left">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`,
  );
  return {
    'text/plain': `Semiring ${K.name}: 0 = ${K.show(K.zero)}, 1 = ${K.show(K.one)}; ${flags.join(', ')}`,
    'text/html': `<table><caption>semiring <code>${escapeHtml(K.name)}</code></caption>${cells.join('')}</table>`,
  };
}

/** ⊕ over any number of values (0 for none). */
export function sum<T>(K: Semiring<T>, values: Iterable<T>): T {
  let acc = K.zero;
  for (const v of values) acc = K.plus(acc, v);
  return acc;
}

/** ⊗ over any number of values (1 for none), left to right. */
export function prod<T>(K: Semiring<T>, values: Iterable<T>): T {
  let acc = K.one;
  for (const v of values) acc = K.times(acc, v);
  return acc;
}

const OPERATIONS = ['plus', 'times', 'equals'] as const;

/**
 * Throws an `InvalidArgumentError` unless `K` has what evaluation uses: a name, a zero and a one,
 * and `plus`, `times` and `equals` as functions. Called where a user's semiring enters.
 */
export function assertSemiring(K: unknown, where: string): asserts K is Semiring<unknown> {
  if (typeof K !== 'object' || K === null || Array.isArray(K))
    throw new InvalidArgumentError(
      where,
      `the semiring must be a registry name or a semiring object, got ${K === null ? 'null' : typeof K}; ` +
        'build one with defineSemiring({ name, zero, one, plus, times, equals })',
    );
  const s = K as Partial<Record<string, unknown>>;
  const missing = [
    ...(typeof s.name === 'string' && s.name !== '' ? [] : ['name']),
    ...(['zero', 'one'] as const).filter((key) => !(key in s) || s[key] === undefined),
    ...OPERATIONS.filter((key) => typeof s[key] !== 'function'),
  ];
  if (missing.length > 0)
    throw new InvalidArgumentError(
      where,
      `the semiring object lacks ${missing.join(', ')}; build one with ` +
        'defineSemiring({ name, zero, one, plus, times, equals })',
    );
}
