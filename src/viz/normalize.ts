/**
 * Normalisation: how relevance values become colour-map positions t ∈ [0, 1].
 *
 * A normalisation picks a value range [low, high] and maps v ↦ t = (v − low) / (high − low),
 * clipped to [0, 1]:
 *
 * - `symmetric`: [−m, m] with m = max |v|, so 0 ↦ ½ (the centre of a diverging map) and the sign
 *   decides the side (zennit's `symmetric=True`);
 * - `minmax`: [min v, max v] (zennit's default);
 * - `max`: [0, max v], for non-negative maps whose 0 means "nothing" (counting, Viterbi): 0 stays
 *   at the low end however large the smallest value is; negative values clip to it;
 * - `none`: [0, 1], for values that already are positions (Boolean 0/1, Viterbi scores);
 * - `{ low, high }`: a fixed range, to compare maps on one scale.
 *
 * Only finite values set the range: +∞ (tropical "no relevant path") and −∞ are drawn at the far
 * ends, t = 1 and t = 0, unless the heatmap is given an `infinityColor`. A map without spread
 * (all zero, constant, or no finite value) gets a range that still has two distinct ends:
 * `symmetric` [−1, 1] (every 0 is drawn in the centre colour), `minmax` [c, c + 1] for the
 * constant c (drawn in the low-end colour: nothing stands out), `max` [0, 1] when no value is
 * positive. NaN has no position: `unitPosition`
 * returns it unchanged, and the heatmap refuses it unless told which colour to give it.
 */
import { assertArgument, InvalidArgumentError } from '../core/errors.js';

/** A normalisation by name, or a fixed value range. */
export type Normalization = 'symmetric' | 'minmax' | 'max' | 'none' | ValueRange;

/** The values mapped to t = 0 (`low`) and t = 1 (`high`); always low < high, both finite. */
export interface ValueRange {
  readonly low: number;
  readonly high: number;
}

/** The normalisations by name. */
export const NORMALIZATIONS = ['symmetric', 'minmax', 'max', 'none'] as const;

/** Checks a normalisation given by a caller: a known name, or a finite range with low < high. */
export function assertNormalization(normalize: Normalization, where: string): void {
  if (typeof normalize === 'string') {
    assertArgument(
      (NORMALIZATIONS as readonly string[]).includes(normalize),
      where,
      () => `unknown normalisation "${normalize}"; use one of ${NORMALIZATIONS.join(', ')} or { low, high }`,
    );
    return;
  }
  assertArgument(
    Number.isFinite(normalize.low) && Number.isFinite(normalize.high) && normalize.low < normalize.high,
    where,
    () => `a fixed range needs finite low < high, got [${normalize.low}, ${normalize.high}]`,
  );
}

/**
 * The value range a normalisation gives to one or several maps together (a figure column shares
 * one range so that its colour bar holds for every row). Non-finite values are skipped.
 */
export function valueRange(
  maps: ArrayLike<number> | readonly ArrayLike<number>[],
  normalize: Normalization,
): ValueRange {
  assertNormalization(normalize, 'valueRange');
  if (typeof normalize !== 'string') return { low: normalize.low, high: normalize.high };
  if (normalize === 'none') return { low: 0, high: 1 };
  const list = isListOfMaps(maps) ? maps : [maps];
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const data of list)
    for (let i = 0; i < data.length; i++) {
      const v = data[i]!;
      if (!Number.isFinite(v)) continue;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  if (normalize === 'symmetric') {
    const m = Math.max(Math.abs(min), Math.abs(max));
    return m > 0 && Number.isFinite(m) ? { low: -m, high: m } : { low: -1, high: 1 };
  }
  if (normalize === 'max')
    return max > 0 && Number.isFinite(max) ? { low: 0, high: max } : { low: 0, high: 1 };
  if (min > max) return { low: 0, high: 1 };
  return max > min ? { low: min, high: max } : { low: min, high: min + 1 };
}

const isListOfMaps = (
  maps: ArrayLike<number> | readonly ArrayLike<number>[],
): maps is readonly ArrayLike<number>[] =>
  Array.isArray(maps) && (maps.length === 0 || typeof maps[0] !== 'number');

/**
 * The colour-map position of a value under a range: (v − low) / (high − low) clipped to [0, 1];
 * +∞ ↦ 1, −∞ ↦ 0; NaN stays NaN.
 */
export function unitPosition(value: number, range: ValueRange): number {
  if (Number.isNaN(value)) return Number.NaN;
  return Math.min(1, Math.max(0, (value - range.low) / (range.high - range.low)));
}

/** Checks that a value range can be used (finite, low < high). */
export function assertValueRange(range: ValueRange, where: string): void {
  if (!(Number.isFinite(range.low) && Number.isFinite(range.high) && range.low < range.high))
    throw new InvalidArgumentError(
      where,
      `a value range needs finite low < high, got [${range.low}, ${range.high}]`,
    );
}
