/**
 * Relevance planes: a relevance tensor reduced to one value per pixel.
 *
 * Accepted shapes: [H, W], [C, H, W] and a batch of one [1, C, H, W] (NCHW, DESIGN.md §5). The C
 * channel values of a pixel are combined by an aggregation, chosen to match the semiring's ⊕:
 *
 * | aggregation | value of a pixel                                     | natural for       |
 * |-------------|------------------------------------------------------|-------------------|
 * | `sum`       | Σ_c R_c                                              | ℝ, counting       |
 * | `mean`      | Σ_c R_c / C                                          | ℝ                 |
 * | `max`       | max_c R_c                                            | Viterbi           |
 * | `min`       | min_c R_c                                            | tropical          |
 * | `max_abs`   | the R_c of largest |R_c| (sign kept; ties: first c) | ℝ                 |
 * | `or`        | 1 if some R_c ≠ 0, else 0                            | Boolean           |
 * | `and`       | 1 if every R_c ≠ 0, else 0                           | Boolean           |
 *
 * NaN propagates through every aggregation except `or`/`and`, which refuse it (a Boolean map has
 * no NaN; one there is a bug upstream, not a pixel to colour).
 */
import { InvalidArgumentError, NotFoundError, ShapeError } from '../core/errors.js';
import { showShape, sizeOf } from '../core/tensor.js';

/** Anything with a shape and elements in C order: a `Tensor`, or a Boolean `Uint8Array` map. */
export interface TensorLike {
  readonly shape: readonly number[];
  readonly data: ArrayLike<number>;
}

/** One value per pixel, row-major. */
export interface RelevancePlane {
  readonly height: number;
  readonly width: number;
  readonly data: Float64Array;
}

/** Combines the channel values of one pixel: `values(c)` is R_c for c in 0..C−1. */
type Reducer = (channels: number, values: (c: number) => number) => number;

const fold =
  (start: number, step: (acc: number, v: number) => number): Reducer =>
  (channels, values) => {
    let acc = start;
    for (let c = 0; c < channels; c++) acc = step(acc, values(c));
    return acc;
  };

const nanAware = (pick: (a: number, b: number) => boolean) => (acc: number, v: number) =>
  Number.isNaN(acc) || Number.isNaN(v) ? Number.NaN : pick(v, acc) ? v : acc;

const booleanOf = (v: number): boolean => {
  if (Number.isNaN(v))
    throw new InvalidArgumentError(
      'relevancePlane',
      'a Boolean aggregation met NaN; Boolean maps hold 0 and 1',
    );
  return v !== 0;
};

/** The aggregations by registry name. */
export const AGGREGATIONS = {
  sum: fold(0, (acc, v) => acc + v),
  mean: (channels, values) => fold(0, (acc, v) => acc + v)(channels, values) / channels,
  max: fold(
    Number.NEGATIVE_INFINITY,
    nanAware((v, acc) => v > acc),
  ),
  min: fold(
    Number.POSITIVE_INFINITY,
    nanAware((v, acc) => v < acc),
  ),
  max_abs: fold(
    0,
    nanAware((v, acc) => Math.abs(v) > Math.abs(acc)),
  ),
  or: (channels, values) => {
    let any = false;
    for (let c = 0; c < channels; c++) any = booleanOf(values(c)) || any;
    return any ? 1 : 0;
  },
  and: (channels, values) => {
    let all = true;
    for (let c = 0; c < channels; c++) all = booleanOf(values(c)) && all;
    return all ? 1 : 0;
  },
} as const satisfies Record<string, Reducer>;

/** A registry name of an aggregation. */
export type Aggregation = keyof typeof AGGREGATIONS;

/** The aggregation names, in their listed order. */
export const AGGREGATION_NAMES = Object.keys(AGGREGATIONS) as Aggregation[];

/** The spatial layout of an image-like tensor: channels, height, width. */
export function channelsHeightWidth(t: TensorLike, where: string): { c: number; h: number; w: number } {
  const s = t.shape;
  if (t.data.length !== sizeOf(s))
    throw new ShapeError(where, `${showShape(s)} (${sizeOf(s)} elements)`, `${t.data.length} elements`);
  if (s.length === 2) return { c: 1, h: s[0]!, w: s[1]! };
  if (s.length === 3) return { c: s[0]!, h: s[1]!, w: s[2]! };
  if (s.length === 4 && s[0] === 1) return { c: s[1]!, h: s[2]!, w: s[3]! };
  const hint =
    s.length === 4
      ? '; take one sample first (sliceBatch)'
      : '; reshape a flat input first (an MLP input [1, 784] is [28, 28])';
  throw new ShapeError(where, '[H, W], [C, H, W] or [1, C, H, W]', `${showShape(s)}${hint}`);
}

/**
 * The relevance of each pixel: the tensor's channels combined by `aggregate` (default `sum`).
 *
 * @throws ShapeError for other shapes or a data length that does not match the shape;
 *   NotFoundError for an unknown aggregation.
 */
export function relevancePlane(
  relevance: TensorLike,
  aggregate: Aggregation | string = 'sum',
): RelevancePlane {
  if (!Object.hasOwn(AGGREGATIONS, aggregate))
    throw new NotFoundError('aggregation', aggregate, AGGREGATION_NAMES);
  const reduce: Reducer = AGGREGATIONS[aggregate as Aggregation];
  const { c, h, w } = channelsHeightWidth(relevance, 'relevancePlane');
  if (c === 0) throw new ShapeError('relevancePlane', 'at least one channel', showShape(relevance.shape));
  const plane = h * w;
  const src = relevance.data;
  const data = new Float64Array(plane);
  if (c === 1 && aggregate !== 'or' && aggregate !== 'and') for (let i = 0; i < plane; i++) data[i] = src[i]!;
  else for (let i = 0; i < plane; i++) data[i] = reduce(c, (k) => src[k * plane + i]!);
  return { height: h, width: w, data };
}
