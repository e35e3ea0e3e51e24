import { describe, expect, it } from 'vitest';
import {
  COLOR_MAPS,
  colorBarImage,
  colorBarTicks,
  escapeXml,
  formatTick,
  pixelAt,
  svgDocument,
  svgText,
} from '../../src/viz/index.js';

describe('SVG text', () => {
  it('escapes markup in texts', () => {
    expect(escapeXml(`a<b & "c" 'd'>`)).toBe('a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;');
    expect(svgText('<ℝ>', 1, 2.345, { fontSize: 14, anchor: 'middle' })).toBe(
      '<text x="1" y="2.35" font-family="DejaVu Sans" font-size="14" text-anchor="middle" fill="#000000">&lt;ℝ&gt;</text>',
    );
  });

  it('writes a sized document on a white background', () => {
    const svg = svgDocument(30, 20, ['<g/>']);
    expect(svg).toMatch(
      /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg".* width="30" height="20" viewBox="0 0 30 20">/,
    );
    expect(svg).toContain('<rect x="0" y="0" width="30" height="20" fill="#ffffff"/>\n<g/>\n</svg>');
  });

  it('formats tick labels compactly, with true minus signs', () => {
    expect(formatTick(0)).toBe('0');
    expect(formatTick(2098)).toBe('2098');
    expect(formatTick(-1.99902)).toBe('−1.999');
    expect(formatTick(0.25)).toBe('0.25');
    expect(formatTick(12345)).toBe('1.2e4');
    expect(formatTick(-0.00045)).toBe('−4.5e−4');
    expect(formatTick(0.001)).toBe('1e−3');
    expect(formatTick(Number.POSITIVE_INFINITY)).toBe('∞');
  });
});

describe('colour bars', () => {
  it('show the map from low (left) to high (right), reversed on request', () => {
    const bar = colorBarImage(COLOR_MAPS.bwr, 10, 3);
    expect([bar.width, bar.height]).toEqual([10, 3]);
    expect(pixelAt(bar, 0, 2)).toEqual(COLOR_MAPS.bwr.rgb(0.05));
    expect(pixelAt(bar, 9, 0)).toEqual(COLOR_MAPS.bwr.rgb(0.95));
    expect(pixelAt(colorBarImage(COLOR_MAPS.bwr, 10, 3, true), 0, 0)).toEqual(COLOR_MAPS.bwr.rgb(0.95));
  });

  it('tick the ends, and the centre of diverging maps', () => {
    expect(colorBarTicks({ low: -2, high: 2 }, COLOR_MAPS.bwr).map((t) => [t.at, t.label])).toEqual([
      [0, '−2'],
      [0.5, '0'],
      [1, '2'],
    ]);
    expect(colorBarTicks({ low: 0, high: 2098 }, COLOR_MAPS.hot).map((t) => t.label)).toEqual(['0', '2098']);
  });
});
