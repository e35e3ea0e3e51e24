/**
 * Input images: the network's input drawn as it is seen, and relevance laid over it.
 *
 * An input is grey ([H, W], [1, H, W], [1, 1, H, W]) or RGB ([3, H, W], [1, 3, H, W]), its values
 * intensities in [0, 1] (the MNIST convention, DESIGN.md §5); values outside are clipped. Inputs
 * normalised otherwise (mean/std) can be stretched with `normalize: 'minmax'` or a fixed range.
 * An input must be finite: a NaN or ∞ pixel is an error, not a colour.
 *
 * `overlay` blends a heatmap over an input, per channel: out = (1 − α)·input + α·heatmap, rounded.
 */
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { showShape } from '../core/tensor.js';
import { assertImage, type RgbaImage, upscale } from './image.js';
import { type Normalization, unitPosition, valueRange } from './normalize.js';
import { channelsHeightWidth, type TensorLike } from './relevance-plane.js';

/** Options of {@link inputImage}. */
export interface InputImageOptions {
  /** How values become intensities (default `none`: values are already in [0, 1]). */
  readonly normalize?: Normalization;
  /** Integer upscaling factor, nearest neighbour (default 1). */
  readonly scale?: number;
}

/**
 * A grey or RGB input tensor as an RGBA image.
 *
 * @throws ShapeError for a shape that is not a grey or RGB image; InvalidArgumentError for a
 *   non-finite pixel.
 */
export function inputImage(input: TensorLike, options: InputImageOptions = {}): RgbaImage {
  const { c, h, w } = channelsHeightWidth(input, 'inputImage');
  if (c !== 1 && c !== 3)
    throw new ShapeError(
      'inputImage',
      'a grey (1 channel) or RGB (3 channels) image',
      showShape(input.shape),
    );
  const plane = h * w;
  for (let i = 0; i < input.data.length; i++)
    if (!Number.isFinite(input.data[i]!))
      throw new InvalidArgumentError(
        'inputImage',
        `pixel ${i % plane} of channel ${Math.floor(i / plane)} is ${input.data[i]}; inputs must be finite`,
      );
  const range = valueRange(input.data, options.normalize ?? 'none');
  const data = new Uint8Array(plane * 4);
  for (let i = 0; i < plane; i++) {
    for (let k = 0; k < 3; k++) {
      const v = input.data[(c === 1 ? 0 : k) * plane + i]!;
      data[4 * i + k] = Math.round(255 * unitPosition(v, range));
    }
    data[4 * i + 3] = 255;
  }
  return upscale({ width: w, height: h, data }, options.scale ?? 1);
}

/**
 * A heatmap blended over an input: (1 − alpha)·input + alpha·heatmap per channel. The input may be
 * an image or a tensor (drawn by {@link inputImage}); if it is smaller than the heatmap by an
 * integer factor (a heatmap drawn with `scale`), it is upscaled to match.
 *
 * @throws InvalidArgumentError for alpha outside [0, 1]; ShapeError when the sizes do not match.
 */
export function overlay(heatmap: RgbaImage, input: RgbaImage | TensorLike, alpha = 0.5): RgbaImage {
  if (!(alpha >= 0 && alpha <= 1))
    throw new InvalidArgumentError('overlay', `alpha must be in [0, 1], got ${alpha}`);
  assertImage(heatmap, 'overlay');
  let base = 'shape' in input ? inputImage(input) : input;
  assertImage(base, 'overlay');
  const factor = base.width > 0 ? heatmap.width / base.width : 1;
  if (!(Number.isInteger(factor) && factor >= 1 && base.height * factor === heatmap.height))
    throw new ShapeError(
      'overlay',
      `an input of ${heatmap.width} × ${heatmap.height} pixels or a whole fraction of it`,
      `${base.width} × ${base.height}`,
    );
  base = upscale(base, factor);
  const data = new Uint8Array(heatmap.data.length);
  for (let i = 0; i < data.length; i += 4) {
    for (let k = 0; k < 3; k++)
      data[i + k] = Math.round((1 - alpha) * base.data[i + k]! + alpha * heatmap.data[i + k]!);
    data[i + 3] = 255;
  }
  return { width: heatmap.width, height: heatmap.height, data };
}
