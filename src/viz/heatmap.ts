/**
 * Heatmaps: a relevance tensor drawn as an RGBA image.
 *
 * Three steps, each its own export so figures can share them: the channels are combined into a
 * plane (`relevancePlane`, by the `aggregate` option), the plane's value range is chosen
 * (`valueRange`, by `normalize`), and every pixel's position in that range is looked up in the
 * colour map (`colorize`). Finally each pixel becomes a `scale × scale` block (`upscale`).
 *
 * Defaults follow the colour map's kind, so a map is drawn sensibly without options: diverging
 * maps use `symmetric` normalisation (0 is the centre colour), sequential ones `minmax`, binary
 * ones `none` with the `or` aggregation. Non-finite values: ±∞ are drawn at the range's ends
 * (or in `infinityColor`); NaN is an error unless `nanColor` says how to draw it.
 */
import { InvalidArgumentError } from '../core/errors.js';
import type { ColorMap } from './color-map.js';
import { type ColorMapName, resolveColorMap } from './color-maps.js';
import { type Rgb, type RgbaImage, upscale } from './image.js';
import {
  assertNormalization,
  assertValueRange,
  type Normalization,
  unitPosition,
  type ValueRange,
  valueRange,
} from './normalize.js';
import { type Aggregation, type RelevancePlane, relevancePlane, type TensorLike } from './relevance-plane.js';

/** How a relevance map is coloured: the options shared by `heatmap`, figure columns and panels. */
export interface HeatmapStyle {
  /** A registry name or a colour map (default `bwr`). */
  readonly colorMap?: ColorMapName | ColorMap;
  /** Default by the map's kind: diverging `symmetric`, sequential `minmax`, binary `none`. */
  readonly normalize?: Normalization;
  /** How channels combine (default `sum`; `or` for binary maps). */
  readonly aggregate?: Aggregation;
  /** Read the map backwards, t ↦ 1 − t: for tropical values, where smaller is more relevant. */
  readonly reverse?: boolean;
  /** The colour of ±∞ (default: the colour at the range's end they lie beyond). */
  readonly infinityColor?: Rgb;
  /** The colour of NaN (default: NaN is an error). */
  readonly nanColor?: Rgb;
}

/** Options of {@link heatmap}. */
export interface HeatmapOptions extends HeatmapStyle {
  /** Integer upscaling factor, nearest neighbour (default 1). */
  readonly scale?: number;
}

/** A heatmap image and the value range its colours stand for. */
export interface Heatmap extends RgbaImage {
  readonly range: ValueRange;
}

/** The default heatmap options; those that depend on the colour map's kind are resolved per map. */
export const HEATMAP_DEFAULTS = {
  colorMap: 'bwr',
  scale: 1,
  reverse: false,
  normalize: { diverging: 'symmetric', sequential: 'minmax', binary: 'none' },
  aggregate: { diverging: 'sum', sequential: 'sum', binary: 'or' },
} as const;

/** A style with every default filled in. */
export interface ResolvedStyle {
  readonly colorMap: ColorMap;
  readonly normalize: Normalization;
  readonly aggregate: Aggregation;
  readonly reverse: boolean;
  readonly infinityColor: Rgb | undefined;
  readonly nanColor: Rgb | undefined;
}

/** Fills in a style's defaults (which depend on the colour map) and checks it. */
export function resolveStyle(style: HeatmapStyle, where: string): ResolvedStyle {
  const colorMap = resolveColorMap(style.colorMap ?? HEATMAP_DEFAULTS.colorMap);
  const normalize = style.normalize ?? HEATMAP_DEFAULTS.normalize[colorMap.kind];
  assertNormalization(normalize, where);
  for (const [key, color] of [
    ['infinityColor', style.infinityColor],
    ['nanColor', style.nanColor],
  ] as const)
    if (
      color !== undefined &&
      !(color.length === 3 && color.every((c) => Number.isInteger(c) && c >= 0 && c <= 255))
    )
      throw new InvalidArgumentError(
        where,
        `${key} must be three integers in 0–255, got [${color.join(', ')}]`,
      );
  return {
    colorMap,
    normalize,
    aggregate: style.aggregate ?? HEATMAP_DEFAULTS.aggregate[colorMap.kind],
    reverse: style.reverse ?? HEATMAP_DEFAULTS.reverse,
    infinityColor: style.infinityColor,
    nanColor: style.nanColor,
  };
}

/**
 * A plane coloured under a given value range (one image pixel per plane element, unscaled).
 *
 * @throws InvalidArgumentError at the first NaN when the style has no `nanColor`.
 */
export function colorize(
  plane: RelevancePlane,
  range: ValueRange,
  style: Pick<ResolvedStyle, 'colorMap' | 'reverse' | 'infinityColor' | 'nanColor'>,
): RgbaImage {
  assertValueRange(range, 'colorize');
  const { width, height } = plane;
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < plane.data.length; i++) {
    const v = plane.data[i]!;
    let rgb: Rgb;
    if (Number.isNaN(v)) {
      if (style.nanColor === undefined)
        throw new InvalidArgumentError(
          'heatmap',
          `relevance is NaN at row ${Math.floor(i / width)}, column ${i % width}; fix the map or pass nanColor`,
        );
      rgb = style.nanColor;
    } else if (!Number.isFinite(v) && style.infinityColor !== undefined) rgb = style.infinityColor;
    else {
      const t = unitPosition(v, range);
      rgb = style.colorMap.rgb(style.reverse ? 1 - t : t);
    }
    data.set(rgb, 4 * i);
    data[4 * i + 3] = 255;
  }
  return { width, height, data };
}

/**
 * A relevance map drawn as an image: channels combined, normalised, coloured, upscaled.
 *
 * ```ts
 * const image = heatmap(trace.relevance({ semiring: real }), { colorMap: 'seismic', scale: 4 });
 * writePng('relevance.png', image);
 * ```
 *
 * @throws ShapeError for a shape other than [H, W], [C, H, W], [1, C, H, W]; NotFoundError for
 *   an unknown colour map or aggregation; InvalidArgumentError for a bad option or a NaN value
 *   without `nanColor`.
 */
export function heatmap(relevance: TensorLike, options: HeatmapOptions = {}): Heatmap {
  const style = resolveStyle(options, 'heatmap');
  const scale = options.scale ?? HEATMAP_DEFAULTS.scale;
  if (!(Number.isInteger(scale) && scale >= 1))
    throw new InvalidArgumentError('heatmap', `scale must be an integer ≥ 1, got ${scale}`);
  const plane = relevancePlane(relevance, style.aggregate);
  const range = valueRange(plane.data, style.normalize);
  return { ...upscale(colorize(plane, range, style), scale), range };
}
