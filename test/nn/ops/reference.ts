/**
 * Naive reference implementations of the operators, written straight from their definitions with
 * explicit index loops in float64 and no shared code with src/nn/ops. Pooling output sizes are
 * found by enumerating window starts with the predicates of PyTorch's rules, not by the formula.
 */
import type { Tensor } from '../../../src/core/tensor.js';
import type { Reference } from '../support.js';

/** 2-D window attributes as the references take them. */
export interface WindowSpec {
  readonly kernel: readonly [number, number];
  readonly strides: readonly [number, number];
  /** top, left, bottom, right */
  readonly pads: readonly [number, number, number, number];
  readonly dilations: readonly [number, number];
  readonly ceilMode?: boolean;
}

/**
 * The number of windows along an axis: window i starts at padded position i·s and, in floor mode,
 * its last tap must lie inside the padded input. Ceil mode adds the first window that does not
 * fit if it reaches at most s − 1 positions past the padded input and starts inside the input or
 * the left padding.
 */
export function windowCount(
  length: number,
  k: number,
  s: number,
  pb: number,
  pe: number,
  d: number,
  ceil: boolean,
): number {
  const padded = length + pb + pe;
  const last = (i: number) => i * s + d * (k - 1); // last tap of window i, padded coordinates
  let count = 0;
  while (last(count) <= padded - 1) count++;
  if (ceil && last(count) <= padded - 1 + s - 1 && count * s < length + pb) count++;
  return count;
}

const at4 = (shape: readonly number[], n: number, c: number, y: number, x: number): number =>
  ((n * shape[1]! + c) * shape[2]! + y) * shape[3]! + x;

/** Dense over the last axis: z[r, k] = b[k] + Σ_j a[r, j]·W[k, j]. */
export function denseRef(x: Tensor, w: Tensor, b: Tensor): Reference {
  const nOut = w.shape[0]!;
  const nIn = w.shape[1]!;
  const rows = x.data.length / nIn;
  const out = new Float64Array(rows * nOut);
  for (let r = 0; r < rows; r++)
    for (let k = 0; k < nOut; k++) {
      let z = b.data[k]!;
      for (let j = 0; j < nIn; j++) z += x.data[r * nIn + j]! * w.data[k * nIn + j]!;
      out[r * nOut + k] = z;
    }
  return { shape: [...x.shape.slice(0, -1), nOut], data: out };
}

/** Grouped, strided, dilated, zero-padded 2-D convolution. */
export function convRef(
  x: Tensor,
  w: Tensor,
  b: Tensor,
  spec: Omit<WindowSpec, 'kernel'> & { group: number },
): Reference {
  const [n, , h, wd] = x.shape as [number, number, number, number];
  const [o, cg, kh, kw] = w.shape as [number, number, number, number];
  const { strides: s, pads: p, dilations: d, group } = spec;
  const oh = windowCount(h, kh, s[0], p[0], p[2], d[0], false);
  const ow = windowCount(wd, kw, s[1], p[1], p[3], d[1], false);
  const shape = [n, o, oh, ow];
  const out = new Float64Array(n * o * oh * ow);
  for (let bi = 0; bi < n; bi++)
    for (let oc = 0; oc < o; oc++) {
      const g = Math.floor(oc / (o / group));
      for (let y = 0; y < oh; y++)
        for (let xo = 0; xo < ow; xo++) {
          let z = b.data[oc]!;
          for (let ci = 0; ci < cg; ci++)
            for (let u = 0; u < kh; u++)
              for (let v = 0; v < kw; v++) {
                const iy = y * s[0] - p[0] + u * d[0];
                const ix = xo * s[1] - p[1] + v * d[1];
                if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                z +=
                  w.data[((oc * cg + ci) * kh + u) * kw + v]! *
                  x.data[at4(x.shape, bi, g * cg + ci, iy, ix)]!;
              }
          out[at4(shape, bi, oc, y, xo)] = z;
        }
    }
  return { shape, data: out };
}

/** The in-input taps of window (y, x), as [iy, ix] pairs in row-major order, and the padded-region count. */
function taps(
  h: number,
  w: number,
  y: number,
  x: number,
  spec: WindowSpec,
): { inside: [number, number][]; padded: number } {
  const { kernel: k, strides: s, pads: p, dilations: d } = spec;
  const inside: [number, number][] = [];
  let padded = 0;
  for (let u = 0; u < k[0]; u++)
    for (let v = 0; v < k[1]; v++) {
      const iy = y * s[0] - p[0] + u * d[0];
      const ix = x * s[1] - p[1] + v * d[1];
      if (iy >= -p[0] && iy < h + p[2] && ix >= -p[1] && ix < w + p[3]) padded++;
      if (iy >= 0 && iy < h && ix >= 0 && ix < w) inside.push([iy, ix]);
    }
  return { inside, padded };
}

/** A pooling reference: `reduce` maps a window's in-input values and padded-tap count to the output. */
function poolRef(
  x: Tensor,
  spec: WindowSpec,
  reduce: (values: number[], padded: number) => number,
): Reference {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const { kernel: k, strides: s, pads: p, dilations: d } = spec;
  const oh = windowCount(h, k[0], s[0], p[0], p[2], d[0], spec.ceilMode ?? false);
  const ow = windowCount(w, k[1], s[1], p[1], p[3], d[1], spec.ceilMode ?? false);
  const shape = [n, c, oh, ow];
  const out = new Float64Array(n * c * oh * ow);
  for (let bi = 0; bi < n; bi++)
    for (let ci = 0; ci < c; ci++)
      for (let y = 0; y < oh; y++)
        for (let xo = 0; xo < ow; xo++) {
          const { inside, padded } = taps(h, w, y, xo, spec);
          const values = inside.map(([iy, ix]) => x.data[at4(x.shape, bi, ci, iy, ix)]!);
          out[at4(shape, bi, ci, y, xo)] = reduce(values, padded);
        }
  return { shape, data: out };
}

/** Max pooling over in-input taps; NaN marks a window of padding only (which has no maximum). */
export const maxPoolRef = (x: Tensor, spec: WindowSpec): Reference =>
  poolRef(x, spec, (values) => (values.length === 0 ? Number.NaN : Math.max(...values)));

/**
 * Average pooling; the divisor counts padded taps (not the ceil-mode overhang) when
 * `countIncludePad`. NaN (0/0) marks a window of padding only without `countIncludePad`.
 */
export const avgPoolRef = (x: Tensor, spec: WindowSpec, countIncludePad: boolean): Reference =>
  poolRef(
    x,
    spec,
    (values, padded) => values.reduce((a, v) => a + v, 0) / (countIncludePad ? padded : values.length),
  );

/** PyTorch's adaptive average pooling. */
export function adaptiveAvgPoolRef(x: Tensor, oh: number, ow: number): Reference {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const shape = [n, c, oh, ow];
  const out = new Float64Array(n * c * oh * ow);
  for (let bi = 0; bi < n; bi++)
    for (let ci = 0; ci < c; ci++)
      for (let i = 0; i < oh; i++)
        for (let j = 0; j < ow; j++) {
          const y0 = Math.floor((i * h) / oh);
          const y1 = Math.ceil(((i + 1) * h) / oh);
          const x0 = Math.floor((j * w) / ow);
          const x1 = Math.ceil(((j + 1) * w) / ow);
          let sum = 0;
          for (let y = y0; y < y1; y++)
            for (let xx = x0; xx < x1; xx++) sum += x.data[at4(x.shape, bi, ci, y, xx)]!;
          out[at4(shape, bi, ci, i, j)] = sum / ((y1 - y0) * (x1 - x0));
        }
  return { shape, data: out };
}
