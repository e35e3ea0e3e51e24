/**
 * The built-in colour maps and their registry, `COLOR_MAPS`, keyed by ASCII snake_case name.
 *
 * Stops, position ↦ colour:
 *
 * | name       | kind       | stops                                                                       |
 * |------------|------------|-----------------------------------------------------------------------------|
 * | `bwr`      | diverging  | 0 blue #0000ff, ½ white #ffffff, 1 red #ff0000                              |
 * | `seismic`  | diverging  | 0 #00004d, ¼ #0000ff, ½ #ffffff, ¾ #ff0000, 1 #800000                       |
 * | `coldnhot` | diverging  | 0 cyan #00ffff, ¼ blue #0000ff, ½ black, ⅔ red #ff0000, ⅚ yellow #ffff00, 1 white |
 * | `gray`     | sequential | 0 black, 1 white                                                            |
 * | `wred`     | sequential | 0 white, 1 red #ff0000                                                      |
 * | `hot`      | sequential | 0 black, ⅓ red, ⅔ yellow, 1 white                                           |
 * | `boolean`  | binary     | false (t < ½) white #ffffff, true (t ≥ ½) red #d00000                       |
 *
 * References: `bwr`, `coldnhot`, `wred` and `hot` are zennit's (`zennit/image.py`, `CMAPS`);
 * zennit places its centre stop at index 0x80 of 0–255 (t = 128/255) and the others at integer
 * indices, provlrp puts the centre at exactly ½ (so zero relevance is exactly white, or black
 * for `coldnhot`) and the others at the fractions zennit's indices approximate (64/255 ≈ ¼,
 * 170/255 = ⅔, 212/255 ≈ ⅚). `seismic` is matplotlib's (`_seismic_data`: (0, 0, 0.3), (0, 0, 1),
 * (1, 1, 1), (1, 0, 0), (0.5, 0, 0) evenly spaced), with channels rounded to bytes.
 */
import { NotFoundError } from '../core/errors.js';
import { binary, type ColorMap, piecewiseLinear } from './color-map.js';

/** Blue, white, red: zennit's default relevance map. */
export const bwr: ColorMap = piecewiseLinear('bwr', 'diverging', [
  { at: 0, color: '#0000ff' },
  { at: 0.5, color: '#ffffff' },
  { at: 1, color: '#ff0000' },
]);

/** matplotlib's `seismic`: dark blue, blue, white, red, dark red. */
export const seismic: ColorMap = piecewiseLinear('seismic', 'diverging', [
  { at: 0, color: '#00004d' },
  { at: 0.25, color: '#0000ff' },
  { at: 0.5, color: '#ffffff' },
  { at: 0.75, color: '#ff0000' },
  { at: 1, color: '#800000' },
]);

/** zennit's cold-and-hot map: black at zero, cyan/blue for negative, red/yellow/white for positive. */
export const coldnhot: ColorMap = piecewiseLinear('coldnhot', 'diverging', [
  { at: 0, color: '#00ffff' },
  { at: 0.25, color: '#0000ff' },
  { at: 0.5, color: '#000000' },
  { at: 2 / 3, color: '#ff0000' },
  { at: 5 / 6, color: '#ffff00' },
  { at: 1, color: '#ffffff' },
]);

/** Black to white, for input images and single-channel maps. */
export const gray: ColorMap = piecewiseLinear('gray', 'sequential', [
  { at: 0, color: '#000000' },
  { at: 1, color: '#ffffff' },
]);

/** White to red: zennit's `wred`, for non-negative relevance (counting, Viterbi). */
export const wred: ColorMap = piecewiseLinear('wred', 'sequential', [
  { at: 0, color: '#ffffff' },
  { at: 1, color: '#ff0000' },
]);

/** Black, red, yellow, white: zennit's `hot`. */
export const hot: ColorMap = piecewiseLinear('hot', 'sequential', [
  { at: 0, color: '#000000' },
  { at: 1 / 3, color: '#ff0000' },
  { at: 2 / 3, color: '#ffff00' },
  { at: 1, color: '#ffffff' },
]);

/** Two colours for Boolean relevance: white for false, a strong red for true. */
export const booleanMap: ColorMap = binary('boolean', '#ffffff', '#d00000');

/** Every built-in colour map by its registry name. */
export const COLOR_MAPS = {
  bwr,
  seismic,
  coldnhot,
  gray,
  wred,
  hot,
  boolean: booleanMap,
} as const satisfies Record<string, ColorMap>;

/** A registry name of a colour map. */
export type ColorMapName = keyof typeof COLOR_MAPS;

/** The registry names, in their listed order. */
export const COLOR_MAP_NAMES = Object.keys(COLOR_MAPS) as ColorMapName[];

/** Whether `name` is a registry name of a colour map. */
export const isColorMapName = (name: string): name is ColorMapName => Object.hasOwn(COLOR_MAPS, name);

/** The colour map registered as `name`; a `NotFoundError` listing the known names otherwise. */
export function colorMapByName(name: string): ColorMap {
  if (!isColorMapName(name)) throw new NotFoundError('colour map', name, COLOR_MAP_NAMES);
  return COLOR_MAPS[name];
}

/** A colour map given by name or as an object, resolved to the object. */
export const resolveColorMap = (map: ColorMapName | ColorMap | string): ColorMap =>
  typeof map === 'string' ? colorMapByName(map) : map;
