/**
 * SVG text: the few elements figures are made of, written as strings.
 *
 * Every number is written with at most two decimals and every text is XML-escaped, so the same
 * figure always produces the same string. Raster content (heatmaps, colour bars) is embedded as
 * base64 PNG `<image>` elements drawn at their own pixel size, `image-rendering` set to
 * `optimizeSpeed` so that no viewer smooths relevance pixels.
 */
import { bytesToBase64 } from '../core/base64.js';
import type { RgbaImage } from './image.js';
import { encodePng } from './png.js';

/** The font figures ask for; the PNG renderer ships it (DejaVu Sans, from dejavu-fonts-ttf). */
export const FIGURE_FONT_FAMILY = 'DejaVu Sans';

/** Text with `&`, `<`, `>`, `"` and `'` escaped for XML content and attributes. */
export const escapeXml = (text: string): string =>
  text.replace(/[&<>"']/g, (ch) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[ch]};`);

/** A coordinate or length as SVG writes it: at most two decimals, no trailing zeros. */
export const num = (x: number): string => String(Math.round(x * 100) / 100);

/** Where a text's anchor sits: its start, middle or end. */
export type TextAnchor = 'start' | 'middle' | 'end';

/** A `<text>` element with its baseline at (x, y). */
export function svgText(
  text: string,
  x: number,
  y: number,
  options: { fontSize: number; anchor?: TextAnchor },
): string {
  return (
    `<text x="${num(x)}" y="${num(y)}" font-family="${FIGURE_FONT_FAMILY}" font-size="${num(options.fontSize)}"` +
    ` text-anchor="${options.anchor ?? 'start'}" fill="#000000">${escapeXml(text)}</text>`
  );
}

/** An `<image>` element holding an RGBA image as a base64 PNG, drawn at (x, y) at its own size. */
export function svgImage(image: RgbaImage, x: number, y: number): string {
  const href = `data:image/png;base64,${bytesToBase64(encodePng(image))}`;
  return (
    `<image x="${num(x)}" y="${num(y)}" width="${image.width}" height="${image.height}"` +
    ` image-rendering="optimizeSpeed" preserveAspectRatio="none" xlink:href="${href}"/>`
  );
}

/** A one-pixel frame just outside the box (x, y, width, height), leaving the box's pixels alone. */
export function svgFrame(x: number, y: number, width: number, height: number, color = '#808080'): string {
  return (
    `<rect x="${num(x - 0.5)}" y="${num(y - 0.5)}" width="${num(width + 1)}" height="${num(height + 1)}"` +
    ` fill="none" stroke="${color}" stroke-width="1"/>`
  );
}

/** A complete SVG document of the given size on a white background. */
export function svgDocument(width: number, height: number, body: readonly string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"` +
      ` width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

/**
 * A tick label: `0`; four significant digits for magnitudes in [0.01, 10⁴) (so path counts up to
 * 9999 are exact); otherwise two
 * significant digits in scientific form (`2.1e3`, `4.5e−7`). Minus signs are U+2212.
 */
export function formatTick(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  if (value === 0) return '0';
  const a = Math.abs(value);
  let text: string;
  if (a >= 0.01 && a < 1e4) text = String(Number(value.toPrecision(4)));
  else {
    const [mantissa, exponent] = value.toExponential(1).split('e') as [string, string];
    text = `${mantissa.replace(/\.0$/, '')}e${Number(exponent)}`;
  }
  return text.replace(/-/g, '−');
}
