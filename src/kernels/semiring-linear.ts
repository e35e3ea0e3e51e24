/**
 * The semiring twins of the real GEMMs for dense and convolution layers (DESIGN.md §4), over a
 * whole batch per call, as tight monomorphic loops over typed arrays:
 * - `maxAbsForward`: m_k = max_j |x_j w_jk| (the column maxima the Viterbi annotation divides by);
 * - `maxTimesAdjoint`: out_j ← max(out_j, max_k |w_jk| s_k) (the max-times transposed product);
 * - `thresholdAdjoint`: the fused test d_jk = f_k · (σ x_j w_jk) ≥ τ (no division per edge: the
 *   factor f_k = 1/stab(z_k) is per output), OR-ed or count-added with the upper relevance R_k.
 * Zero inputs (blank pixels, ReLU zeros) are skipped in dense layers wherever they cannot pass
 * anything, and outputs without relevance are skipped in every layer.
 *
 * Dense layers with float32 weights run on the WebAssembly SIMD kernels where they are in use
 * (semiring-linear-wasm.ts, same results bit for bit); the loops here are their plain twins and
 * run everywhere else.
 *
 * They know arrays and layer shapes, not semirings; `src/circuits/kernels/linear-kernel.ts`
 * composes them into Viterbi, tropical, 𝔹 and ℕ steps. Their plain twin is the per-edge kernel
 * loop of the circuits' evaluator, which tests compare them with.
 */
import { wasmKernelsFor } from './backend.js';
import {
  type ConvPass,
  convPassWasm,
  maxAbsForwardWasm,
  maxTimesAdjointWasm,
  thresholdAdjointWasm,
} from './semiring-linear-wasm.js';

/** A dense layer per sample: `rows` rows of `nIn` inputs to rows of `nOut` outputs, W is [nOut, nIn]. */
export interface DenseShape {
  readonly kind: 'dense';
  readonly rows: number;
  readonly nIn: number;
  readonly nOut: number;
}

/** A 2-d convolution per sample (NCHW), W is [outChannels, channels / groups, kh, kw]. */
export interface ConvShape {
  readonly kind: 'conv';
  readonly channels: number;
  readonly height: number;
  readonly width: number;
  readonly outChannels: number;
  readonly outHeight: number;
  readonly outWidth: number;
  readonly kh: number;
  readonly kw: number;
  readonly strideY: number;
  readonly strideX: number;
  readonly padY: number;
  readonly padX: number;
  readonly dilationY: number;
  readonly dilationX: number;
  readonly groups: number;
}

export type LinearShape = DenseShape | ConvShape;

type Numbers = Float32Array | Float64Array;

/** What `forEachConvTap` calls per tap (see there): plane bases, output ranges, input offsets, weight. */
type ConvTap = (
  xBase: number,
  oBase: number,
  y0: number,
  y1: number,
  x0: number,
  x1: number,
  tapY: number,
  tapX: number,
  weight: number,
) => void;

/** Elements per sample of a layer's input and output. */
export function linearSizes(shape: LinearShape): [input: number, output: number] {
  if (shape.kind === 'dense') return [shape.rows * shape.nIn, shape.rows * shape.nOut];
  return [shape.channels * shape.height * shape.width, shape.outChannels * shape.outHeight * shape.outWidth];
}

/**
 * The fused threshold test's parameters: d_jk = factor_k · ((sign · x_j) · w_jk), computed in this
 * order (as the per-edge coefficients are), tested against τ (on |d| when `absolute`).
 */
export interface ThresholdPass {
  /** x per sample (batch × input), or null for an input of ones. */
  readonly input: Numbers | null;
  readonly weight: Numbers;
  readonly sign: number;
  /** f per sample (batch × output). */
  readonly factor: Numbers;
  readonly tau: number;
  readonly absolute: boolean;
  /** OR (𝔹, relevance 0/1) or count-add (ℕ) the upper relevance. */
  readonly count: boolean;
}

/** The output positions [start, end) of one axis whose tap at `offset` lies inside [0, length). */
export function tapRange(
  outLength: number,
  length: number,
  stride: number,
  offset: number,
): [number, number] {
  // in = o·stride + offset ∈ [0, length)
  const start = offset >= 0 ? 0 : Math.ceil(-offset / stride);
  const end = Math.min(outLength, Math.floor((length - 1 - offset) / stride) + 1);
  return [start, Math.max(start, end)];
}

/** Indices of the non-zero entries of x[from, from + n), relative to `from`. */
function nonZero(x: Numbers, from: number, n: number, into: Int32Array): number {
  let count = 0;
  for (let j = 0; j < n; j++) if (x[from + j] !== 0) into[count++] = j;
  return count;
}

/**
 * m[b, k] = max_j |x[b, j] · w_jk|, x = null meaning ones; `m` starts at 0. Dense layers compute
 * only the outputs with `live[b, k]` (a row each); convolutions compute every output.
 */
export function maxAbsForward(
  shape: LinearShape,
  batch: number,
  x: Numbers | null,
  w: Numbers,
  live: Uint8Array,
  m: Float64Array,
): void {
  if (shape.kind === 'dense') {
    const { rows, nIn, nOut } = shape;
    const kernels = w instanceof Float32Array ? wasmKernelsFor(batch * rows * nIn * nOut) : null;
    if (kernels !== null && maxAbsForwardWasm(kernels, shape, batch, x, w as Float32Array, live, m)) return;
    const nz = new Int32Array(nIn);
    for (let b = 0; b < batch * rows; b++) {
      const xb = b * nIn;
      const count = x === null ? nIn : nonZero(x, xb, nIn, nz);
      if (x === null) for (let j = 0; j < nIn; j++) nz[j] = j;
      for (let k = 0; k < nOut; k++) {
        const at = b * nOut + k;
        if (live[at] === 0) continue;
        const row = k * nIn;
        let max = 0;
        if (x === null)
          for (let j = 0; j < nIn; j++) {
            const v = Math.abs(w[row + j]!);
            if (v > max) max = v;
          }
        else
          for (let t = 0; t < count; t++) {
            const j = nz[t]!;
            const v = Math.abs(x[xb + j]! * w[row + j]!);
            if (v > max) max = v;
          }
        m[at] = max;
      }
    }
    return;
  }
  if (convWasm(shape, batch, w, { kind: 'maxAbs', x, m })) return;
  const { width, outWidth, strideY: sy, strideX: sx } = shape;
  const input = x ?? ones(batch * linearSizes(shape)[0]);
  forEachConvTap(shape, batch, w, (xBase, oBase, y0, y1, x0, x1, tapY, tapX, weight) => {
    const xs = input;
    const ms = m;
    for (let y = y0; y < y1; y++) {
      const inRow = xBase + (y * sy + tapY) * width + tapX;
      const outRow = oBase + y * outWidth;
      for (let xo = x0; xo < x1; xo++) {
        const v = Math.abs(xs[inRow + xo * sx]! * weight);
        if (v > ms[outRow + xo]!) ms[outRow + xo] = v;
      }
    }
  });
}

/**
 * out[b, j] ← max(out[b, j], max_k |w_jk| · s[b, k]) over the outputs with s > 0 (s ≥ 0). Rows j
 * with `skip[b, j]` set (an input of 0, which the caller multiplies by) are left alone in dense
 * layers.
 */
export function maxTimesAdjoint(
  shape: LinearShape,
  batch: number,
  w: Numbers,
  s: Float64Array,
  out: Float64Array,
  skip: Numbers | null,
): void {
  if (shape.kind === 'dense') {
    const { rows, nIn, nOut } = shape;
    const kernels = w instanceof Float32Array ? wasmKernelsFor(batch * rows * nIn * nOut) : null;
    if (kernels !== null && maxTimesAdjointWasm(kernels, shape, batch, w as Float32Array, s, out, skip))
      return;
    const nz = new Int32Array(nIn);
    for (let b = 0; b < batch * rows; b++) {
      const ob = b * nIn;
      const count = skip === null ? nIn : nonZero(skip, ob, nIn, nz);
      if (skip === null) for (let j = 0; j < nIn; j++) nz[j] = j;
      if (count === 0) continue;
      for (let k = 0; k < nOut; k++) {
        const sk = s[b * nOut + k]!;
        if (!(sk > 0)) continue;
        const row = k * nIn;
        for (let t = 0; t < count; t++) {
          const j = nz[t]!;
          const v = Math.abs(w[row + j]!) * sk;
          if (v > out[ob + j]!) out[ob + j] = v;
        }
      }
    }
    return;
  }
  if (convWasm(shape, batch, w, { kind: 'maxTimes', s, out })) return;
  const { width, outWidth, strideY: sy, strideX: sx } = shape;
  forEachConvTap(shape, batch, w, (xBase, oBase, y0, y1, x0, x1, tapY, tapX, weight) => {
    const aw = Math.abs(weight);
    if (aw === 0) return;
    const ss = s;
    const os = out;
    for (let y = y0; y < y1; y++) {
      const inRow = xBase + (y * sy + tapY) * width + tapX;
      const outRow = oBase + y * outWidth;
      for (let xo = x0; xo < x1; xo++) {
        const v = aw * ss[outRow + xo]!;
        const j = inRow + xo * sx;
        if (v > os[j]!) os[j] = v;
      }
    }
  });
}

/**
 * The fused threshold pass: for every edge with R[b, k] ≠ 0 and d_jk ≥ τ (see `ThresholdPass`),
 * out[b, j] ← 1 (OR) or out[b, j] + R[b, k] (count).
 */
export function thresholdAdjoint(
  shape: LinearShape,
  batch: number,
  pass: ThresholdPass,
  R: Float64Array,
  out: Float64Array,
): void {
  const { input: x, weight: w, sign, factor, tau, absolute, count } = pass;
  // A zero input gives d = ±0, which passes only a threshold at or below 0.
  const skipZeros = x !== null && tau > 0;
  if (shape.kind === 'dense') {
    const { rows, nIn, nOut } = shape;
    // The kernels fold σ into f_k, which is exact for σ = ±1 (see gemm.wat).
    const kernels =
      w instanceof Float32Array && (sign === 1 || sign === -1)
        ? wasmKernelsFor(batch * rows * nIn * nOut)
        : null;
    if (kernels !== null && thresholdAdjointWasm(kernels, shape, batch, pass, w as Float32Array, R, out))
      return;
    const nz = new Int32Array(nIn);
    for (let b = 0; b < batch * rows; b++) {
      const xb = b * nIn;
      const n = skipZeros ? nonZero(x!, xb, nIn, nz) : nIn;
      if (!skipZeros) for (let j = 0; j < nIn; j++) nz[j] = j;
      for (let k = 0; k < nOut; k++) {
        const r = R[b * nOut + k]!;
        if (r === 0) continue;
        const f = factor[b * nOut + k]!;
        const row = k * nIn;
        // (σ·x)·w = x·(σ·w) exactly: the per-edge coefficient's rounding is kept. One loop per
        // variant, so that the innermost loop tests nothing that is the same for every edge.
        if (absolute || x === null)
          for (let t = 0; t < n; t++) {
            const j = nz[t]!;
            const d = f * ((x === null ? 1 : x[xb + j]!) * (sign * w[row + j]!));
            if (absolute ? Math.abs(d) >= tau : d >= tau) out[xb + j] = count ? out[xb + j]! + r : 1;
          }
        else if (count)
          for (let t = 0; t < n; t++) {
            const j = nz[t]!;
            if (f * (x[xb + j]! * (sign * w[row + j]!)) >= tau) out[xb + j] = out[xb + j]! + r;
          }
        else
          for (let t = 0; t < n; t++) {
            const j = nz[t]!;
            if (f * (x[xb + j]! * (sign * w[row + j]!)) >= tau) out[xb + j] = 1;
          }
      }
    }
    return;
  }
  if (convWasm(shape, batch, w, { kind: 'threshold', pass, R, out })) return;
  const { width, outWidth, strideY: sy, strideX: sx } = shape;
  const xs = x ?? ones(batch * linearSizes(shape)[0]);
  // NOTE: (σ·x)·w = x·(σ·w) exactly (σ = ±1): the per-edge coefficient's rounding is kept.
  // One loop per variant (count or OR, signed or absolute): no test in the innermost loop is the
  // same for every edge, and no call.
  const tap: ConvTap = (xBase, oBase, y0, y1, x0, x1, tapY, tapX, weight) => {
    const sw = sign * weight;
    const rs = R;
    const fs = factor;
    const os = out;
    const t = tau;
    for (let y = y0; y < y1; y++) {
      const inRow = xBase + (y * sy + tapY) * width + tapX;
      const outRow = oBase + y * outWidth;
      if (count && !absolute)
        for (let xo = x0; xo < x1; xo++) {
          const r = rs[outRow + xo]!;
          const j = inRow + xo * sx;
          if (r !== 0 && fs[outRow + xo]! * (xs[j]! * sw) >= t) os[j] = os[j]! + r;
        }
      else if (!absolute)
        for (let xo = x0; xo < x1; xo++) {
          const j = inRow + xo * sx;
          if (rs[outRow + xo] !== 0 && fs[outRow + xo]! * (xs[j]! * sw) >= t) os[j] = 1;
        }
      else
        for (let xo = x0; xo < x1; xo++) {
          const r = rs[outRow + xo]!;
          const j = inRow + xo * sx;
          if (r !== 0 && Math.abs(fs[outRow + xo]! * (xs[j]! * sw)) >= t) os[j] = count ? os[j]! + r : 1;
        }
    }
  };
  forEachConvTap(shape, batch, w, tap);
}

/**
 * Runs a convolution pass on the WebAssembly kernels where they are in use and W is float32;
 * false: run the JavaScript loop.
 */
function convWasm(shape: ConvShape, batch: number, w: Numbers, run: ConvPass): boolean {
  if (!(w instanceof Float32Array)) return false;
  const edges = batch * shape.outChannels * shape.outHeight * shape.outWidth * (w.length / shape.outChannels);
  const kernels = wasmKernelsFor(edges);
  return kernels !== null && convPassWasm(kernels, shape, batch, w, run, tapRange);
}

const ones = (n: number): Float64Array => new Float64Array(n).fill(1);

/**
 * Calls `tap` once per (sample, output channel, input channel of its group, kernel tap) with the
 * sample's input and output plane bases, the output rows [y0, y1) and columns [x0, x1) whose
 * tap lies inside the input (taps in the padding are not edges), and the tap's input offsets:
 * output (y, x) reads input row y·strideY + tapY, column x·strideX + tapX.
 */
function forEachConvTap(shape: ConvShape, batch: number, weights: Numbers, tap: ConvTap): void {
  const s = shape;
  const plane = s.height * s.width;
  const outPlane = s.outHeight * s.outWidth;
  const perGroup = s.channels / s.groups;
  const outPerGroup = s.outChannels / s.groups;
  const perIn = s.channels * plane;
  const perOut = s.outChannels * outPlane;
  // The output range of every kernel row and column, once.
  const rows = new Int32Array(2 * s.kh);
  const cols = new Int32Array(2 * s.kw);
  for (let u = 0; u < s.kh; u++)
    rows.set(tapRange(s.outHeight, s.height, s.strideY, u * s.dilationY - s.padY), 2 * u);
  for (let v = 0; v < s.kw; v++)
    cols.set(tapRange(s.outWidth, s.width, s.strideX, v * s.dilationX - s.padX), 2 * v);
  for (let n = 0; n < batch; n++)
    for (let o = 0; o < s.outChannels; o++) {
      const first = Math.floor(o / outPerGroup) * perGroup;
      const oBase = n * perOut + o * outPlane;
      for (let cg = 0; cg < perGroup; cg++) {
        const xBase = n * perIn + (first + cg) * plane;
        for (let u = 0; u < s.kh; u++) {
          const tapY = u * s.dilationY - s.padY;
          const y0 = rows[2 * u]!;
          const y1 = rows[2 * u + 1]!;
          if (y0 >= y1) continue;
          for (let v = 0; v < s.kw; v++) {
            const tapX = v * s.dilationX - s.padX;
            const x0 = cols[2 * v]!;
            const x1 = cols[2 * v + 1]!;
            if (x0 >= x1) continue;
            const weight = weights[((o * perGroup + cg) * s.kh + u) * s.kw + v]!;
            tap(xBase, oBase, y0, y1, x0, x1, tapY, tapX, weight);
          }
        }
      }
    }
}
