/**
 * Figure layout: where every title, panel and colour bar of a figure grid goes, in whole pixels.
 *
 * ```
 * margin
 *        │ title 1 │ gap │ title 2 │ …        title band: 1.5 × fontSize
 * label  │ panel   │     │ panel   │ …        one band per row, rows `gap` apart
 *        │ [bar]   │     │ [bar]   │          colorBars 'panel': a bar under every panel
 *        │ bar     │     │ bar     │          colorBars 'column': one bar under each column
 * margin
 * ```
 *
 * A column is as wide as the widest of its panel, its title (estimated at 0.62 × fontSize per
 * character, DejaVu Sans's average advance) and, when bars are drawn, `MIN_BAR_WIDTH` (room for
 * three tick labels). Panels are centred in their column on whole pixels, so an embedded heatmap
 * is drawn pixel for pixel.
 */
import { InvalidArgumentError } from '../core/errors.js';

/** A box in pixels, (x, y) its top-left corner. */
export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** Where colour bars go: one per column (shared range), one per panel (own range), or none. */
export type ColorBarPlacement = 'column' | 'panel' | 'none';

/** What the layout needs to know about a figure. */
export interface FigureLayoutInput {
  readonly titles: readonly string[];
  /** One entry per row; empty strings are rows without a label. */
  readonly labels: readonly string[];
  /** The size of every panel, in pixels (already scaled). */
  readonly panelWidth: number;
  readonly panelHeight: number;
  readonly colorBars: ColorBarPlacement;
  /** Per column, whether it has a bar (input columns do not). */
  readonly columnHasBar: readonly boolean[];
  readonly fontSize: number;
}

/** The computed layout of a figure grid; every number is a whole pixel count. */
export interface FigureLayout {
  readonly width: number;
  readonly height: number;
  readonly margin: number;
  readonly gap: number;
  readonly fontSize: number;
  readonly tickFontSize: number;
  readonly titleHeight: number;
  readonly labelWidth: number;
  readonly columnWidth: number;
  /** The height of a colour bar with its tick labels (0 without bars). */
  readonly colorBarHeight: number;
  /** Each column's title anchor: its horizontal centre and its text baseline. */
  readonly titles: readonly { readonly x: number; readonly y: number }[];
  /** Each row's label anchor (right end of the text, baseline). */
  readonly labels: readonly { readonly x: number; readonly y: number }[];
  /** The panel boxes, `panels[row][column]`. */
  readonly panels: readonly (readonly Box[])[];
  /** The strip of each colour bar: `[0][column]` for column bars, `[row][column]` for panel bars. */
  readonly colorBars: readonly (readonly (Box | null)[])[];
}

/** The smallest column width when colour bars are drawn: room for three tick labels. */
export const MIN_BAR_WIDTH = 132;

/** The estimated width of a text in pixels (DejaVu Sans's average advance: 0.62 em). */
export const estimateTextWidth = (text: string, fontSize: number): number =>
  Math.ceil([...text].length * 0.62 * fontSize);

/** Computes the layout of a figure grid. */
export function figureLayout(input: FigureLayoutInput): FigureLayout {
  const { titles, labels, panelWidth, panelHeight, colorBars, fontSize } = input;
  const n = titles.length;
  if (!(Number.isInteger(panelWidth) && Number.isInteger(panelHeight) && panelWidth >= 1 && panelHeight >= 1))
    throw new InvalidArgumentError(
      'figureLayout',
      `panels need a positive integer size, got ${panelWidth} × ${panelHeight}`,
    );
  if (!(fontSize > 0 && Number.isFinite(fontSize)))
    throw new InvalidArgumentError('figureLayout', `fontSize must be a positive number, got ${fontSize}`);
  const margin = Math.round(0.75 * fontSize);
  const gap = Math.round(0.6 * fontSize);
  const tickFontSize = Math.max(8, Math.round(0.72 * fontSize));
  const titleHeight = Math.ceil(1.6 * fontSize);
  const barStrip = Math.round(0.7 * fontSize);
  const anyBar = colorBars !== 'none' && input.columnHasBar.some(Boolean);
  const colorBarHeight = anyBar ? 4 + barStrip + 2 + Math.ceil(1.3 * tickFontSize) : 0;
  const widest = Math.max(0, ...labels.map((l) => estimateTextWidth(l, fontSize)));
  const labelWidth = widest > 0 ? widest + gap : 0;
  const columnWidth = Math.max(
    panelWidth,
    ...titles.map((t) => estimateTextWidth(t, fontSize) + 4),
    anyBar ? MIN_BAR_WIDTH : 0,
  );
  const rowHeight = panelHeight + (colorBars === 'panel' ? colorBarHeight : 0);
  const columnX = (j: number) => margin + labelWidth + j * (columnWidth + gap);
  const panelOffset = Math.floor((columnWidth - panelWidth) / 2);
  const rowY = (i: number) => margin + titleHeight + i * (rowHeight + gap);
  const barBox = (j: number, top: number): Box | null =>
    input.columnHasBar[j] ? { x: columnX(j), y: top + 4, width: columnWidth, height: barStrip } : null;
  const rows = labels.length;
  const panels = labels.map((_, i) =>
    titles.map((_, j) => ({
      x: columnX(j) + panelOffset,
      y: rowY(i),
      width: panelWidth,
      height: panelHeight,
    })),
  );
  const gridBottom = rows === 0 ? margin + titleHeight : rowY(rows - 1) + rowHeight;
  const bars =
    colorBars === 'panel'
      ? labels.map((_, i) => titles.map((_, j) => barBox(j, rowY(i) + panelHeight)))
      : colorBars === 'column' && anyBar
        ? [titles.map((_, j) => barBox(j, gridBottom))]
        : [];
  return {
    width: columnX(n) - gap + margin,
    height: gridBottom + (colorBars === 'column' ? colorBarHeight : 0) + margin,
    margin,
    gap,
    fontSize,
    tickFontSize,
    titleHeight,
    labelWidth,
    columnWidth,
    colorBarHeight,
    titles: titles.map((_, j) => ({
      x: columnX(j) + columnWidth / 2,
      y: margin + Math.round(1.1 * fontSize),
    })),
    labels: labels.map((_, i) => ({
      x: margin + widest,
      y: rowY(i) + Math.round(panelHeight / 2 + 0.35 * fontSize),
    })),
    panels,
    colorBars: bars,
  };
}
