import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/core/errors.js';
import { decodePng, lineChart, renderVegaLite } from '../../src/viz/index.js';

describe('lineChart and renderVegaLite', () => {
  const spec = lineChart({
    x: [0, 1, 2],
    xTitle: 'steps',
    panels: [
      {
        title: 'accuracy',
        yTitle: 'accuracy',
        series: [
          { name: 'alpha', y: [1, 0.5, 0.2] },
          { name: 'beta', y: [1, 0.8, 0.7], spread: [0, 0.1, 0.05] },
        ],
      },
      { title: 'loss', yTitle: 'loss', series: [{ name: 'alpha', y: [0.1, 1, 2] }] },
    ],
  });

  it('draws one panel per quantity with axes titles and a legend of every series, headless', async () => {
    const plot = await renderVegaLite(spec);
    expect(plot.svg.startsWith('<svg')).toBe(true);
    for (const text of ['alpha', 'beta', 'steps', 'accuracy', 'loss']) expect(plot.svg).toContain(text);
    const image = decodePng(plot.png);
    expect(image.width).toBeGreaterThan(700);
    expect(image.height).toBeGreaterThan(400);
  });

  it('refuses a series without one value per x', () => {
    expect(() =>
      lineChart({
        x: [0, 1],
        xTitle: 'x',
        panels: [{ title: 't', yTitle: 'y', series: [{ name: 's', y: [1] }] }],
      }),
    ).toThrow(InvalidArgumentError);
  });
});
