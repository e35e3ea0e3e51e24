import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, ShapeError } from '../../src/core/errors.js';
import { createImage, heatmap, inputImage, overlay, pixelAt } from '../../src/viz/index.js';

describe('inputImage', () => {
  it('draws a grey input as grey levels, clipping to [0, 1]', () => {
    const image = inputImage({ shape: [1, 1, 1, 4], data: [0, 0.5, 1, 2] });
    expect([0, 1, 2, 3].map((x) => pixelAt(image, x, 0))).toEqual([
      [0, 0, 0],
      [128, 128, 128],
      [255, 255, 255],
      [255, 255, 255],
    ]);
  });

  it('draws an RGB input channel by channel', () => {
    const image = inputImage({ shape: [3, 1, 2], data: [1, 0, 0, 1, 0, 0.2] });
    expect(pixelAt(image, 0, 0)).toEqual([255, 0, 0]);
    expect(pixelAt(image, 1, 0)).toEqual([0, 255, 51]);
  });

  it('stretches inputs normalised otherwise with minmax, and upscales', () => {
    const image = inputImage({ shape: [1, 2], data: [-3, 5] }, { normalize: 'minmax', scale: 2 });
    expect([image.width, image.height]).toEqual([4, 2]);
    expect(pixelAt(image, 1, 1)).toEqual([0, 0, 0]);
    expect(pixelAt(image, 2, 0)).toEqual([255, 255, 255]);
  });

  it('refuses other channel counts and non-finite pixels', () => {
    expect(() => inputImage({ shape: [2, 2, 2], data: new Float32Array(8) })).toThrow(ShapeError);
    expect(() => inputImage({ shape: [1, 2], data: [0, Number.NaN] })).toThrow(InvalidArgumentError);
    expect(() => inputImage({ shape: [1, 2], data: [0, Number.NaN] })).toThrow(/must be finite/);
  });
});

describe('overlay', () => {
  const input = { shape: [1, 2], data: [0, 1] };
  const map = heatmap({ shape: [1, 2], data: [1, -1] });

  it('is the input at alpha 0 and the heatmap at alpha 1', () => {
    expect(overlay(map, input, 0).data).toEqual(inputImage(input).data);
    expect(overlay(map, input, 1).data).toEqual(map.data);
  });

  it('blends each channel as (1 − alpha)·input + alpha·heatmap', () => {
    const blended = overlay(map, input, 0.25);
    expect(pixelAt(blended, 0, 0)).toEqual([64, 0, 0]);
    expect(pixelAt(blended, 1, 0)).toEqual([191, 191, 255]);
  });

  it('upscales the input to a heatmap drawn larger', () => {
    const big = heatmap({ shape: [1, 2], data: [1, -1] }, { scale: 3 });
    const blended = overlay(big, input, 0.5);
    expect([blended.width, blended.height]).toEqual([6, 3]);
    expect(pixelAt(blended, 5, 2)).toEqual(pixelAt(overlay(map, input, 0.5), 1, 0));
  });

  it('refuses alpha outside [0, 1] and sizes that do not divide', () => {
    expect(() => overlay(map, input, 1.5)).toThrow(InvalidArgumentError);
    expect(() => overlay(map, createImage(3, 1))).toThrow(ShapeError);
  });
});
