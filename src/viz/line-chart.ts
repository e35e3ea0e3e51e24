/**
 * Line charts as Vega-Lite specifications: one line per series over a shared x axis, with an
 * optional spread band (mean ± spread) per series and a legend, as in the report's Fig. 4.5.
 * Several panels (one per y quantity, e.g. accuracy and loss) are concatenated side by side.
 */
import type { TopLevelSpec } from 'vega-lite';
import { InvalidArgumentError } from '../core/errors.js';

/** One line: its name (the legend entry), its y values, and an optional spread per value. */
export interface LineSeries {
  readonly name: string;
  readonly y: readonly number[];
  readonly spread?: readonly number[];
}

/** One panel: a y quantity, its series, all over the chart's x values. */
export interface LinePanel {
  readonly title: string;
  readonly yTitle: string;
  readonly series: readonly LineSeries[];
}

/** What to draw. */
export interface LineChartSpec {
  readonly x: readonly number[];
  readonly xTitle: string;
  readonly panels: readonly LinePanel[];
  readonly width?: number;
  readonly height?: number;
}

/** The Vega-Lite specification of a line chart. */
export function lineChart(spec: LineChartSpec): TopLevelSpec {
  const { x, xTitle, width = 380, height = 260 } = spec;
  const order = spec.panels[0]?.series.map((s) => s.name) ?? [];
  const panels = spec.panels.map((panel) => {
    const values = panel.series.flatMap((s) => {
      if (s.y.length !== x.length || (s.spread !== undefined && s.spread.length !== x.length))
        throw new InvalidArgumentError(
          'lineChart',
          `series "${s.name}" of "${panel.title}" has ${s.y.length} values for ${x.length} x values; give one per x`,
        );
      return x.map((xi, i) => ({
        x: xi,
        y: s.y[i]!,
        low: s.y[i]! - (s.spread?.[i] ?? 0),
        high: s.y[i]! + (s.spread?.[i] ?? 0),
        series: s.name,
      }));
    });
    const color = { field: 'series', type: 'nominal', title: null, sort: order } as const;
    return {
      title: panel.title,
      width,
      height,
      data: { values },
      encoding: { x: { field: 'x', type: 'quantitative', title: xTitle } },
      layer: [
        // The line first, and the band without a legend: the legend then shows opaque lines.
        {
          mark: { type: 'line', strokeWidth: 1.6 },
          encoding: {
            y: { field: 'y', type: 'quantitative', title: panel.yTitle },
            color: {
              ...color,
              legend: { symbolType: 'stroke', symbolStrokeWidth: 2.5, symbolOpacity: 1, labelLimit: 0 },
            },
          },
        },
        {
          mark: { type: 'errorband', opacity: 0.25 },
          encoding: {
            y: { field: 'low', type: 'quantitative', title: panel.yTitle, scale: { zero: false } },
            y2: { field: 'high' },
            color: { ...color, legend: null },
          },
        },
      ],
    };
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    background: 'white',
    padding: 8,
    hconcat: panels,
  } as TopLevelSpec;
}
