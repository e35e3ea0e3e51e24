/**
 * Colour bars: a horizontal strip of a colour map with the values its ends (and, for diverging
 * maps, its centre) stand for.
 *
 * Pixel column x of a bar w pixels wide shows the map at t = (x + ½) / w, read backwards for
 * reversed styles, so the bar's left end is the range's low value as drawn in the panels. The
 * ticks sit at the bar's left edge (low), centre ((low + high) / 2; diverging maps only, where it
 * is 0 under symmetric normalisation) and right edge (high).
 */
import { InvalidArgumentError } from '../core/errors.js';
import type { ColorMap } from './color-map.js';
import type { RgbaImage } from './image.js';
import type { ValueRange } from './normalize.js';
import { formatTick, svgFrame, svgImage, svgText, type TextAnchor } from './svg.js';

/** A tick of a colour bar: the value, where it sits (0 = left end, 1 = right end), its label. */
export interface ColorBarTick {
  readonly value: number;
  readonly at: number;
  readonly label: string;
}

/** The colour map as a `width × height` strip, low on the left. */
export function colorBarImage(colorMap: ColorMap, width: number, height: number, reverse = false): RgbaImage {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width >= 1 && height >= 1))
    throw new InvalidArgumentError(
      'colorBarImage',
      `size must be positive integers, got ${width} × ${height}`,
    );
  const data = new Uint8Array(width * height * 4);
  for (let x = 0; x < width; x++) {
    const t = (x + 0.5) / width;
    const rgb = colorMap.rgb(reverse ? 1 - t : t);
    for (let y = 0; y < height; y++) {
      data.set(rgb, 4 * (y * width + x));
      data[4 * (y * width + x) + 3] = 255;
    }
  }
  return { width, height, data };
}

/** The ticks of a bar for a range: its ends, and its centre for a diverging map. */
export function colorBarTicks(range: ValueRange, colorMap: ColorMap): ColorBarTick[] {
  const tick = (value: number, at: number): ColorBarTick => ({ value, at, label: formatTick(value) });
  const ticks = [tick(range.low, 0), tick(range.high, 1)];
  if (colorMap.kind === 'diverging') ticks.splice(1, 0, tick((range.low + range.high) / 2, 0.5));
  return ticks;
}

/** Where a bar sits in a figure, in pixels. */
export interface ColorBarBox {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** A colour bar as SVG elements: the strip, a frame, and tick labels below it. */
export function svgColorBar(
  box: ColorBarBox,
  colorMap: ColorMap,
  range: ValueRange,
  options: { reverse: boolean; fontSize: number },
): string[] {
  const out = [svgImage(colorBarImage(colorMap, box.width, box.height, options.reverse), box.x, box.y)];
  out.push(svgFrame(box.x, box.y, box.width, box.height));
  const baseline = box.y + box.height + 2 + options.fontSize;
  for (const tick of colorBarTicks(range, colorMap)) {
    const anchor: TextAnchor = tick.at === 0 ? 'start' : tick.at === 1 ? 'end' : 'middle';
    out.push(
      svgText(tick.label, box.x + tick.at * box.width, baseline, { fontSize: options.fontSize, anchor }),
    );
  }
  return out;
}
