/**
 * Annotations Θ: how a coefficient d_jk becomes a value of the semiring (DESIGN.md §1). An
 * annotation is "prepare, then map": `prepare` reads one layer's coefficients in one sample once
 * (column maxima, quantiles, …) and `map` turns each coefficient into a value with them.
 *
 * provlrp's built-in annotations compute one of three *kinds* of raw value and are then lifted
 * into the semiring asked for:
 * - `number` (identity, viterbi, neglog): into semirings that hold numbers (`fromNumber`); into
 *   provenance semirings as the edge's token weighted by the number (0 gives 0);
 * - `indicator` (thresholds, quantiles, top-k, the report's tables): true → 1, false → 0, or the
 *   edge's token for provenance semirings;
 * - `token`: the edge's own token (provenance semirings only).
 * A lift that does not fit (identity into 𝔹) is an error that says what to use instead.
 */
import { InvalidArgumentError } from '../../core/errors.js';
import type { EmitEdge } from '../../nn/connectivity/connectivity.js';
import type { AnyNode } from '../../nn/graph.js';
import type { Semiring } from '../../semirings/index.js';

/** One layer's coefficients in one sample, as `prepare` sees them. */
export interface LayerView {
  readonly node: AnyNode;
  readonly layer: string;
  readonly sample: number;
  readonly inputSize: number;
  readonly outputSize: number;
  /** The layer's outputs in this sample, z_k = Σ_j a_j w_jk + b_k for a linear layer (absent in a hand-built view). */
  readonly z?: ArrayLike<number>;
  /** Calls `emit(j, k, d)` for every edge of the layer in this sample. */
  forEachEdge(emit: EmitEdge): void;
}

/** One edge, as `map` sees it. */
export interface EdgeInfo {
  readonly layer: string;
  readonly j: number;
  readonly k: number;
  /** The edge's token (interned on first use). */
  token(): number;
}

/** An annotation into the semiring with carrier `T`, with per-layer statistics `S`. */
export interface Annotation<T, S = unknown> {
  readonly name: string;
  prepare?(layer: LayerView): S;
  map(d: number, edge: EdgeInfo, stats: S): T;
}

/** What a built-in annotation computes before it is lifted into a semiring. */
export type RawKind = 'number' | 'indicator' | 'token';

/** A built-in annotation, not yet lifted. */
export interface RawAnnotation<S = unknown> {
  readonly name: string;
  readonly kind: RawKind;
  prepare?(layer: LayerView): S;
  /** A number for `number`, a boolean for `indicator`, ignored for `token`. */
  value(d: number, edge: EdgeInfo, stats: S): number | boolean;
}

/**
 * The built-in annotation each lifted one came from. Kept here, not on the object, so that a
 * user's annotation made by spreading a lifted one (and changing its `map`) is the user's own.
 */
const LIFTED = new WeakMap<Annotation<unknown, never>, RawAnnotation<never>>();

/** The built-in annotation `annotation` lifts, or undefined for a user's own. */
export function liftedFrom(annotation: Annotation<unknown>): RawAnnotation<never> | undefined {
  return LIFTED.get(annotation as Annotation<unknown, never>);
}

/** Lifts a built-in annotation into the semiring `K`. */
export function lift<T, S>(raw: RawAnnotation<S>, K: Semiring<T>): Annotation<T, S> {
  const lifted = liftInto(raw, K);
  LIFTED.set(lifted as Annotation<unknown, never>, raw as RawAnnotation<never>);
  return lifted;
}

function liftInto<T, S>(raw: RawAnnotation<S>, K: Semiring<T>): Annotation<T, S> {
  const base = { name: raw.name, ...(raw.prepare ? { prepare: raw.prepare.bind(raw) } : {}) };
  const fromToken = K.fromToken?.bind(K);
  const fromNumber = K.fromNumber?.bind(K);
  switch (raw.kind) {
    case 'token':
      if (!fromToken)
        throw cannotLift(raw, K, 'the edge tokens of a provenance semiring (polynomial, why, …)');
      return { ...base, map: (_d, edge) => fromToken(edge.token()) };
    case 'indicator':
      if (fromToken)
        return {
          ...base,
          map: (d, edge, stats) => (raw.value(d, edge, stats) ? fromToken(edge.token()) : K.zero),
        };
      return { ...base, map: (d, edge, stats) => (raw.value(d, edge, stats) ? K.one : K.zero) };
    case 'number':
      if (fromNumber)
        return { ...base, map: (d, edge, stats) => fromNumber(raw.value(d, edge, stats) as number) };
      if (fromToken)
        return {
          ...base,
          map: (d, edge, stats) => {
            const v = raw.value(d, edge, stats) as number;
            return v === 0 ? K.zero : fromToken(edge.token(), v);
          },
        };
      throw cannotLift(raw, K, 'numbers');
    default: {
      const unreachable: never = raw.kind;
      return unreachable;
    }
  }
}

function cannotLift(raw: RawAnnotation, K: Semiring<unknown>, gives: string): InvalidArgumentError {
  const hint =
    raw.kind === 'number'
      ? 'use an indicator annotation such as threshold:1e-9 or abs_threshold:T'
      : 'use threshold:T, or a semiring of the provenance hierarchy';
  return new InvalidArgumentError(
    `annotation ${raw.name}`,
    `it gives ${raw.kind === 'token' ? 'tokens' : gives}, which semiring ${K.name} cannot hold; ${hint}`,
  );
}
