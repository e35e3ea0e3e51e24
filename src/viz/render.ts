/**
 * Rendering: SVG figures to PNG with resvg, using only the fonts provlrp ships.
 *
 * Text is drawn with DejaVu Sans loaded from the `dejavu-fonts-ttf` package, and system fonts are
 * never loaded, so a figure renders to the same pixels on every machine whatever fonts it has
 * installed. resvg (`@resvg/resvg-js`) is a native module whose binary comes in a per-platform
 * npm package; it is loaded on first use, so the rest of provlrp/viz (heatmaps, PNG, SVG) works
 * on platforms it does not cover.
 */
import type { Resvg as ResvgClass } from '@resvg/resvg-js';
import { InvalidArgumentError, UnsupportedError } from '../core/errors.js';
import { writeFileAtomic } from '../core/file-io.js';
import { requireNodeBuiltin } from '../core/node-builtin.js';
import { type FigureGrid, type FigureGridSpec, figureGrid } from './figure-grid.js';
import { FIGURE_FONT_FAMILY } from './svg.js';

/** Node's `require`, for the font package and the native renderer (loaded on first use, in Node). */
const nodeRequire = () =>
  requireNodeBuiltin('node:module', 'renderSvg', 'write the figure as SVG (figureGrid)').createRequire(
    import.meta.url,
  );

/**
 * The font files figures are rendered with: DejaVu Sans, which covers ℝ, 𝔹, ℕ, ⊤, ⊥, ∞ and −
 * (its bold face lacks the double-struck letters, so titles are set in the regular weight).
 */
export const figureFontFiles = (): readonly string[] => [
  nodeRequire().resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'),
];

let resvg: typeof ResvgClass | undefined;

function loadResvg(): typeof ResvgClass {
  if (resvg === undefined) {
    try {
      resvg = (nodeRequire()('@resvg/resvg-js') as { Resvg: typeof ResvgClass }).Resvg;
    } catch (e) {
      throw new UnsupportedError(
        `renderSvg: @resvg/resvg-js could not be loaded (${(e as Error).message.split('\n')[0]}); ` +
          'install its binary for this platform, or write the figure as SVG',
      );
    }
  }
  return resvg;
}

/** Options of {@link renderSvg}. */
export interface RenderSvgOptions {
  /** Draw the figure this many times larger (default 1; the SVG's own size). */
  readonly zoom?: number;
}

/** An SVG document rendered to PNG bytes, text in DejaVu Sans, no system fonts. */
export function renderSvg(svg: string, options: RenderSvgOptions = {}): Uint8Array {
  const zoom = options.zoom ?? 1;
  if (!(zoom > 0 && Number.isFinite(zoom)))
    throw new InvalidArgumentError('renderSvg', `zoom must be a positive number, got ${zoom}`);
  const Resvg = loadResvg();
  const renderer = new Resvg(svg, {
    font: {
      fontFiles: [...figureFontFiles()],
      loadSystemFonts: false,
      defaultFontFamily: FIGURE_FONT_FAMILY,
      sansSerifFamily: FIGURE_FONT_FAMILY,
    },
    fitTo: zoom === 1 ? { mode: 'original' } : { mode: 'zoom', value: zoom },
    logLevel: 'off',
  });
  const png = renderer.render().asPng();
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}

/** A figure grid rendered to PNG, with its SVG and layout (see {@link figureGrid}). */
export function figureGridPng(spec: FigureGridSpec): FigureGrid & { readonly png: Uint8Array } {
  const figure = figureGrid(spec);
  return { ...figure, png: renderSvg(figure.svg) };
}

/**
 * Writes a figure grid to a file, as SVG if the path ends in `.svg` and as PNG if it ends in
 * `.png`; returns the figure.
 *
 * @throws InvalidArgumentError for any other extension.
 */
export function writeFigure(path: string, spec: FigureGridSpec): FigureGrid {
  const extension = path.toLowerCase().match(/\.(svg|png)$/)?.[1];
  if (extension === undefined)
    throw new InvalidArgumentError(
      'writeFigure',
      `cannot tell the format of "${path}"; end the path in .svg or .png`,
    );
  if (extension === 'svg') {
    const figure = figureGrid(spec);
    writeFileAtomic(path, figure.svg);
    return figure;
  }
  const figure = figureGridPng(spec);
  writeFileAtomic(path, figure.png);
  return figure;
}
