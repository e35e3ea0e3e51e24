/**
 * Annotations that say whether an edge is relevant (true → 1, or the edge's token):
 * - `threshold:T`: d ≥ T on the signed coefficient (the report's MLP rule; with T = 1e-9, an input
 *   is relevant when some path has strictly positive contributions all the way). A negative T is
 *   meaningful: `threshold:-1` also keeps edges that take away up to 1 of their output's
 *   relevance (mildly inhibiting ones), and a T at or below every d keeps the whole circuit. T is
 *   written in decimal (`0x10` is refused);
 * - `abs_threshold:T`: |d| ≥ T;
 * - per-layer thresholds `{ "default": T, "layers": { NAME: T } }` (signed, or `"kind":
 *   "abs_threshold"`);
 * - `quantile:Q`: d ≥ the layer's Q-quantile of d (per sample, nearest rank), so about a
 *   fraction 1 − Q of each layer's edges are kept;
 * - `top_k:K`: the K largest coefficients of each layer (per sample; ties to the earlier edge).
 */
import { InvalidArgumentError } from '../../core/errors.js';
import type { LayerView, RawAnnotation } from './annotation.js';

/** A threshold annotation's parameters, for the kernels that fuse its test into a layer pass. */
export interface ThresholdParameters {
  readonly threshold: number;
  readonly absolute: boolean;
}

const THRESHOLDS = new WeakMap<RawAnnotation<never>, ThresholdParameters>();

/** d ≥ T, or |d| ≥ T. */
export function thresholdAnnotation(threshold: number, absolute = false): RawAnnotation {
  checkFinite(threshold, absolute ? 'abs_threshold' : 'threshold');
  const annotation: RawAnnotation = {
    name: `${absolute ? 'abs_threshold' : 'threshold'}:${threshold}`,
    kind: 'indicator',
    value: absolute ? (d) => Math.abs(d) >= threshold : (d) => d >= threshold,
  };
  THRESHOLDS.set(annotation as RawAnnotation<never>, { threshold, absolute });
  return annotation;
}

/** The parameters of an annotation made by `thresholdAnnotation`, undefined for any other. */
export const thresholdParameters = (raw: RawAnnotation<never>): ThresholdParameters | undefined =>
  THRESHOLDS.get(raw);

/** A threshold per layer, `fallback` for layers not named. */
export function perLayerThreshold(
  fallback: number | undefined,
  layers: Readonly<Record<string, number>>,
  absolute = false,
): RawAnnotation<number> {
  for (const [layer, t] of Object.entries(layers)) checkFinite(t, `threshold of layer "${layer}"`);
  if (fallback !== undefined) checkFinite(fallback, 'default threshold');
  return {
    name: 'per_layer_threshold',
    kind: 'indicator',
    prepare: (view) => {
      const t = Object.hasOwn(layers, view.layer) ? layers[view.layer] : fallback;
      if (t === undefined)
        throw new InvalidArgumentError(
          'annotation per_layer_threshold',
          `no threshold for layer "${view.layer}" and no "default"; add one of them`,
        );
      return t;
    },
    value: absolute ? (d, _e, t) => Math.abs(d) >= t : (d, _e, t) => d >= t,
  };
}

/** d ≥ the Q-quantile of the layer's coefficients. */
export function quantileAnnotation(q: number): RawAnnotation<number> {
  if (!(q >= 0 && q <= 1))
    throw new InvalidArgumentError('annotation quantile', `Q must be in [0, 1], got ${q}`);
  return {
    name: `quantile:${q}`,
    kind: 'indicator',
    prepare: (view) => {
      const all = coefficientsOf(view).sort((a, b) => a - b);
      if (all.length === 0) return Number.POSITIVE_INFINITY;
      return all[Math.min(all.length - 1, Math.max(0, Math.ceil(q * all.length) - 1))]!;
    },
    value: (d, _e, t) => d >= t,
  };
}

/** The K largest coefficients of each layer. */
export function topKAnnotation(count: number): RawAnnotation<{ kept: Set<number>; width: number }> {
  if (!(Number.isInteger(count) && count >= 0))
    throw new InvalidArgumentError('annotation top_k', `K must be a whole number, got ${count}`);
  return {
    name: `top_k:${count}`,
    kind: 'indicator',
    prepare: (view) => {
      const edges: [number, number][] = [];
      view.forEachEdge((j, k, d) => edges.push([d, j * view.outputSize + k]));
      edges.sort((a, b) => b[0] - a[0] || a[1] - b[1]);
      return { kept: new Set(edges.slice(0, count).map((e) => e[1])), width: view.outputSize };
    },
    value: (_d, edge, { kept, width }) => kept.has(edge.j * width + edge.k),
  };
}

function coefficientsOf(view: LayerView): number[] {
  const all: number[] = [];
  view.forEachEdge((_j, _k, d) => all.push(d));
  return all;
}

function checkFinite(t: number, what: string): void {
  if (!Number.isFinite(t))
    throw new InvalidArgumentError(`annotation ${what}`, `the threshold must be a finite number, got ${t}`);
}
