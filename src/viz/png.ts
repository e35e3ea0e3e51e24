/**
 * PNG: RGBA images encoded and decoded with pngjs (pure JavaScript, so every machine writes the
 * same bytes: 8-bit RGBA, no timestamps, no gamma chunk).
 */
import { PNG } from 'pngjs';
import { FormatError } from '../core/errors.js';
import { readFileBytes, writeFileAtomic } from '../core/file-io.js';
import { assertImage, type RgbaImage } from './image.js';

/** The image as PNG bytes (8-bit RGBA). */
export function encodePng(image: RgbaImage): Uint8Array {
  assertImage(image, 'encodePng');
  const png = new PNG({ width: image.width, height: image.height, colorType: 6, inputColorType: 6 });
  png.data = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  const bytes = PNG.sync.write(png, { colorType: 6, inputColorType: 6 });
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * PNG bytes as an RGBA image (any PNG colour type; grey and palette images are expanded).
 *
 * @throws FormatError if the bytes are not a valid PNG.
 */
export function decodePng(bytes: Uint8Array): RgbaImage {
  let png: PNG;
  try {
    png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (e) {
    throw new FormatError('png', `${(e as Error).message}; give the bytes of a PNG file`);
  }
  return { width: png.width, height: png.height, data: new Uint8Array(png.data) };
}

/** Writes an image to a PNG file. */
export function writePng(path: string, image: RgbaImage): void {
  writeFileAtomic(path, encodePng(image));
}

/**
 * Reads a PNG file as an RGBA image.
 *
 * @throws NotFoundError if the file does not exist; FormatError (naming the file) if it is not a PNG.
 */
export function readPng(path: string): RgbaImage {
  const bytes = readFileBytes(path);
  try {
    return decodePng(bytes);
  } catch (e) {
    if (e instanceof FormatError) throw new FormatError('png', `${path}: ${e.problem}`);
    throw e;
  }
}
