/**
 * The summary statistics the experiments report over seeds: the mean and the spread, the sample
 * standard deviation (n − 1 in the denominator; 0 for a single value).
 */

/** The mean of the values. */
export const mean = (values: readonly number[]): number => values.reduce((s, v) => s + v, 0) / values.length;

/** The sample standard deviation of the values (0 for fewer than two). */
export function spread(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const m = mean(values);
  return Math.sqrt(values.reduce((s, v) => s + (v - m) ** 2, 0) / (values.length - 1));
}

/** Position by position, the mean and spread of several equally long curves. */
export function curveSummary(curves: readonly (readonly number[])[]): { mean: number[]; spread: number[] } {
  const columns = curves[0]!.map((_, i) => curves.map((c) => c[i]!));
  return { mean: columns.map(mean), spread: columns.map(spread) };
}

/** The mean |R| of each element (a neuron, a pixel) over the images (relevance [images, width]). */
export function meanAbsolute(relevance: Float64Array, width: number): Float64Array {
  const out = new Float64Array(width);
  const n = relevance.length / width;
  for (let i = 0; i < relevance.length; i++) out[i % width] = out[i % width]! + Math.abs(relevance[i]!) / n;
  return out;
}
