import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { FormatError, NotFoundError, ShapeError } from '../../src/core/errors.js';
import { decodePng, encodePng, heatmap, type RgbaImage, readPng, writePng } from '../../src/viz/index.js';

const SEED = 0x9a6;
const dir = mkdtempSync(join(tmpdir(), 'provlrp-png-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Any small RGBA image, alpha included. */
const images: fc.Arbitrary<RgbaImage> = fc
  .tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }))
  .chain(([width, height]) =>
    fc
      .uint8Array({ minLength: width * height * 4, maxLength: width * height * 4 })
      .map((data) => ({ width, height, data })),
  );

describe('PNG', () => {
  it('round-trips every pixel through encodePng and decodePng', () => {
    fc.assert(
      fc.property(images, (image) => {
        const bytes = encodePng(image);
        expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
        const back = decodePng(bytes);
        expect([back.width, back.height]).toEqual([image.width, image.height]);
        expect(back.data).toEqual(image.data);
      }),
      { seed: SEED, numRuns: 50 },
    );
  });

  it('encodes the same image to the same bytes', () => {
    const image = heatmap({ shape: [4, 4], data: Float32Array.from({ length: 16 }, (_, i) => i - 8) });
    expect(encodePng(image)).toEqual(encodePng({ ...image, data: image.data.slice() }));
  });

  it('writes and reads files', () => {
    const image = heatmap({ shape: [2, 3], data: [1, -1, 0, 0.5, -0.5, 1] }, { scale: 2 });
    const path = join(dir, 'map.png');
    writePng(path, image);
    expect(readPng(path)).toEqual({ width: 6, height: 4, data: image.data });
  });

  it('refuses bytes that are not a PNG, naming the file', () => {
    expect(() => decodePng(Uint8Array.of(1, 2, 3))).toThrow(FormatError);
    const path = join(dir, 'not.png');
    writeFileSync(path, 'hello');
    expect(() => readPng(path)).toThrow(/png: .*not\.png/);
    expect(() => readPng(join(dir, 'missing.png'))).toThrow(NotFoundError);
  });

  it('refuses an image whose data does not match its size', () => {
    expect(() => encodePng({ width: 2, height: 2, data: new Uint8Array(15) })).toThrow(ShapeError);
  });
});
