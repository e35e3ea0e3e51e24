/**
 * Colour maps: functions from a position t ∈ [0, 1] to an 8-bit RGB colour.
 *
 * A map is either piecewise linear through colour stops (zennit's `ColorMap`, matplotlib's
 * `LinearSegmentedColormap`) or binary (one colour below t = 1/2, another from 1/2 on). Positions
 * outside [0, 1] are clipped to the nearest end; NaN is refused, because no colour is right for it
 * (the heatmap decides what NaN looks like before it asks a colour map).
 *
 * Between two stops (t₀, c₀) and (t₁, c₁) the colour is round(c₀ + (t − t₀)/(t₁ − t₀) · (c₁ − c₀)) per
 * channel, computed in float64, so every machine produces the same bytes.
 */
import { assertArgument, InvalidArgumentError } from '../core/errors.js';
import type { Rgb } from './image.js';

/**
 * What a map's positions mean. `diverging`: t = 1/2 is zero relevance, below negative, above
 * positive. `sequential`: t = 0 is the least, t = 1 the most. `binary`: two colours, for
 * Boolean maps.
 */
export type ColorMapKind = 'diverging' | 'sequential' | 'binary';

/** A colour at a position of a piecewise-linear map; colours are `#rrggbb` strings. */
export interface ColorStop {
  readonly at: number;
  readonly color: string;
}

/** A colour map: a name, a kind and the function itself. */
export interface ColorMap {
  /** The registry name (ASCII snake_case). */
  readonly name: string;
  readonly kind: ColorMapKind;
  /** The stops the map interpolates (a binary map: its two colours at 0 and 1). */
  readonly stops: readonly ColorStop[];
  /** The colour at position t; t is clipped to [0, 1]. */
  rgb(t: number): Rgb;
}

/** The bytes of a `#rrggbb` colour. */
export function parseHexColor(hex: string): Rgb {
  assertArgument(/^#[0-9a-fA-F]{6}$/.test(hex), 'parseHexColor', () => `expected "#rrggbb", got "${hex}"`);
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
}

/** A colour as `#rrggbb`, the form SVG and the stops use. */
export const toHexColor = (rgb: Rgb): string =>
  `#${rgb.map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`;

const clipUnit = (t: number, where: string): number => {
  if (Number.isNaN(t)) throw new InvalidArgumentError(where, 'the position is NaN; give a number in [0, 1]');
  return Math.min(1, Math.max(0, t));
};

/**
 * A piecewise-linear colour map through `stops`, which must start at 0, end at 1 and have
 * strictly increasing positions.
 */
export function piecewiseLinear(name: string, kind: ColorMapKind, stops: readonly ColorStop[]): ColorMap {
  const where = `colour map ${name}`;
  assertArgument(
    stops.length >= 2 && stops[0]!.at === 0 && stops[stops.length - 1]!.at === 1,
    where,
    () => 'the stops must start at 0 and end at 1; give at least two',
  );
  for (let i = 1; i < stops.length; i++)
    assertArgument(
      stops[i]!.at > stops[i - 1]!.at,
      where,
      () => `stop positions must increase strictly, got ${stops[i - 1]!.at} then ${stops[i]!.at}`,
    );
  const at = stops.map((s) => s.at);
  const colors = stops.map((s) => parseHexColor(s.color));
  return {
    name,
    kind,
    stops,
    rgb(t: number): Rgb {
      t = clipUnit(t, where);
      // The segment [at[i - 1], at[i]] that holds t; t = 1 falls in the last one.
      let i = 1;
      while (i < at.length - 1 && t > at[i]!) i++;
      const t0 = at[i - 1]!;
      const alpha = (t - t0) / (at[i]! - t0);
      const c0 = colors[i - 1]!;
      const c1 = colors[i]!;
      return [
        Math.round(c0[0] + alpha * (c1[0] - c0[0])),
        Math.round(c0[1] + alpha * (c1[1] - c0[1])),
        Math.round(c0[2] + alpha * (c1[2] - c0[2])),
      ];
    },
  };
}

/** A binary colour map: `off` for t < 1/2, `on` for t ≥ 1/2 (so 0 ↦ off and 1 ↦ on exactly). */
export function binary(name: string, off: string, on: string): ColorMap {
  const offRgb = parseHexColor(off);
  const onRgb = parseHexColor(on);
  const where = `colour map ${name}`;
  return {
    name,
    kind: 'binary',
    stops: [
      { at: 0, color: off },
      { at: 1, color: on },
    ],
    rgb: (t: number): Rgb => (clipUnit(t, where) < 0.5 ? offRgb : onRgb),
  };
}
