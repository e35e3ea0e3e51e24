/**
 * RGBA images: the pixel format every viz function produces and consumes.
 *
 * An image is `width × height` pixels in row-major order, four bytes per pixel (R, G, B, A, each
 * 0–255), the layout PNG encoders and canvases use. Like tensors, images are plain objects: any
 * `{ width, height, data }` triple of the right length is one.
 */
import { assertArgument, ShapeError } from '../core/errors.js';

/** An 8-bit RGB colour, each channel an integer in 0–255. */
export type Rgb = readonly [number, number, number];

/** Row-major RGBA pixels: `data[4 * (y * width + x) + c]`, c = 0 (R), 1 (G), 2 (B), 3 (A). */
export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** A new opaque image filled with one colour (white unless given). */
export function createImage(width: number, height: number, fill: Rgb = [255, 255, 255]): RgbaImage {
  assertArgument(
    Number.isInteger(width) && Number.isInteger(height) && width >= 0 && height >= 0,
    'createImage',
    () => `width and height must be non-negative integers, got ${width} × ${height}`,
  );
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < data.length; i += 4) {
    data[i] = fill[0];
    data[i + 1] = fill[1];
    data[i + 2] = fill[2];
    data[i + 3] = 255;
  }
  return { width, height, data };
}

/** Checks that an image's data holds exactly `4 · width · height` bytes. */
export function assertImage(image: RgbaImage, where: string): void {
  assertArgument(
    Number.isInteger(image.width) && Number.isInteger(image.height) && image.width >= 0 && image.height >= 0,
    where,
    () => `an image needs non-negative integer width and height, got ${image.width} × ${image.height}`,
  );
  if (image.data.length !== image.width * image.height * 4)
    throw new ShapeError(
      where,
      `${image.width * image.height * 4} bytes (${image.width} × ${image.height} RGBA pixels)`,
      `${image.data.length} bytes`,
    );
}

/** The colour of pixel (x, y), alpha dropped. */
export function pixelAt(image: RgbaImage, x: number, y: number): Rgb {
  assertArgument(
    Number.isInteger(x) && Number.isInteger(y) && x >= 0 && y >= 0 && x < image.width && y < image.height,
    'pixelAt',
    () => `pixel (${x}, ${y}) is outside the ${image.width} × ${image.height} image`,
  );
  const i = 4 * (y * image.width + x);
  return [image.data[i]!, image.data[i + 1]!, image.data[i + 2]!];
}

/**
 * The image enlarged `factor` times in each direction by nearest-neighbour sampling: every pixel
 * becomes a `factor × factor` block, so relevance maps stay sharp and colours exact.
 */
export function upscale(image: RgbaImage, factor: number): RgbaImage {
  assertArgument(
    Number.isInteger(factor) && factor >= 1,
    'upscale',
    () => `the scale factor must be an integer ≥ 1, got ${factor}`,
  );
  assertImage(image, 'upscale');
  if (factor === 1) return image;
  const width = image.width * factor;
  const height = image.height * factor;
  const data = new Uint8Array(width * height * 4);
  const src = new Uint32Array(
    image.data.buffer.slice(image.data.byteOffset, image.data.byteOffset + image.data.byteLength),
  );
  const dst = new Uint32Array(data.buffer);
  // NOTE: copying whole pixels as uint32 keeps RGBA together whatever the platform's byte order.
  for (let y = 0; y < height; y++) {
    const row = Math.floor(y / factor) * image.width;
    for (let x = 0; x < width; x++) dst[y * width + x] = src[row + Math.floor(x / factor)]!;
  }
  return { width, height, data };
}
