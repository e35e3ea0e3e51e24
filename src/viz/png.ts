/**
 * PNG: RGBA images encoded in plain JavaScript (8-bit RGBA, no timestamps, no gamma chunk, so every
 * machine and platform writes the same bytes) and decoded with pngjs.
 *
 * Encoding runs anywhere (browsers and Deno included: notebooks show heatmaps as PNG): the chunks
 * are written here and the pixels deflated with fflate. Decoding every colour type and interlacing
 * is pngjs's job, which needs Node's zlib and streams, so it is loaded on first use, in Node only.
 *
 * Reference: PNG (Portable Network Graphics) Specification, W3C, 2nd edition.
 */

import { zlibSync } from 'fflate';
import type { PNG as PngClass } from 'pngjs';
import { FormatError } from '../core/errors.js';
import { readFileBytes, writeFileAtomic } from '../core/file-io.js';
import { requireNodeBuiltin } from '../core/node-builtin.js';
import { assertImage, type RgbaImage } from './image.js';

/** The eight bytes every PNG file starts with. */
const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** CRC-32 (ISO 3309, the polynomial 0xedb88320), as PNG chunks carry it. */
const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++)
    c = (CRC_TABLE[(c ^ (bytes[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** One chunk: length, type, data, CRC of type and data. */
function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** The image as PNG bytes (8-bit RGBA, every row unfiltered). */
export function encodePng(image: RgbaImage): Uint8Array {
  assertImage(image, 'encodePng');
  const { width, height, data } = image;
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([8, 6, 0, 0, 0], 8); // bit depth 8, colour type 6 (RGBA), deflate, adaptive filters, no interlace
  const rows = new Uint8Array(height * (1 + 4 * width));
  for (let y = 0; y < height; y++)
    rows.set(data.subarray(y * 4 * width, (y + 1) * 4 * width), y * (1 + 4 * width) + 1);
  const parts = [
    Uint8Array.from(SIGNATURE),
    chunk('IHDR', header),
    chunk('IDAT', zlibSync(rows, { level: 9 })),
    chunk('IEND', new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

let png: typeof PngClass | undefined;

/** pngjs, loaded on first use (it needs Node's zlib and streams). */
function loadPngjs(): typeof PngClass {
  const { createRequire } = requireNodeBuiltin('node:module', 'decodePng', 'decode PNG in Node');
  png ??= (createRequire(import.meta.url)('pngjs') as { PNG: typeof PngClass }).PNG;
  return png;
}

/**
 * PNG bytes as an RGBA image (any PNG colour type; grey and palette images are expanded).
 *
 * @throws FormatError if the bytes are not a valid PNG; UnsupportedError outside Node.
 */
export function decodePng(bytes: Uint8Array): RgbaImage {
  const PNG = loadPngjs();
  let image: PngClass;
  try {
    image = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (e) {
    throw new FormatError('png', `${(e as Error).message}; give the bytes of a PNG file`);
  }
  return { width: image.width, height: image.height, data: new Uint8Array(image.data) };
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
