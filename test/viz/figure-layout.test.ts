import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/core/errors.js';
import { type Box, type ColorBarPlacement, figureLayout, MIN_BAR_WIDTH } from '../../src/viz/index.js';

const SEED = 0x1a70;

const overlaps = (a: Box, b: Box) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
const inside = (a: Box, width: number, height: number) =>
  a.x >= 0 && a.y >= 0 && a.x + a.width <= width && a.y + a.height <= height;

const layouts = fc.record({
  columns: fc.integer({ min: 1, max: 6 }),
  rows: fc.integer({ min: 1, max: 4 }),
  panelWidth: fc.integer({ min: 1, max: 200 }),
  panelHeight: fc.integer({ min: 1, max: 200 }),
  colorBars: fc.constantFrom<ColorBarPlacement>('column', 'panel', 'none'),
  labelled: fc.boolean(),
  fontSize: fc.integer({ min: 8, max: 24 }),
});

describe('figureLayout', () => {
  it('places every panel and bar inside the figure, on whole pixels, without overlaps', () => {
    fc.assert(
      fc.property(layouts, (p) => {
        const layout = figureLayout({
          titles: Array.from({ length: p.columns }, (_, j) => `column ${j}`),
          labels: Array.from({ length: p.rows }, (_, i) => (p.labelled ? `row ${i}` : '')),
          panelWidth: p.panelWidth,
          panelHeight: p.panelHeight,
          colorBars: p.colorBars,
          columnHasBar: Array.from({ length: p.columns }, (_, j) => j > 0),
          fontSize: p.fontSize,
        });
        const boxes = [
          ...layout.panels.flat(),
          ...layout.colorBars.flat().filter((b): b is Box => b !== null),
        ];
        for (const box of boxes) {
          expect(inside(box, layout.width, layout.height)).toBe(true);
          for (const v of [box.x, box.y, box.width, box.height]) expect(Number.isInteger(v)).toBe(true);
        }
        for (let a = 0; a < boxes.length; a++)
          for (let b = a + 1; b < boxes.length; b++) expect(overlaps(boxes[a]!, boxes[b]!)).toBe(false);
        for (const row of layout.panels)
          for (const box of row) {
            expect([box.width, box.height]).toEqual([p.panelWidth, p.panelHeight]);
            expect(box.y).toBeGreaterThanOrEqual(layout.margin + layout.titleHeight);
            expect(box.x).toBeGreaterThanOrEqual(layout.margin + layout.labelWidth);
          }
        expect(layout.labelWidth > 0).toBe(p.labelled);
      }),
      { seed: SEED },
    );
  });

  it('adds up to the documented width and height', () => {
    const layout = figureLayout({
      titles: ['input', 'ℝ', '𝔹'],
      labels: ['0', '1'],
      panelWidth: 140,
      panelHeight: 140,
      colorBars: 'column',
      columnHasBar: [false, true, true],
      fontSize: 14,
    });
    const { margin, gap, labelWidth, titleHeight, colorBarHeight, columnWidth } = layout;
    expect(columnWidth).toBe(Math.max(MIN_BAR_WIDTH, 140));
    expect(layout.width).toBe(2 * margin + labelWidth + 3 * columnWidth + 2 * gap);
    expect(layout.height).toBe(2 * margin + titleHeight + 2 * 140 + gap + colorBarHeight);
    expect(layout.colorBars).toHaveLength(1);
    expect(layout.colorBars[0]![0]).toBeNull();
    expect(layout.colorBars[0]![1]!.width).toBe(columnWidth);
  });

  it('gives every row its own bars in panel mode and widens columns for long titles', () => {
    const layout = figureLayout({
      titles: ['a rather long column title'],
      labels: ['', ''],
      panelWidth: 28,
      panelHeight: 28,
      colorBars: 'panel',
      columnHasBar: [true],
      fontSize: 14,
    });
    expect(layout.colorBars).toHaveLength(2);
    expect(layout.columnWidth).toBeGreaterThan(MIN_BAR_WIDTH);
    expect(layout.panels[1]![0]!.y).toBe(layout.panels[0]![0]!.y + 28 + layout.colorBarHeight + layout.gap);
  });

  it('refuses panels without pixels', () => {
    expect(() =>
      figureLayout({
        titles: ['a'],
        labels: [''],
        panelWidth: 0,
        panelHeight: 5,
        colorBars: 'none',
        columnHasBar: [false],
        fontSize: 14,
      }),
    ).toThrow(InvalidArgumentError);
  });
});
