/**
 * The backward pass of a 2-D convolution (ops/conv.ts),
 *   z[o, y, x] = b[o] + Σ_{c ∈ group(o)} Σ_{u,v} W[o, c − g₀, u, v]·a[c, y·sh − pt + u·dh, x·sw − pl + v·dw]:
 *   ∂b[o]             = Σ_{n,y,x} ∂z[n, o, y, x],
 *   ∂W[o, c − g₀, u, v] = Σ_{n,y,x} ∂z[n, o, y, x]·a[n, c, y·sh − pt + u·dh, x·sw − pl + v·dw],
 *   ∂a                = the transposed convolution of ∂z (src/nn/adjoints/conv.ts),
 * with taps in the padding contributing nothing. Groups, strides, asymmetric pads and dilations
 * are those of the forward pass.
 *
 * NOTE: performance. ∂W is a matrix product, ∂W[o, k] = Σ_p ∂z[o, p]·col[k, p], with k = (c, u, v)
 * a tap of the window and p = (y, x) an output position; col is the im2col matrix of the forward
 * kernel. Positions are taken in tiles of `TILE` so that a tile of col ([depth, TILE], row-major)
 * stays in cache; each row of col is then read once for four output channels, and both operands
 * of the inner loop are contiguous. Accumulation is in float64 locals, one store per tile.
 *
 * NOTE: float32 batches run ∂W on the WebAssembly SIMD GEMM where it is available
 * (src/kernels/conv-gemm.ts: `convWeightGradientWasm`). It sums each weight's products over the
 * whole batch in float64 and rounds once, where these loops (the plain twin, and the fallback) round
 * once per sample and tile; ∂a goes through `convAdjoint`, which routes the same way.
 */
import type { FloatArray } from '../../core/tensor.js';
import { convWeightGradientWasm, wasmKernelsFor } from '../../kernels/index.js';
import { convAdjoint } from '../adjoints/index.js';
import type { Node } from '../graph.js';
import { type Axis, axes2d } from '../ops/window.js';
import { type Backward, perSample } from './backward-context.js';

/** Output positions per im2col tile. */
const TILE = 128;

/** conv: ∂W and ∂b always, ∂a when the input wants a gradient. */
export const convBackward: Backward<'conv'> = ({
  node,
  inputs,
  output,
  gradOutput,
  gradInputs,
  gradParams,
}) => {
  const x = inputs[0]!;
  convBiasGradient(gradOutput, gradParams.bias!, output.shape);
  convWeightGradient(node, x.data, x.shape, output.shape, gradOutput, gradParams.weight!);
  const gx = gradInputs[0];
  if (gx) convAdjoint(node, perSample(x), perSample(output), gradOutput, gx);
};

/** ∂b[o] += Σ over the batch and the positions of ∂z[n, o, ·]. */
function convBiasGradient(gz: Float32Array, gb: Float32Array, outShape: readonly number[]): void {
  const [batch = 0, nOut = 0, oh = 0, ow = 0] = outShape;
  const positions = oh * ow;
  for (let n = 0; n < batch; n++)
    for (let o = 0; o < nOut; o++) {
      const base = (n * nOut + o) * positions;
      let sum = 0;
      for (let p = base; p < base + positions; p++) sum += gz[p]!;
      gb[o] = gb[o]! + sum;
    }
}

/** The sizes of one convolution, batch included. */
interface Geometry {
  readonly channels: number;
  readonly height: number;
  readonly width: number;
  readonly kh: number;
  readonly kw: number;
  readonly ow: number;
  readonly rows: Axis;
  readonly cols: Axis;
}

/**
 * ∂W += ∂z·colᵀ per sample, group and tile of positions (see the file header). `inShape` and
 * `outShape` have the batch axis.
 */
export function convWeightGradient(
  node: Node<'conv'>,
  a: FloatArray,
  inShape: readonly number[],
  outShape: readonly number[],
  gz: Float32Array,
  gw: Float32Array,
): void {
  const [batch = 0, channels = 0, height = 0, width = 0] = inShape;
  const [, nOut = 0, oh = 0, ow = 0] = outShape;
  const [, perGroup = 0, kh = 0, kw = 0] = node.params.weight.shape;
  const { strides, pads, dilations, group } = node.attributes;
  const [rows, cols] = axes2d([kh, kw], strides, pads, dilations);
  const g: Geometry = { channels, height, width, kh, kw, ow, rows, cols };
  const outs = nOut / group;
  const depth = perGroup * kh * kw;
  const positions = oh * ow;
  const kernels = wasmKernelsFor(batch * nOut * depth * positions);
  const shape = { batch, channels, height, width, outChannels: nOut, group, kh, kw, oh, ow, rows, cols };
  if (kernels !== null && a instanceof Float32Array && convWeightGradientWasm(kernels, a, gz, gw, shape))
    return;
  const col = new Float64Array(depth * TILE);
  for (let n = 0; n < batch; n++)
    for (let grp = 0; grp < group; grp++) {
      const plane0 = (n * channels + grp * perGroup) * height * width;
      const g0 = (n * nOut + grp * outs) * positions;
      const w0 = grp * outs * depth;
      for (let p0 = 0; p0 < positions; p0 += TILE) {
        const count = Math.min(TILE, positions - p0);
        fillColumns(a, plane0, col, p0, count, perGroup, g);
        accumulateTile(gz, col, gw, g0 + p0, positions, w0, outs, depth, count);
      }
    }
}

/** col[k·TILE + j] = input tap k of position p0 + j (0 in the padding). */
function fillColumns(
  a: FloatArray,
  plane0: number,
  col: Float64Array,
  p0: number,
  count: number,
  perGroup: number,
  g: Geometry,
): void {
  const { rows, cols, height, width, ow } = g;
  let k = 0;
  for (let c = 0; c < perGroup; c++) {
    const plane = plane0 + c * height * width;
    for (let u = 0; u < g.kh; u++) {
      const dy = u * rows.dilation - rows.padBegin;
      for (let v = 0; v < g.kw; v++) {
        const dx = v * cols.dilation - cols.padBegin;
        const base = k * TILE;
        let y = Math.floor(p0 / ow);
        let x = p0 - y * ow;
        for (let j = 0; j < count; j++) {
          const iy = y * rows.stride + dy;
          const ix = x * cols.stride + dx;
          col[base + j] = iy >= 0 && iy < height && ix >= 0 && ix < width ? a[plane + iy * width + ix]! : 0;
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
 * gw[w0 + o·depth + k] += Σ_{j < count} gz[g0 + o·positions + j]·col[k·TILE + j] for the group's
 * `outs` output channels, four at a time.
 */
function accumulateTile(
  gz: Float32Array,
  col: Float64Array,
  gw: Float32Array,
  g0: number,
  positions: number,
  w0: number,
  outs: number,
  depth: number,
  count: number,
): void {
  let o = 0;
  for (; o + 4 <= outs; o += 4) {
    const r0 = g0 + o * positions;
    const r1 = r0 + positions;
    const r2 = r1 + positions;
    const r3 = r2 + positions;
    const wRow = w0 + o * depth;
    for (let k = 0; k < depth; k++) {
      const base = k * TILE;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let j = 0; j < count; j++) {
        const c = col[base + j]!;
        s0 += gz[r0 + j]! * c;
        s1 += gz[r1 + j]! * c;
        s2 += gz[r2 + j]! * c;
        s3 += gz[r3 + j]! * c;
      }
      gw[wRow + k] = gw[wRow + k]! + s0;
      gw[wRow + depth + k] = gw[wRow + depth + k]! + s1;
      gw[wRow + 2 * depth + k] = gw[wRow + 2 * depth + k]! + s2;
      gw[wRow + 3 * depth + k] = gw[wRow + 3 * depth + k]! + s3;
    }
  }
  for (; o < outs; o++) {
    const r = g0 + o * positions;
    const wRow = w0 + o * depth;
    for (let k = 0; k < depth; k++) {
      const base = k * TILE;
      let s = 0;
      for (let j = 0; j < count; j++) s += gz[r + j]! * col[base + j]!;
      gw[wRow + k] = gw[wRow + k]! + s;
    }
  }
}
