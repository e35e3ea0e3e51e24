/**
 * A relevance result: one value of the semiring per element of the input (or of a layer's output),
 * batch axis first, and its conversions to arrays (DESIGN.md §1b): ℝ, ℚ, counting, tropical and
 * the other number-valued semirings as float64 (ℝ in its compute dtype), Boolean as uint8 0/1;
 * symbolic semirings (ℕ[X], Why(X), …) only as JSON.
 */
import type { MimeBundle } from '../core/display.js';
import { UnsupportedError } from '../core/errors.js';
import { Fraction, type Semiring } from '../semirings/index.js';

/** Relevance values in a semiring. */
export interface Relevance<T> {
  readonly semiring: Semiring<T>;
  /** The shape, batch axis first. */
  readonly shape: readonly number[];
  /** The values in C order. */
  readonly values: readonly T[];
  /** The values as a kernel stored them (number-valued semirings; 0/1 for Boolean), if computed so. */
  readonly data?: Float64Array;
}

/** A typed array of relevance, for the semirings that have one. */
export type RelevanceArray =
  | { readonly dtype: 'float64'; readonly shape: number[]; readonly data: Float64Array }
  | { readonly dtype: 'uint8'; readonly shape: number[]; readonly data: Uint8Array };

/** Whether a semiring's values are scalars (numbers, big integers, fractions) that float64 can show. */
function isScalar(K: Semiring<unknown>): boolean {
  const z = K.zero;
  return typeof z === 'number' || typeof z === 'bigint' || z instanceof Fraction;
}

/**
 * The relevance as a typed array: uint8 for Boolean, float64 for number-valued semirings.
 * Symbolic semirings are refused with a message pointing to JSON.
 */
export function relevanceToArray<T>(r: Relevance<T>): RelevanceArray {
  const K = r.semiring;
  if (typeof K.zero === 'boolean')
    return {
      dtype: 'uint8',
      shape: [...r.shape],
      data: Uint8Array.from(r.values as readonly boolean[], (b) => (b ? 1 : 0)),
    };
  if (!isScalar(K) || !K.toNumber)
    throw new UnsupportedError(
      `relevance in ${K.name} is symbolic and has no array form; write it as JSON (relevanceToJson, or --out R.json)`,
    );
  const toNumber = K.toNumber.bind(K);
  return { dtype: 'float64', shape: [...r.shape], data: Float64Array.from(r.values, (v) => toNumber(v)) };
}

/** The relevance as JSON-ready data: numbers, booleans, or each value's text form. */
export function relevanceToJson<T>(r: Relevance<T>): {
  semiring: string;
  shape: number[];
  values: unknown[];
} {
  const K = r.semiring;
  const plain = typeof K.zero === 'number' || typeof K.zero === 'boolean';
  return {
    semiring: K.name,
    shape: [...r.shape],
    values: r.values.map((v) =>
      plain ? (Number.isFinite(v as number) || typeof v === 'boolean' ? v : String(v)) : K.show(v),
    ),
  };
}

/** A relevance result's text form in notebooks (its picture is provlrp/viz's): semiring, shape, a few values. */
export function relevanceBundle<T>(r: Relevance<T>): MimeBundle {
  const shown = r.values.slice(0, 4).map((v) => r.semiring.show(v));
  const more = r.values.length > shown.length ? ', …' : '';
  return {
    'text/plain': `Relevance in ${r.semiring.name} [${r.shape.join(', ')}]: ${shown.join(', ')}${more}`,
  };
}
