/**
 * Figure grids: the report's figures, one row per image, one column per view of it, e.g.
 * input | ℝ | 𝔹 | ℕ | Viterbi | tropical (PAPER.md, "Figures"), written as SVG.
 *
 * Columns carry titles and a default heatmap style; each cell holds an input image, a relevance
 * map or nothing. With `colorBars: 'column'` (the default) each column's relevance panels share
 * one value range, so the single bar under the column is exact for every row; the column's style
 * then decides colour map, normalisation and direction, and panels may only choose their
 * aggregation and the colours of ±∞ and NaN. With `colorBars: 'panel'` every panel is normalised
 * on its own, may carry its own style, and gets its own bar. `none` draws no bars (ranges as
 * for `panel`).
 *
 * Every panel must have the same height and width; all are drawn at one integer `scale`
 * (default: the smallest that makes a panel's longer side at least 140 pixels).
 */
import { withDisplay } from '../core/display.js';
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { svgColorBar } from './color-bar.js';
import { type ColorBarPlacement, type FigureLayout, figureLayout } from './figure-layout.js';
import { colorize, type HeatmapStyle, type ResolvedStyle, resolveStyle } from './heatmap.js';
import { upscale } from './image.js';
import { inputImage } from './input-image.js';
import { type Normalization, type ValueRange, valueRange } from './normalize.js';
import {
  channelsHeightWidth,
  type RelevancePlane,
  relevancePlane,
  type TensorLike,
} from './relevance-plane.js';
import { svgDocument, svgFrame, svgImage, svgText } from './svg.js';

/** A column: its title and the default style of its relevance panels. */
export interface FigureColumn extends HeatmapStyle {
  readonly title: string;
}

/** A cell showing the network's input (grey or RGB, values in [0, 1] unless `normalize` says). */
export interface InputPanel {
  readonly image: TensorLike;
  readonly normalize?: Normalization;
}

/** A cell showing a relevance map; its style fields override the column's. */
export interface RelevancePanel extends HeatmapStyle {
  readonly relevance: TensorLike;
}

/** A cell of the grid: an input, a relevance map, or empty (`null`). */
export type FigurePanel = InputPanel | RelevancePanel | null;

/** A row: an optional label (drawn left of the row) and one panel per column. */
export interface FigureRow {
  readonly label?: string;
  readonly panels: readonly FigurePanel[];
}

/** What to draw. */
export interface FigureGridSpec {
  /** Titles, or columns with titles and styles. */
  readonly columns: readonly (string | FigureColumn)[];
  readonly rows: readonly FigureRow[];
  /** Pixels per relevance pixel (an integer; default: longer side ≥ 140 pixels). */
  readonly scale?: number;
  /** Where colour bars go (default `column`). */
  readonly colorBars?: ColorBarPlacement;
  /** Title font size in pixels (default 14; tick labels are 0.72 of it). */
  readonly fontSize?: number;
}

/** A figure: its SVG text, its layout, and the value range of each relevance panel. */
export interface FigureGrid {
  readonly svg: string;
  readonly layout: FigureLayout;
  /** `ranges[row][column]`: the range a relevance panel was drawn with; null for other cells. */
  readonly ranges: readonly (readonly (ValueRange | null)[])[];
}

/** The figure defaults. */
export const FIGURE_DEFAULTS = { minPanelSide: 140, colorBars: 'column', fontSize: 14 } as const;

const isRelevance = (p: FigurePanel): p is RelevancePanel => p !== null && 'relevance' in p;

/** The one panel size of the grid, checked against every panel. */
function panelSize(spec: FigureGridSpec): { h: number; w: number } {
  let size: { h: number; w: number; at: string } | undefined;
  spec.rows.forEach((row, i) => {
    row.panels.forEach((panel, j) => {
      if (panel === null) return;
      const at = `row ${i + 1}, column ${j + 1}`;
      const where = `figureGrid: panel (${at})`;
      const t = isRelevance(panel) ? panel.relevance : panel.image;
      if (t === undefined) throw new InvalidArgumentError(where, 'a panel needs `image` or `relevance`');
      const { h, w } = channelsHeightWidth(t, where);
      if (size === undefined) size = { h, w, at };
      else if (size.h !== h || size.w !== w)
        throw new ShapeError(
          where,
          `[${size.h}, ${size.w}] pixels like the panel at ${size.at}`,
          `[${h}, ${w}]`,
        );
    });
  });
  if (size === undefined || size.h === 0 || size.w === 0)
    throw new InvalidArgumentError(
      'figureGrid',
      'the grid has no panel with pixels; give at least one image or map',
    );
  return size;
}

/** Checks the grid's shape and options; returns the scale. */
function checkSpec(spec: FigureGridSpec, size: { h: number; w: number }): number {
  if (spec.columns.length === 0) throw new InvalidArgumentError('figureGrid', 'give at least one column');
  spec.rows.forEach((row, i) => {
    if (row.panels.length !== spec.columns.length)
      throw new InvalidArgumentError(
        'figureGrid',
        `row ${i + 1} has ${row.panels.length} panels for ${spec.columns.length} columns; give one panel (or null) per column`,
      );
  });
  const placement = spec.colorBars ?? FIGURE_DEFAULTS.colorBars;
  if (!['column', 'panel', 'none'].includes(placement))
    throw new InvalidArgumentError(
      'figureGrid',
      `colorBars must be column, panel or none, got "${placement}"`,
    );
  const scale = spec.scale ?? Math.max(1, Math.ceil(FIGURE_DEFAULTS.minPanelSide / Math.max(size.h, size.w)));
  if (!(Number.isInteger(scale) && scale >= 1))
    throw new InvalidArgumentError('figureGrid', `scale must be an integer ≥ 1, got ${scale}`);
  return scale;
}

/** A column's style with the fields a panel sets (to something other than undefined) replaced. */
function withOverrides(column: HeatmapStyle, panel: HeatmapStyle): HeatmapStyle {
  const set = Object.entries(panel).filter(([, v]) => v !== undefined);
  return { ...column, ...Object.fromEntries(set) };
}

/** The resolved style of each column, and of each relevance panel. */
function styles(spec: FigureGridSpec, placement: ColorBarPlacement) {
  const columns = spec.columns.map((c) => (typeof c === 'string' ? { title: c } : c));
  const columnStyles = columns.map((c, j) => resolveStyle(c, `figureGrid: column ${j + 1} ("${c.title}")`));
  const panelStyles = spec.rows.map((row, i) =>
    row.panels.map((panel, j): ResolvedStyle | null => {
      if (!isRelevance(panel)) return null;
      const where = `figureGrid: panel (row ${i + 1}, column ${j + 1})`;
      if (placement === 'column')
        for (const key of ['colorMap', 'normalize', 'reverse'] as const)
          if (panel[key] !== undefined)
            throw new InvalidArgumentError(
              where,
              `sets its own ${key}, but colour bars are per column; set it on the column or use colorBars: 'panel'`,
            );
      return resolveStyle(withOverrides(columns[j]!, panel), where);
    }),
  );
  return { titles: columns.map((c) => c.title), columnStyles, panelStyles };
}

/**
 * A figure grid as SVG, with its computed layout.
 *
 * ```ts
 * const { svg, layout } = figureGrid({
 *   columns: ['input', { title: 'ℝ', colorMap: 'bwr' }, { title: '𝔹', colorMap: 'boolean' }],
 *   rows: [{ label: '7', panels: [{ image: x }, { relevance: rReal }, { relevance: rBool }] }],
 * });
 * ```
 *
 * @throws InvalidArgumentError for rows of the wrong length, an empty grid, bad options or a panel
 *   style that conflicts with column bars; ShapeError for panels of different sizes or bad shapes;
 *   NotFoundError for unknown colour maps or aggregations.
 */
export function figureGrid(spec: FigureGridSpec): FigureGrid {
  const size = panelSize(spec);
  const scale = checkSpec(spec, size);
  const placement = spec.colorBars ?? FIGURE_DEFAULTS.colorBars;
  const { titles, columnStyles, panelStyles } = styles(spec, placement);
  const planes = spec.rows.map((row, i) =>
    row.panels.map((panel, j): RelevancePlane | null =>
      isRelevance(panel) ? relevancePlane(panel.relevance, panelStyles[i]![j]!.aggregate) : null,
    ),
  );
  const columnHasBar = titles.map((_, j) => planes.some((row) => row[j] !== null));
  const columnRanges = columnHasBar.map((has, j) => {
    if (!has) return null;
    const maps = planes.flatMap((row) => (row[j] ? [row[j].data] : []));
    return valueRange(maps, columnStyles[j]!.normalize);
  });
  const ranges = planes.map((row, i) =>
    row.map((plane, j) => {
      if (plane === null) return null;
      return placement === 'column'
        ? columnRanges[j]!
        : valueRange(plane.data, panelStyles[i]![j]!.normalize);
    }),
  );
  const fontSize = spec.fontSize ?? FIGURE_DEFAULTS.fontSize;
  const layout = figureLayout({
    titles,
    labels: spec.rows.map((r) => r.label ?? ''),
    panelWidth: size.w * scale,
    panelHeight: size.h * scale,
    colorBars: placement,
    columnHasBar,
    fontSize,
  });
  const body: string[] = [];
  titles.forEach((title, j) => {
    const at = layout.titles[j]!;
    body.push(svgText(title, at.x, at.y, { fontSize, anchor: 'middle' }));
  });
  spec.rows.forEach((row, i) => {
    if (row.label)
      body.push(svgText(row.label, layout.labels[i]!.x, layout.labels[i]!.y, { fontSize, anchor: 'end' }));
    row.panels.forEach((panel, j) => {
      if (panel === null) return;
      const box = layout.panels[i]![j]!;
      const plane = planes[i]![j];
      const image = plane
        ? upscale(colorize(plane, ranges[i]![j]!, panelStyles[i]![j]!), scale)
        : inputImage((panel as InputPanel).image, {
            normalize: (panel as InputPanel).normalize ?? 'none',
            scale,
          });
      body.push(svgImage(image, box.x, box.y), svgFrame(box.x, box.y, box.width, box.height));
    });
  });
  const tick = { fontSize: layout.tickFontSize };
  layout.colorBars.forEach((barRow, i) => {
    barRow.forEach((box, j) => {
      if (box !== null && placement === 'column') {
        const style = columnStyles[j]!;
        body.push(...svgColorBar(box, style.colorMap, columnRanges[j]!, { reverse: style.reverse, ...tick }));
      } else if (box !== null && ranges[i]![j]) {
        const style = panelStyles[i]![j]!;
        body.push(...svgColorBar(box, style.colorMap, ranges[i]![j]!, { reverse: style.reverse, ...tick }));
      }
    });
  });
  const svg = svgDocument(layout.width, layout.height, body);
  return withDisplay({ svg, layout, ranges }, (figure) => ({
    'text/plain': `Figure grid, ${figure.layout.width} × ${figure.layout.height} px`,
    'image/svg+xml': figure.svg,
  }));
}
