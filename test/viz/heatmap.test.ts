import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, NotFoundError, ShapeError } from '../../src/core/errors.js';
import { COLOR_MAPS, heatmap, pixelAt, type Rgb } from '../../src/viz/index.js';

const SEED = 0x4ea7;

/** A 1 × 3 map: negative, zero, positive. */
const signs = { shape: [1, 3], data: Float32Array.of(-2, 0, 1) };

describe('heatmap', () => {
  it('draws positive relevance red, negative blue and zero white under the defaults (bwr, symmetric)', () => {
    const image = heatmap(signs);
    expect([image.width, image.height]).toEqual([3, 1]);
    expect(image.range).toEqual({ low: -2, high: 2 });
    expect(pixelAt(image, 0, 0)).toEqual([0, 0, 255]);
    expect(pixelAt(image, 1, 0)).toEqual([255, 255, 255]);
    expect(pixelAt(image, 2, 0)).toEqual([255, 128, 128]);
  });

  it('gives every pixel the colour of its normalised value, fully opaque', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 6, maxLength: 6 }),
        fc.constantFrom('bwr', 'seismic', 'coldnhot', 'gray', 'hot') satisfies fc.Arbitrary<
          keyof typeof COLOR_MAPS
        >,
        (values, name) => {
          const image = heatmap(
            { shape: [2, 3], data: values },
            { colorMap: name, normalize: { low: -10, high: 10 } },
          );
          values.forEach((v, i) => {
            expect(pixelAt(image, i % 3, Math.floor(i / 3))).toEqual(COLOR_MAPS[name].rgb((v + 10) / 20));
            expect(image.data[4 * i + 3]).toBe(255);
          });
        },
      ),
      { seed: SEED },
    );
  });

  it('sums channels before colouring', () => {
    // Channel sums: 1 + 1 = 2 and −1 − 3 = −4, so the range is [−4, 4] and 2 sits at t = 3/4.
    const image = heatmap({ shape: [2, 1, 2], data: Float32Array.of(1, -1, 1, -3) });
    expect(image.range).toEqual({ low: -4, high: 4 });
    expect(pixelAt(image, 0, 0)).toEqual([255, 128, 128]);
    expect(pixelAt(image, 1, 0)).toEqual([0, 0, 255]);
  });

  it('upscales by whole pixels, nearest neighbour', () => {
    const image = heatmap(signs, { scale: 4 });
    expect([image.width, image.height]).toEqual([12, 4]);
    for (let y = 0; y < 4; y++)
      for (let x = 0; x < 12; x++)
        expect(pixelAt(image, x, y)).toEqual(pixelAt(heatmap(signs), Math.floor(x / 4), 0));
  });

  it('draws a Boolean map in exactly its two colours, ORing channels by default', () => {
    const image = heatmap(
      { shape: [2, 2, 2], data: Uint8Array.of(1, 0, 0, 0, 0, 0, 1, 0) },
      { colorMap: 'boolean' },
    );
    const colours = [0, 1, 2, 3].map((i) => pixelAt(image, i % 2, Math.floor(i / 2)));
    expect(colours).toEqual([
      [208, 0, 0],
      [255, 255, 255],
      [208, 0, 0],
      [255, 255, 255],
    ] satisfies Rgb[]);
  });

  it('uses minmax for sequential maps by default and can read them backwards', () => {
    const ramp = { shape: [1, 3], data: [2, 3, 4] };
    expect(heatmap(ramp, { colorMap: 'gray' }).range).toEqual({ low: 2, high: 4 });
    expect(pixelAt(heatmap(ramp, { colorMap: 'gray' }), 0, 0)).toEqual([0, 0, 0]);
    expect(pixelAt(heatmap(ramp, { colorMap: 'gray', reverse: true }), 0, 0)).toEqual([255, 255, 255]);
  });

  it('draws +∞ at the far end, or in infinityColor when given', () => {
    const tropical = { shape: [1, 3], data: [1, 2, Number.POSITIVE_INFINITY] };
    const clipped = heatmap(tropical, { colorMap: 'wred', reverse: true });
    expect(clipped.range).toEqual({ low: 1, high: 2 });
    expect(pixelAt(clipped, 0, 0)).toEqual([255, 0, 0]);
    expect(pixelAt(clipped, 2, 0)).toEqual(pixelAt(clipped, 1, 0));
    const marked = heatmap(tropical, { colorMap: 'wred', reverse: true, infinityColor: [0, 255, 0] });
    expect(pixelAt(marked, 2, 0)).toEqual([0, 255, 0]);
  });

  it('refuses NaN unless nanColor says how to draw it', () => {
    const broken = { shape: [2, 2], data: [0, 1, Number.NaN, 1] };
    expect(() => heatmap(broken)).toThrow(InvalidArgumentError);
    expect(() => heatmap(broken)).toThrow(/NaN at row 1, column 0.*nanColor/);
    expect(pixelAt(heatmap(broken, { nanColor: [1, 2, 3] }), 0, 1)).toEqual([1, 2, 3]);
  });

  it('refuses bad shapes, unknown colour maps and bad options with typed errors', () => {
    expect(() => heatmap({ shape: [4], data: [1, 2, 3, 4] })).toThrow(ShapeError);
    expect(() => heatmap(signs, { colorMap: 'jet' as 'bwr' })).toThrow(NotFoundError);
    expect(() => heatmap(signs, { colorMap: 'jet' as 'bwr' })).toThrow(/known colour maps: bwr/);
    expect(() => heatmap(signs, { scale: 1.5 })).toThrow(/scale must be an integer/);
    expect(() => heatmap(signs, { scale: 0 })).toThrow(InvalidArgumentError);
    expect(() => heatmap(signs, { infinityColor: [256, 0, 0] })).toThrow(/infinityColor/);
  });
});
