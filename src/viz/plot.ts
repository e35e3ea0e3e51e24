/**
 * Plots: Vega-Lite specifications compiled to Vega and rendered headless to SVG (vega's
 * `View.toSVG()` with the `none` renderer needs no canvas), then to PNG with resvg and the bundled
 * font (render.ts), so charts look the same on every machine.
 *
 * Reference: A. Satyanarayan et al., "Vega-Lite: A Grammar of Interactive Graphics" (2017).
 */
import { type LoggerInterface, parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { renderSvg } from './render.js';

/** A rendered plot: its SVG text and its PNG bytes. */
export interface Plot {
  readonly svg: string;
  readonly png: Uint8Array;
}

/** The PNG zoom: the SVG's own size is meant for a screen, the PNG for a page. */
export const PLOT_PNG_ZOOM = 2;

/**
 * Vega-Lite's compiler logger, quiet about its warnings: a layered chart whose band hides its
 * legend (line-chart.ts) warns that the layers' legends differ, which is the intent.
 */
const QUIET: LoggerInterface = {
  level(this: LoggerInterface, _level?: number) {
    return this;
  },
  error(...args: readonly unknown[]) {
    throw new Error(`vega-lite: ${args.join(' ')}`);
  },
  warn() {
    return QUIET;
  },
  info() {
    return QUIET;
  },
  debug() {
    return QUIET;
  },
} as LoggerInterface;

/** Renders a Vega-Lite specification to SVG and PNG. */
export async function renderVegaLite(spec: TopLevelSpec): Promise<Plot> {
  const view = new View(parse(compile(spec, { logger: QUIET }).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return { svg, png: renderSvg(svg, { zoom: PLOT_PNG_ZOOM }) };
}
