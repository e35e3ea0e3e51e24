import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import {
  convAdjointWasm,
  convForwardWasm,
  denseAdjointWasm,
  denseForwardWasm,
  gemmPanels,
  MAX_BYTES,
  packColumns,
  packRows,
  roundUp4,
  WasmKernels,
} from '../../src/kernels/index.js';
import { layoutOf, wasmKernels } from './support.js';

const SEED = 0x6e33;

const uniform = (rng: Rng, n: number): Float64Array =>
  Float64Array.from({ length: n }, () => rng.uniform(-2, 2));

describe('kernels/gemm.wat', () => {
  const k = wasmKernels();

  it('gemm equals the JavaScript twin bit for bit, for packed and row-major B', () => {
    fc.assert(
      fc.property(
        fc.record({
          mPanels: fc.integer({ min: 0, max: 4 }),
          nPanels: fc.integer({ min: 0, max: 5 }),
          depth: fc.integer({ min: 0, max: 40 }),
          skip: fc.integer({ min: 0, max: 3 }),
          extraLd: fc.integer({ min: 0, max: 6 }),
          rowMajor: fc.boolean(),
          seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        }),
        ({ mPanels, nPanels, depth, skip, extraLd, rowMajor, seed }) => {
          const rng = new Rng(seed);
          // Run over the steps skip … depth − 1 of operands of the full depth, as the k passes do.
          const kc = Math.max(0, depth - skip);
          const ldb = 4 * nPanels + extraLd;
          const a = uniform(rng, 4 * mPanels * depth);
          const b = uniform(rng, rowMajor ? depth * ldb : 4 * nPanels * depth);
          const ldc = 4 * nPanels + extraLd;
          const c = uniform(rng, 4 * mPanels * ldc);
          const shape = {
            aOffset: 4 * Math.min(skip, depth),
            aStride: 4 * depth,
            bOffset: rowMajor ? ldb * Math.min(skip, depth) : 4 * Math.min(skip, depth),
            bStride: rowMajor ? 4 : 4 * depth,
            bStep: rowMajor ? ldb : 4,
            cOffset: 0,
            ldc,
            mPanels,
            nPanels,
            kc,
          };
          const expected = c.slice();
          gemmPanels(a, b, expected, shape);
          const at = layoutOf(k, { a: 8 * a.length, b: 8 * b.length, c: 8 * c.length });
          k.f64.set(a, at.a >> 3);
          k.f64.set(b, at.b >> 3);
          k.f64.set(c, at.c >> 3);
          k.exports.gemm(
            at.a + 8 * shape.aOffset,
            shape.aStride,
            at.b + 8 * shape.bOffset,
            shape.bStride,
            shape.bStep,
            at.c,
            ldc,
            mPanels,
            nPanels,
            kc,
          );
          expect(Array.from(k.f64.subarray(at.c >> 3, (at.c >> 3) + c.length))).toEqual(Array.from(expected));
        },
      ),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('gemv equals column 0 of the JavaScript gemm bit for bit, and writes nothing else', () => {
    fc.assert(
      fc.property(
        fc.record({
          mPanels: fc.integer({ min: 0, max: 7 }),
          depth: fc.integer({ min: 0, max: 40 }),
          skip: fc.integer({ min: 0, max: 3 }),
          ldc: fc.integer({ min: 1, max: 6 }),
          bStep: fc.integer({ min: 1, max: 5 }),
          seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        }),
        ({ mPanels, depth, skip, ldc, bStep, seed }) => {
          const rng = new Rng(seed);
          const kc = Math.max(0, depth - skip);
          const k0 = Math.min(skip, depth);
          const a = uniform(rng, 4 * mPanels * depth);
          const b = uniform(rng, Math.max(1, depth * bStep));
          const c = uniform(rng, 4 * mPanels * ldc);
          // The twin: gemm over one block of four columns, B row-major with its column 0 = b.
          const wide = new Float64Array(4 * Math.max(1, depth));
          for (let k = 0; k < depth; k++) wide[4 * k] = b[k * bStep]!;
          const padded = new Float64Array(4 * mPanels * 4);
          for (let r = 0; r < 4 * mPanels; r++) padded[4 * r] = c[r * ldc]!;
          gemmPanels(a, wide, padded, {
            aOffset: 4 * k0,
            aStride: 4 * depth,
            bOffset: 4 * k0,
            bStride: 4,
            bStep: 4,
            cOffset: 0,
            ldc: 4,
            mPanels,
            nPanels: 1,
            kc,
          });
          const expected = c.slice();
          for (let r = 0; r < 4 * mPanels; r++) expected[r * ldc] = padded[4 * r]!;
          const at = layoutOf(k, { a: 8 * a.length, b: 8 * b.length, c: 8 * c.length });
          k.f64.set(a, at.a >> 3);
          k.f64.set(b, at.b >> 3);
          k.f64.set(c, at.c >> 3);
          k.exports.gemv(at.a + 32 * k0, 4 * depth, at.b + 8 * bStep * k0, bStep, at.c, ldc, mPanels, kc);
          expect(Array.from(k.f64.subarray(at.c >> 3, (at.c >> 3) + c.length))).toEqual(Array.from(expected));
        },
      ),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('pack and pack_t promote float32 rows and columns into zero-padded panels, as their twins do', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 9 }),
        fc.integer({ min: 0, max: 11 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (rows, depth, extraLd, seed) => {
          const rng = new Rng(seed);
          // pack: rows × depth (row stride ld); pack_t: depth × cols with cols = rows (row stride ld)
          const ldRows = depth + extraLd;
          const ldCols = rows + extraLd;
          const src = rng.uniformArray(Math.max(rows * ldRows, depth * ldCols) + 4, -1, 1);
          const size = roundUp4(rows) * depth;
          const at = layoutOf(k, { src: 4 * src.length, rows: 8 * size, cols: 8 * size });
          k.f32.set(src, at.src >> 2);
          k.f64.fill(Number.NaN, at.rows >> 3, (at.cols >> 3) + size);
          k.exports.pack(at.src, rows, depth, ldRows, at.rows);
          k.exports.pack_t(at.src, depth, rows, ldCols, at.cols);
          const byRows = new Float64Array(size);
          const byCols = new Float64Array(size);
          packRows(src, 0, rows, depth, ldRows, byRows);
          packColumns(src, 0, depth, rows, ldCols, byCols);
          expect(Array.from(k.f64.subarray(at.rows >> 3, (at.rows >> 3) + size))).toEqual(Array.from(byRows));
          expect(Array.from(k.f64.subarray(at.cols >> 3, (at.cols >> 3) + size))).toEqual(Array.from(byCols));
        },
      ),
      { seed: SEED + 1, numRuns: 150 },
    );
  });

  it('load widens with strides (a zero stride broadcasts) and store rounds to float32 as a Float32Array does', () => {
    const rng = new Rng(5);
    const m = 3;
    const n = 5;
    const ldc = 7;
    const src = rng.uniformArray(m * n, -1, 1);
    const bias = rng.uniformArray(m, -1, 1);
    const at = layoutOf(k, { src: 4 * m * n, bias: 4 * m, acc: 8 * m * ldc, out: 4 * m * n });
    k.f32.set(src, at.src >> 2);
    k.f32.set(bias, at.bias >> 2);
    // the transpose: acc[i][j] = src[j·m + i]
    k.exports.load(at.src, 1, m, at.acc, ldc, m, n);
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) expect(k.f64[(at.acc >> 3) + i * ldc + j]).toBe(src[j * m + i]);
    k.exports.load(at.bias, 1, 0, at.acc, ldc, m, n);
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) expect(k.f64[(at.acc >> 3) + i * ldc + j]).toBe(bias[i]);
    const wide = Float64Array.from({ length: m * ldc }, () => rng.uniform(-1, 1) / 3);
    k.f64.set(wide, at.acc >> 3);
    k.exports.store(at.acc, ldc, at.out, 1, m, m, n);
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++)
        expect(k.f32[(at.out >> 2) + j * m + i]).toBe(Math.fround(wide[i * ldc + j]!));
  });

  it('grows its memory for a large layout and keeps earlier contents', () => {
    const fresh = wasmKernels();
    const before = fresh.byteLength;
    const small = layoutOf(fresh, { x: 16 });
    fresh.f64[small.x >> 3] = 42;
    const big = layoutOf(fresh, { x: 16, y: before * 3 });
    expect(fresh.byteLength).toBeGreaterThanOrEqual(before * 3 + 16);
    expect(big.y).toBeGreaterThanOrEqual(16);
    expect(fresh.f64[big.x >> 3]).toBe(42);
  });

  it('declines a layout over its memory limit without growing, and the kernels then write nothing', () => {
    const limited = new WasmKernels(wasmKernels().exports, 2 ** 16);
    const before = limited.byteLength;
    expect(limited.layout({ x: 2 ** 16 + 16 })).toBeNull();
    expect(new WasmKernels(wasmKernels().exports).layout({ x: MAX_BYTES + 16 })).toBeNull();
    expect(limited.byteLength).toBe(before);
    expect(limited.layouts).toBe(0);
    // A dense layer of 64 × 256 inputs and a convolution on 64 × 64 need more than 64 KiB.
    const rng = new Rng(8);
    const w = rng.uniformArray(64 * 256, -1, 1);
    const z = new Float32Array(64 * 64).fill(7);
    expect(
      denseForwardWasm(limited, rng.uniformArray(64 * 256, -1, 1), w, new Float32Array(64), z, 256, 64),
    ).toBe(false);
    expect(denseAdjointWasm(limited, w, rng.uniformArray(64 * 64, -1, 1), z, 64, 256)).toBe(false);
    const axis = { stride: 1, dilation: 1, padBegin: 0 };
    const g = {
      ...{
        batch: 1,
        channels: 4,
        height: 64,
        width: 64,
        outChannels: 4,
        group: 1,
        kh: 1,
        kw: 1,
        oh: 64,
        ow: 64,
      },
      ...{ rows: axis, cols: axis },
    };
    const image = new Float32Array(4 * 64 * 64).fill(7);
    expect(convForwardWasm(limited, image.slice(), new Float32Array(16), new Float32Array(4), image, g)).toBe(
      false,
    );
    expect(convAdjointWasm(limited, new Float32Array(16), image.slice(), image, g)).toBe(false);
    expect(z.every((v) => v === 7) && image.every((v) => v === 7)).toBe(true);
  });
});
