/**
 * Plots: Vega-Lite specifications compiled to Vega and rendered headless to SVG (vega's
 * `View.toSVG()` with the `none` renderer needs no canvas), then to PNG with resvg and the bundled
 * font (render.ts), so charts look the same on every machine.
 *
 * Reference: A. Satyanarayan et al., "Vega-Lite: A Grammar of Interactive Graphics" (2017).
 */
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { renderSvg } from './render.js';

/** A rendered plot: its SVG text and its PNG bytes. */
export interface Plot {
  readonly svg: string;
  readonly png: Uint8Array;
}

/** The PNG zoom: the SVG's own size is meant for a screen, the PNG for a page. */
export const PLOT_PNG_ZOOM = 2;

/** Renders a Vega-Lite specification to SVG and PNG. */
export async function renderVegaLite(spec: TopLevelSpec): Promise<Plot> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return { svg, png: renderSvg(svg, { zoom: PLOT_PNG_ZOOM }) };
}
