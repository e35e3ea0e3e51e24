/**
 * The packed-panel GEMM in plain JavaScript: the twin of gemm.wat's `gemm`, `pack` and `pack_t`,
 *   C[4p + i, 4q + j] += Σ_{k < kc} A_p[k·4 + i]·B[q·bStride + k·bStep + j],
 * with A in panels of 4 rows (each panel [depth][4], float64), B in such panels (bStride = 4·depth,
 * bStep = 4) or row-major (bStride = 4, bStep = the row length), and C float64, row-major.
 * Each output is one float64 accumulator that starts at C's value and adds the products in order
 * of k, so the two implementations agree bit for bit (test/kernels/gemm.test.ts).
 */
import type { FloatArray } from '../core/tensor.js';

/** Rounds a count up to a multiple of 4 (the panel width). */
export const roundUp4 = (n: number): number => (n + 3) & ~3;

/** Offsets and sizes of one call of `gemmPanels` (offsets and strides in elements). */
export interface GemmPanels {
  readonly aOffset: number;
  /** Elements from one panel of A to the next. */
  readonly aStride: number;
  readonly bOffset: number;
  /** Elements from one block of 4 columns of B to the next. */
  readonly bStride: number;
  /** Elements from one step of k to the next in B. */
  readonly bStep: number;
  readonly cOffset: number;
  /** Elements per row of C. */
  readonly ldc: number;
  readonly mPanels: number;
  readonly nPanels: number;
  /** Steps of k. */
  readonly kc: number;
}

/**
 * C += A·Bᵀ on packed panels (see the file header). NOTE: 4 × 4 blocks in local accumulators, as
 * the WebAssembly tile keeps them in registers.
 */
export function gemmPanels(a: Float64Array, b: Float64Array, c: Float64Array, s: GemmPanels): void {
  for (let p = 0; p < s.mPanels; p++) {
    const aBase = s.aOffset + p * s.aStride;
    for (let q = 0; q < s.nPanels; q++) {
      const bBase = s.bOffset + q * s.bStride;
      const at = s.cOffset + 4 * p * s.ldc + 4 * q;
      const r1 = at + s.ldc;
      const r2 = r1 + s.ldc;
      const r3 = r2 + s.ldc;
      // biome-ignore format: a register block reads best as a grid
      let c00 = c[at]!, c01 = c[at + 1]!, c02 = c[at + 2]!, c03 = c[at + 3]!,
        c10 = c[r1]!, c11 = c[r1 + 1]!, c12 = c[r1 + 2]!, c13 = c[r1 + 3]!,
        c20 = c[r2]!, c21 = c[r2 + 1]!, c22 = c[r2 + 2]!, c23 = c[r2 + 3]!,
        c30 = c[r3]!, c31 = c[r3 + 1]!, c32 = c[r3 + 2]!, c33 = c[r3 + 3]!;
      for (let k = 0; k < s.kc; k++) {
        const ak = aBase + 4 * k;
        const bk = bBase + s.bStep * k;
        const a0 = a[ak]!;
        const a1 = a[ak + 1]!;
        const a2 = a[ak + 2]!;
        const a3 = a[ak + 3]!;
        const b0 = b[bk]!;
        const b1 = b[bk + 1]!;
        const b2 = b[bk + 2]!;
        const b3 = b[bk + 3]!;
        c00 += a0 * b0;
        c01 += a0 * b1;
        c02 += a0 * b2;
        c03 += a0 * b3;
        c10 += a1 * b0;
        c11 += a1 * b1;
        c12 += a1 * b2;
        c13 += a1 * b3;
        c20 += a2 * b0;
        c21 += a2 * b1;
        c22 += a2 * b2;
        c23 += a2 * b3;
        c30 += a3 * b0;
        c31 += a3 * b1;
        c32 += a3 * b2;
        c33 += a3 * b3;
      }
      c[at] = c00;
      c[at + 1] = c01;
      c[at + 2] = c02;
      c[at + 3] = c03;
      c[r1] = c10;
      c[r1 + 1] = c11;
      c[r1 + 2] = c12;
      c[r1 + 3] = c13;
      c[r2] = c20;
      c[r2 + 1] = c21;
      c[r2 + 2] = c22;
      c[r2 + 3] = c23;
      c[r3] = c30;
      c[r3 + 1] = c31;
      c[r3 + 2] = c32;
      c[r3 + 3] = c33;
    }
  }
}

/**
 * Packs `rows` rows of length `depth` (row stride `ld`, from `offset`) into panels:
 * out[(⌊r/4⌋·depth + k)·4 + r mod 4] = src[offset + r·ld + k]; rows up to a multiple of 4 are 0.
 */
export function packRows(
  src: FloatArray,
  offset: number,
  rows: number,
  depth: number,
  ld: number,
  out: Float64Array,
): void {
  for (let r = 0; r < roundUp4(rows); r++) {
    const base = (r >> 2) * depth * 4 + (r & 3);
    for (let k = 0; k < depth; k++) out[base + k * 4] = r < rows ? src[offset + r * ld + k]! : 0;
  }
}

/**
 * Packs `cols` columns of a [depth × ld] matrix (from `offset`) into panels:
 * out[(⌊c/4⌋·depth + k)·4 + c mod 4] = src[offset + k·ld + c]; columns up to a multiple of 4 are 0.
 */
export function packColumns(
  src: FloatArray,
  offset: number,
  depth: number,
  cols: number,
  ld: number,
  out: Float64Array,
): void {
  for (let c = 0; c < roundUp4(cols); c++) {
    const base = (c >> 2) * depth * 4 + (c & 3);
    for (let k = 0; k < depth; k++) out[base + k * 4] = c < cols ? src[offset + k * ld + c]! : 0;
  }
}
