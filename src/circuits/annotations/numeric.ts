/**
 * Annotations that give numbers:
 * - `identity`: Θ(d) = d (real LRP);
 * - `viterbi`: Θ(d_jk) = |d_jk| / max_j' |d_j'k|, and 0 for a column whose maximum is 0, so values
 *   lie in [0, 1] exactly (DESIGN.md §1b; the report added 1e-9 to the denominator instead);
 * - `neglog`: −log of the Viterbi annotation (+∞ for 0), the tropical semiring's costs.
 */
import type { LayerView, RawAnnotation } from './annotation.js';

/** Θ(d) = d. */
export const identityAnnotation: RawAnnotation = { name: 'identity', kind: 'number', value: (d) => d };

/** max_j |d_jk| for every output k of the layer (per sample). */
export function columnMaxAbs(layer: LayerView): Float64Array {
  const max = new Float64Array(layer.outputSize);
  layer.forEachEdge((_j, k, d) => {
    const a = Math.abs(d);
    if (a > max[k]!) max[k] = a;
  });
  return max;
}

const normalised = (d: number, k: number, max: Float64Array): number => {
  const m = max[k]!;
  return m > 0 ? Math.min(1, Math.abs(d) / m) : 0;
};

/** The Viterbi annotation. */
export const viterbiAnnotation: RawAnnotation<Float64Array> = {
  name: 'viterbi',
  kind: 'number',
  prepare: columnMaxAbs,
  value: (d, edge, max) => normalised(d, edge.k, max),
};

/** −log of the Viterbi annotation. */
export const neglogAnnotation: RawAnnotation<Float64Array> = {
  name: 'neglog',
  kind: 'number',
  prepare: columnMaxAbs,
  value: (d, edge, max) => {
    const v = normalised(d, edge.k, max);
    return v > 0 ? -Math.log(v) : Number.POSITIVE_INFINITY;
  },
};
