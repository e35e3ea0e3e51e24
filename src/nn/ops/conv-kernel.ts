/**
 * The convolution forward kernel as im2col + GEMM, per sample and group:
 *   z[o, p] = b[o] + Σ_k Wᵀ[k, o]·col[k, p],   k = (c, u, v) over the group's C/g·kh·kw taps,
 *   col[k, p] = a[c, y·sh − pt + u·dh, x·sw − pl + v·dw] (0 outside the input), p = (y, x).
 *
 * NOTE: performance (≈ 2 GMAC/s on a VGG-16 layer, against 0.4 for a direct loop). Output
 * positions are processed in tiles of `TILE` so that the im2col tile stays in cache. The GEMM
 * computes 4 × 4 blocks (4 channels × 4 positions) in local float64 accumulators, so each step
 * over k loads 8 values for 16 multiply-adds. Both operands are packed in blocks of 4 along k
 * (weights [⌈O/4⌉, K, 4] once per call, columns [TILE/4, K, 4] per tile), so that the block's loads
 * are sequential; channels and positions beyond the edge are packed as zeros and not stored.
 * Everything accumulates in float64; each output is rounded once on the store. With the kernels'
 * float32 accumulation (src/kernels/backend.ts) a float32 convolution instead sums in float32 in
 * order of k, every product and partial sum rounded (`gemmTileFloat32`, the twin of gemm.wat's
 * gemm32).
 */
import type { FloatArray } from '../../core/tensor.js';
import { convForwardWasm, kernelAccumulation, wasmKernelsFor } from '../../kernels/index.js';
import type { Axis } from './window.js';

/** Output positions per im2col tile (a multiple of 4). */
const TILE = 64;

/** The sizes a convolution kernel needs. */
export interface ConvGeometry {
  readonly batch: number;
  readonly channels: number;
  readonly height: number;
  readonly width: number;
  readonly outChannels: number;
  readonly group: number;
  readonly kh: number;
  readonly kw: number;
  readonly oh: number;
  readonly ow: number;
  readonly rows: Axis;
  readonly cols: Axis;
}

/** z = conv(a; w, b) for a whole batch, into `z` (see the file header). */
export function convForward(
  a: FloatArray,
  w: FloatArray,
  b: FloatArray,
  z: FloatArray,
  g: ConvGeometry,
): void {
  const perGroup = g.channels / g.group;
  const outs = g.outChannels / g.group;
  const depth = perGroup * g.kh * g.kw;
  const positions = g.oh * g.ow;
  // NOTE: float32 convolutions run on the WebAssembly SIMD GEMM where it is available; its results
  // equal these loops' bit for bit (src/kernels/gemm.wat), which stay as the plain twin.
  const kernels = wasmKernelsFor(g.batch * g.outChannels * depth * positions);
  const float32 =
    a instanceof Float32Array &&
    w instanceof Float32Array &&
    b instanceof Float32Array &&
    z instanceof Float32Array;
  const accumulation = float32 ? kernelAccumulation() : 'float64';
  if (kernels !== null && float32 && convForwardWasm(kernels, a, w, b, z, g, accumulation)) return;
  const col = new Float64Array(depth * TILE);
  const packed = new Float64Array(Math.ceil(outs / 4) * depth * 4);
  for (let grp = 0; grp < g.group; grp++) {
    const o0 = grp * outs;
    packWeights(w, packed, o0, outs, depth);
    for (let n = 0; n < g.batch; n++) {
      const plane0 = (n * g.channels + grp * perGroup) * g.height * g.width;
      const out0 = (n * g.outChannels + o0) * positions;
      for (let p0 = 0; p0 < positions; p0 += TILE) {
        const count = Math.min(TILE, positions - p0);
        fillColumns(a, plane0, col, p0, count, perGroup, depth, g);
        if (accumulation === 'float32')
          gemmTileFloat32(w, col, b, z, o0, outs, depth, count, out0 + p0, positions);
        else gemmTile(packed, col, b, z, o0, outs, depth, count, out0 + p0, positions);
      }
    }
  }
}

/**
 * z[o0 + o, p] = b[o0 + o] + Σ_k w[o0 + o, k]·col[k, p] for the tile's `count` positions, summed in
 * float32 in order of k (each product and partial sum rounded, as gemm.wat's gemm32 does).
 */
function gemmTileFloat32(
  w: FloatArray,
  col: Float64Array,
  b: FloatArray,
  z: FloatArray,
  o0: number,
  outs: number,
  depth: number,
  count: number,
  out0: number,
  positions: number,
): void {
  const f = Math.fround;
  for (let o = 0; o < outs; o++) {
    const row = (o0 + o) * depth;
    for (let j = 0; j < count; j++) {
      const cBase = (j >> 2) * depth * 4 + (j & 3);
      let acc = b[o0 + o]!;
      for (let k = 0; k < depth; k++) acc = f(acc + f(w[row + k]! * col[cBase + k * 4]!));
      z[out0 + o * positions + j] = acc;
    }
  }
}

/** packed[ob, k, i] = w[o0 + 4·ob + i, k] (0 past the last channel). */
function packWeights(w: FloatArray, packed: Float64Array, o0: number, outs: number, depth: number): void {
  packed.fill(0);
  for (let o = 0; o < outs; o++) {
    const row = (o0 + o) * depth;
    const base = (o >> 2) * depth * 4 + (o & 3);
    for (let k = 0; k < depth; k++) packed[base + k * 4] = w[row + k]!;
  }
}

/** col[jb, k, jj] = the input tap k of tile position 4·jb + jj (0 for padding and past the tile). */
function fillColumns(
  a: FloatArray,
  plane0: number,
  col: Float64Array,
  p0: number,
  count: number,
  perGroup: number,
  depth: number,
  g: ConvGeometry,
): void {
  const { rows, cols, height, width, ow } = g;
  if (count < TILE) col.fill(0);
  let k = 0;
  for (let c = 0; c < perGroup; c++) {
    const plane = plane0 + c * height * width;
    for (let u = 0; u < g.kh; u++) {
      const dy = u * rows.dilation - rows.padBegin;
      for (let v = 0; v < g.kw; v++) {
        const dx = v * cols.dilation - cols.padBegin;
        let y = Math.floor(p0 / ow);
        let x = p0 - y * ow;
        for (let j = 0; j < count; j++) {
          const iy = y * rows.stride + dy;
          const ix = x * cols.stride + dx;
          col[((j >> 2) * depth + k) * 4 + (j & 3)] =
            iy >= 0 && iy < height && ix >= 0 && ix < width ? a[plane + iy * width + ix]! : 0;
          if (++x === ow) {
            x = 0;
            y++;
          }
        }
        k++;
      }
    }
  }
}

/**
 * z[o0 + o, p] = b[o0 + o] + Σ_k packed·col for the tile's `count` positions, in 4 × 4 blocks whose
 * accumulators are locals; rows and columns past the edge are computed on zeros and not stored.
 */
function gemmTile(
  packed: Float64Array,
  col: Float64Array,
  b: FloatArray,
  z: FloatArray,
  o0: number,
  outs: number,
  depth: number,
  count: number,
  out0: number,
  positions: number,
): void {
  for (let ob = 0; ob < outs; ob += 4) {
    const rows = Math.min(4, outs - ob);
    const b0 = b[o0 + ob]!;
    const b1 = rows > 1 ? b[o0 + ob + 1]! : 0;
    const b2 = rows > 2 ? b[o0 + ob + 2]! : 0;
    const b3 = rows > 3 ? b[o0 + ob + 3]! : 0;
    const wBase = (ob >> 2) * depth * 4;
    for (let jb = 0; jb < count; jb += 4) {
      const cBase = (jb >> 2) * depth * 4;
      // biome-ignore format: a register block reads best as a grid
      let a00 = b0, a01 = b0, a02 = b0, a03 = b0, a10 = b1, a11 = b1, a12 = b1, a13 = b1,
        a20 = b2, a21 = b2, a22 = b2, a23 = b2, a30 = b3, a31 = b3, a32 = b3, a33 = b3;
      for (let k4 = 0; k4 < depth * 4; k4 += 4) {
        const w0 = packed[wBase + k4]!;
        const w1 = packed[wBase + k4 + 1]!;
        const w2 = packed[wBase + k4 + 2]!;
        const w3 = packed[wBase + k4 + 3]!;
        const c0 = col[cBase + k4]!;
        const c1 = col[cBase + k4 + 1]!;
        const c2 = col[cBase + k4 + 2]!;
        const c3 = col[cBase + k4 + 3]!;
        a00 += w0 * c0;
        a01 += w0 * c1;
        a02 += w0 * c2;
        a03 += w0 * c3;
        a10 += w1 * c0;
        a11 += w1 * c1;
        a12 += w1 * c2;
        a13 += w1 * c3;
        a20 += w2 * c0;
        a21 += w2 * c1;
        a22 += w2 * c2;
        a23 += w2 * c3;
        a30 += w3 * c0;
        a31 += w3 * c1;
        a32 += w3 * c2;
        a33 += w3 * c3;
      }
      const columns = Math.min(4, count - jb);
      const at = out0 + ob * positions + jb;
      if (columns === 4) {
        z[at] = a00;
        z[at + 1] = a01;
        z[at + 2] = a02;
        z[at + 3] = a03;
        if (rows > 1) {
          const r = at + positions;
          z[r] = a10;
          z[r + 1] = a11;
          z[r + 2] = a12;
          z[r + 3] = a13;
        }
        if (rows > 2) {
          const r = at + 2 * positions;
          z[r] = a20;
          z[r + 1] = a21;
          z[r + 2] = a22;
          z[r + 3] = a23;
        }
        if (rows > 3) {
          const r = at + 3 * positions;
          z[r] = a30;
          z[r + 1] = a31;
          z[r + 2] = a32;
          z[r + 3] = a33;
        }
      } else {
        const block = [a00, a01, a02, a03, a10, a11, a12, a13, a20, a21, a22, a23, a30, a31, a32, a33];
        for (let i = 0; i < rows; i++)
          for (let j = 0; j < columns; j++) z[at + i * positions + j] = block[i * 4 + j]!;
      }
    }
  }
}
