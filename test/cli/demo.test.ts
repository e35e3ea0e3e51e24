import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SEMIRINGS, digitFigure, explainDigits } from '../../src/cli/demo/mnist-demo.js';
import { main } from '../../src/cli/main.js';
import { decodePng, pixelAt, type RgbaImage } from '../../src/viz/index.js';

describe('the demo figure, rendered afresh for 2 digits', () => {
  let explained: ReturnType<typeof explainDigits>;
  let figure: ReturnType<typeof digitFigure>;
  let image: RgbaImage;
  beforeAll(() => {
    explained = explainDigits(2);
    figure = digitFigure(explained);
    image = decodePng(figure.png);
  });

  it('has the dimensions its layout asked for: 2 rows of 6 panels', () => {
    expect([image.width, image.height]).toEqual([figure.layout.width, figure.layout.height]);
    expect(figure.layout.panels.length).toBe(2);
    for (const row of figure.layout.panels) expect(row.length).toBe(1 + DEMO_SEMIRINGS.length);
  });

  it('shows positive ℝ relevance red (R > B) and negative blue in the ℝ panel', () => {
    const range = figure.ranges[0]![1]!;
    // Pixels whose colour is clearly away from the white midpoint (5 % of the symmetric range).
    const strong = 0.05 * Math.max(Math.abs(range.low), Math.abs(range.high));
    let positives = 0;
    let negatives = 0;
    for (let n = 0; n < 2; n++) {
      const box = figure.layout.panels[n]![1]!;
      const scale = box.width / 28;
      for (let i = 0; i < 784; i++) {
        const r = explained.relevance.real[n * 784 + i]!;
        if (Math.abs(r) < strong) continue;
        const [red, , blue] = pixelAt(
          image,
          box.x + (i % 28) * scale + 1,
          box.y + Math.floor(i / 28) * scale + 1,
        );
        if (r > 0) {
          expect(red).toBeGreaterThan(blue);
          positives++;
        } else {
          expect(blue).toBeGreaterThan(red);
          negatives++;
        }
      }
    }
    expect(positives).toBeGreaterThan(0);
    expect(negatives).toBeGreaterThan(0);
  });

  it('uses exactly two colours in each Boolean panel', () => {
    for (const row of figure.layout.panels) {
      const box = row[2]!;
      const colours = new Set<string>();
      for (let y = box.y; y < box.y + box.height; y++)
        for (let x = box.x; x < box.x + box.width; x++) colours.add(pixelAt(image, x, y).join(','));
      expect(colours.size).toBe(2);
    }
  });

  it('writes the titles into the SVG', () => {
    for (const title of ['input', ...DEMO_SEMIRINGS.map((s) => s.title)])
      expect(figure.svg).toContain(`>${title.replace('≥', '≥')}</text>`);
  });
});

describe('provlrp demo', () => {
  it('writes the figure and the report into the output folder and says where', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'provlrp-demo-')), 'out');
    let printed = '';
    const code = await main(['demo', '--out', out, '--digits', '2'], {
      out: (t) => (printed += t),
      err: () => {},
    });
    expect(code).toBe(0);
    expect(printed).toContain(join(out, 'figure.png'));
    expect(printed).toContain(join(out, 'report.md'));
    const png = decodePng(readFileSync(join(out, 'figure.png')));
    expect(png.width).toBeGreaterThan(600);
    const report = readFileSync(join(out, 'report.md'), 'utf8');
    expect(report).toMatch(/classifies 9\d\.\d\d % of the 10,000 MNIST test images/);
    expect(report).toMatch(/\| ℝ \(report_mlp\) \| \d+\.\d\d \|/);
    expect(report).toMatch(/## The best path of pixel \d+/);
    expect(report).toContain('R[input,0] = x[fc1,0,0]·x[fc2,0,0] + x[fc1,0,1]·x[fc2,1,0]');
  });

  it('refuses a bad digit count', async () => {
    let err = '';
    const code = await main(['demo', '--digits', '0'], { out: () => {}, err: (t) => (err += t) });
    expect(code).not.toBe(0);
    expect(err).toMatch(/--digits/);
  });
});
