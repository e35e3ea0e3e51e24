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

/**
 * A relevance result a kernel computed into `data`: its `values` are decoded when first read (a
 * data-set pass that only writes arrays never builds them).
 */
export function kernelRelevance<T>(
  semiring: Semiring<T>,
  shape: readonly number[],
  data: Float64Array,
  decode: (v: number) => T,
): Relevance<T> {
  let values: readonly T[] | undefined;
  return {
    semiring,
    shape,
    data,
    get values() {
      values ??= Array.from(data, decode);
      return values;
    },
  };
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
  const array = emptyRelevanceArray(r.semiring, r.shape);
  copyRelevance(r, array.data, 0, 0, array.data.length);
  return array;
}

/** An array of relevance in `K` of this shape, every element 0 (see `relevanceToArray`). */
export function emptyRelevanceArray(K: Semiring<unknown>, shape: readonly number[]): RelevanceArray {
  const length = shape.reduce((n, d) => n * d, 1);
  return relevanceArrayDType(K) === 'uint8'
    ? { dtype: 'uint8', shape: [...shape], data: new Uint8Array(length) }
    : { dtype: 'float64', shape: [...shape], data: new Float64Array(length) };
}

/** The dtype of relevance in `K` as an array (see `relevanceToArray`). */
export function relevanceArrayDType(K: Semiring<unknown>): RelevanceArray['dtype'] {
  if (typeof K.zero === 'boolean') return 'uint8';
  if (!isScalar(K) || !K.toNumber)
    throw new UnsupportedError(
      `relevance in ${K.name} is symbolic and has no array form; write it as JSON (relevanceToJson, or --out R.json)`,
    );
  return 'float64';
}

/**
 * Writes elements `start` … `end` − 1 of the relevance, as `relevanceToArray` has them, into `out`
 * from index `at` (an array of `relevanceArrayDType`'s dtype): how a data-set pass lays the chunks
 * of a job into one array without an array per chunk.
 */
export function copyRelevance<T>(
  r: Relevance<T>,
  out: Uint8Array | Float64Array,
  at: number,
  start: number,
  end: number,
): void {
  const K = r.semiring;
  const dtype = relevanceArrayDType(K);
  if (dtype === 'uint8') {
    if (r.data !== undefined) for (let i = start; i < end; i++) out[at + i - start] = r.data[i] !== 0 ? 1 : 0;
    else for (let i = start; i < end; i++) out[at + i - start] = r.values[i] ? 1 : 0;
    return;
  }
  // A kernel's data holds the values as numbers already (the identity for ℝ, counting, Viterbi,
  // tropical).
  if (r.data !== undefined && typeof K.zero === 'number') {
    out.set(r.data.subarray(start, end), at);
    return;
  }
  const toNumber = K.toNumber!.bind(K);
  for (let i = start; i < end; i++) out[at + i - start] = toNumber(r.values[i]!);
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
