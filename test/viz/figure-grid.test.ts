import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError, NotFoundError, ShapeError } from '../../src/core/errors.js';
import {
  type Box,
  decodePng,
  type FigureGridSpec,
  figureGrid,
  figureGridPng,
  pixelAt,
  RELEVANCE_STYLES,
  type RgbaImage,
  writeFigure,
} from '../../src/viz/index.js';
import { NEGATIVE_CENTRE, POSITIVE_CENTRE, SIDE, syntheticDigits } from './synthetic-digits.js';

const dir = mkdtempSync(join(tmpdir(), 'provlrp-figure-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TITLES = ['input', 'ℝ', '𝔹', 'ℕ', 'Viterbi', 'tropical'];

/** The report's figure for the two synthetic digits: input | ℝ | 𝔹 | ℕ | Viterbi | tropical. */
function reportFigure(): FigureGridSpec {
  return {
    columns: [
      'input',
      { title: 'ℝ', ...RELEVANCE_STYLES.real },
      { title: '𝔹', ...RELEVANCE_STYLES.boolean },
      { title: 'ℕ', ...RELEVANCE_STYLES.counting },
      { title: 'Viterbi', ...RELEVANCE_STYLES.viterbi },
      { title: 'tropical', ...RELEVANCE_STYLES.tropical },
    ],
    rows: syntheticDigits().map((d) => ({
      label: d.label,
      panels: [
        { image: d.input },
        { relevance: d.real },
        { relevance: d.boolean },
        { relevance: d.counting },
        { relevance: d.viterbi },
        { relevance: d.tropical },
      ],
    })),
  };
}

/** The figure pixel showing relevance pixel (row, column) of a panel drawn at `scale`. */
const panelPixel = (image: RgbaImage, box: Box, scale: number, [row, column]: readonly [number, number]) =>
  pixelAt(image, box.x + column * scale + Math.floor(scale / 2), box.y + row * scale + Math.floor(scale / 2));

/** The distinct colours inside a box, as `#rrggbb`-like keys. */
function coloursIn(image: RgbaImage, box: Box): Set<string> {
  const seen = new Set<string>();
  for (let y = box.y; y < box.y + box.height; y++)
    for (let x = box.x; x < box.x + box.width; x++) seen.add(pixelAt(image, x, y).join(','));
  return seen;
}

describe('figureGrid rendered for two digits', () => {
  let figure: ReturnType<typeof figureGridPng>;
  let image: RgbaImage;
  beforeAll(() => {
    figure = figureGridPng(reportFigure());
    image = decodePng(figure.png);
  });

  it('renders a PNG of exactly the dimensions its layout asked for', () => {
    expect([image.width, image.height]).toEqual([figure.layout.width, figure.layout.height]);
    expect(figure.svg).toContain(`width="${figure.layout.width}" height="${figure.layout.height}"`);
  });

  it('draws each panel at the default scale: the longer side at least 140 pixels', () => {
    const scale = Math.ceil(140 / SIDE);
    for (const box of figure.layout.panels.flat())
      expect([box.width, box.height]).toEqual([SIDE * scale, SIDE * scale]);
  });

  it('shows positive real relevance red and negative blue in the ℝ panel of every row', () => {
    const scale = figure.layout.panels[0]![1]!.width / SIDE;
    for (const row of figure.layout.panels) {
      const [r1, , b1] = panelPixel(image, row[1]!, scale, POSITIVE_CENTRE);
      expect(r1).toBeGreaterThan(b1);
      const [r2, , b2] = panelPixel(image, row[1]!, scale, NEGATIVE_CENTRE);
      expect(b2).toBeGreaterThan(r2);
      // A corner far from both blobs carries (almost) no relevance: (almost) white.
      expect(Math.min(...panelPixel(image, row[1]!, scale, [0, SIDE - 1]))).toBeGreaterThan(245);
    }
  });

  it('uses exactly two colours, white and red, inside each Boolean panel', () => {
    for (const row of figure.layout.panels)
      expect(coloursIn(image, row[2]!)).toEqual(new Set(['255,255,255', '208,0,0']));
  });

  it('embeds panels pixel for pixel: the input panel holds only black and white', () => {
    for (const row of figure.layout.panels)
      expect(coloursIn(image, row[0]!)).toEqual(new Set(['0,0,0', '255,255,255']));
  });

  it('writes every column title and row label into the SVG text', () => {
    for (const title of TITLES)
      expect(figure.svg).toMatch(new RegExp(`text-anchor="middle" fill="#000000">${title}</text>`));
    expect(figure.svg).toMatch(/text-anchor="end" fill="#000000">0<\/text>/);
    expect(figure.svg).toMatch(/text-anchor="end" fill="#000000">1<\/text>/);
  });

  it('draws title text in the title band: dark pixels above the first row of panels', () => {
    const top = figure.layout.panels[0]![1]!.y;
    const band = {
      x: figure.layout.panels[0]![1]!.x,
      y: 0,
      width: figure.layout.panels[0]![1]!.width,
      height: top - 2,
    };
    const dark = [...coloursIn(image, band)].some((c) => c.split(',').every((v) => Number(v) < 128));
    expect(dark).toBe(true);
  });

  it('shares one range per column and labels its colour bar with it', () => {
    const [zero, one] = figure.ranges;
    expect(zero![0]).toBeNull();
    expect(zero![1]).toEqual(one![1]);
    const maxAbs = Math.max(...syntheticDigits().flatMap((d) => [...d.real.data].map(Math.abs)));
    expect(zero![1]!.high).toBeCloseTo(maxAbs, 6);
    expect(zero![3]!.low).toBe(0);
    expect(figure.svg).toContain(
      `>${Math.max(...syntheticDigits().flatMap((d) => [...d.counting.data]))}</text>`,
    );
    expect(figure.layout.colorBars[0]![0]).toBeNull();
    expect(figure.layout.colorBars[0]!.slice(1).every((b) => b !== null)).toBe(true);
  });

  it('draws each colour bar with its map: the ℝ bar runs from blue to red', () => {
    const bar = figure.layout.colorBars[0]![1]!;
    const [rl, , bl] = pixelAt(image, bar.x + 1, bar.y + 2);
    const [rr, , br] = pixelAt(image, bar.x + bar.width - 2, bar.y + 2);
    expect(bl).toBeGreaterThan(rl);
    expect(rr).toBeGreaterThan(br);
  });

  it('is deterministic: rendering the same figure again gives the same SVG and PNG bytes', () => {
    const again = figureGridPng(reportFigure());
    expect(again.svg).toBe(figure.svg);
    expect(again.png).toEqual(figure.png);
  });
});

describe('figureGrid options', () => {
  const [digit] = syntheticDigits();

  it('with panel colour bars, normalises every panel on its own', () => {
    const spec = reportFigure();
    const figure = figureGrid({ ...spec, colorBars: 'panel', scale: 2 });
    expect(figure.ranges[0]![1]!.high).not.toBe(figure.ranges[1]![1]!.high);
    expect(figure.layout.colorBars).toHaveLength(2);
    expect(figure.layout.panels[0]![0]!.width).toBe(2 * SIDE);
  });

  it('leaves empty cells empty and draws no bar for a column of inputs', () => {
    const figure = figureGrid({
      columns: ['input', 'ℝ'],
      rows: [{ panels: [{ image: digit!.input }, null] }, { panels: [null, { relevance: digit!.real }] }],
    });
    expect(figure.ranges).toEqual([
      [null, null],
      [null, expect.anything()],
    ]);
    expect(figure.svg.match(/<image /g)).toHaveLength(3);
    expect(figure.layout.labelWidth).toBe(0);
  });

  it('writes SVG or PNG by the file extension', () => {
    const spec: FigureGridSpec = { columns: ['ℝ'], rows: [{ panels: [{ relevance: digit!.real }] }] };
    const svg = writeFigure(join(dir, 'f.svg'), spec);
    expect(readFileSync(join(dir, 'f.svg'), 'utf8')).toBe(svg.svg);
    const png = writeFigure(join(dir, 'f.png'), spec);
    expect(decodePng(readFileSync(join(dir, 'f.png'))).width).toBe(png.layout.width);
    expect(() => writeFigure(join(dir, 'f.jpg'), spec)).toThrow(/end the path in .svg or .png/);
  });
});

describe('figureGrid errors', () => {
  const [digit] = syntheticDigits();
  const real = { relevance: digit!.real };

  it('refuses rows whose panel count differs from the column count', () => {
    expect(() => figureGrid({ columns: ['a', 'b'], rows: [{ panels: [real] }] })).toThrow(
      InvalidArgumentError,
    );
    expect(() => figureGrid({ columns: ['a', 'b'], rows: [{ panels: [real] }] })).toThrow(
      /row 1 has 1 panels for 2/,
    );
  });

  it('refuses panels of different sizes', () => {
    const small = { relevance: { shape: [5, 5], data: new Float32Array(25) } };
    expect(() => figureGrid({ columns: ['a', 'b'], rows: [{ panels: [real, small] }] })).toThrow(ShapeError);
    expect(() => figureGrid({ columns: ['a', 'b'], rows: [{ panels: [real, small] }] })).toThrow(
      /row 1, column 2/,
    );
  });

  it('refuses a grid without pixels and bad shapes', () => {
    expect(() => figureGrid({ columns: ['a'], rows: [{ panels: [null] }] })).toThrow(/no panel with pixels/);
    expect(() => figureGrid({ columns: ['a'], rows: [] })).toThrow(InvalidArgumentError);
    const flat = { relevance: { shape: [784], data: new Float32Array(784) } };
    expect(() => figureGrid({ columns: ['a'], rows: [{ panels: [flat] }] })).toThrow(ShapeError);
  });

  it('refuses unknown colour maps, naming the known ones', () => {
    const spec = { columns: [{ title: 'a', colorMap: 'rainbow' as 'bwr' }], rows: [{ panels: [real] }] };
    expect(() => figureGrid(spec)).toThrow(NotFoundError);
    expect(() => figureGrid(spec)).toThrow(/known colour maps: bwr, seismic/);
  });

  it('refuses a panel style that would contradict its column colour bar', () => {
    const spec = { columns: ['a'], rows: [{ panels: [{ ...real, colorMap: 'hot' as const }] }] };
    expect(() => figureGrid(spec)).toThrow(/sets its own colorMap.*colorBars: 'panel'/);
    expect(() => figureGrid({ ...spec, colorBars: 'panel' })).not.toThrow();
  });

  it('refuses a scale that is not a positive integer', () => {
    expect(() => figureGrid({ columns: ['a'], rows: [{ panels: [real] }], scale: 2.5 })).toThrow(
      /scale must be/,
    );
  });
});
