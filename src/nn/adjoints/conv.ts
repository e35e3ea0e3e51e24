/**
 * The adjoint of a convolution's linear part (the transposed convolution): each output's value s
 * is spread back over the input taps of its window,
 *   c[c, y·sh − pt + u·dh, x·sw − pl + v·dw] += W[o, c − g₀, u, v]·s[o, y, x],
 * with taps in the padding dropped. LRP's c = Wᵀ(R/z) and the trainer's input gradient are this
 * map. Loop order mirrors the forward kernel (ops/conv.ts): weight-stationary, contiguous rows.
 */
import type { FloatArray } from '../../core/tensor.js';
import { convAdjointWasm, kernelAccumulation, wasmKernelsFor } from '../../kernels/index.js';
import type { Node } from '../graph.js';
import { axes2d, validOutputs } from '../ops/window.js';

/**
 * Adds the transposed convolution of `s` ([N, O, oh, ow]) into `c` ([N, C, H, W]). Shapes are per
 * sample; `weight` replaces the node's own weight if given (same layout).
 */
export function convAdjoint(
  node: Node<'conv'>,
  inputShape: readonly number[],
  outputShape: readonly number[],
  s: FloatArray,
  c: FloatArray,
  weight: FloatArray = node.params.weight.data,
): void {
  const [channels = 0, height = 0, width = 0] = inputShape;
  const [, outHeight = 0, outWidth = 0] = outputShape;
  const [nOut, perGroup, kh, kw] = node.params.weight.shape as [number, number, number, number];
  const { strides, pads, dilations, group } = node.attributes;
  const [ay, ax] = axes2d([kh, kw], strides, pads, dilations);
  const outPlane = outHeight * outWidth;
  const batch = outPlane > 0 ? s.length / (nOut * outPlane) : 0;
  // NOTE: float32 adjoints run on the WebAssembly SIMD GEMM (and col2im) where it is available; it
  // sums each input element in float64 and rounds once (with float32 accumulation, the products of
  // a tap in float32, then the taps in float64), where these loops (the plain twin) round every
  // addition.
  const kernels = wasmKernelsFor(batch * nOut * perGroup * kh * kw * outPlane);
  const geometry = { batch, channels, height, width, outChannels: nOut, group, kh, kw };
  if (
    kernels !== null &&
    s instanceof Float32Array &&
    c instanceof Float32Array &&
    weight instanceof Float32Array &&
    convAdjointWasm(
      kernels,
      weight,
      s,
      c,
      { ...geometry, oh: outHeight, ow: outWidth, rows: ay, cols: ax },
      kernelAccumulation(),
    )
  )
    return;
  const rows = Array.from({ length: kh }, (_, u) => validOutputs(u, height, outHeight, ay));
  const cols = Array.from({ length: kw }, (_, v) => validOutputs(v, width, outWidth, ax));
  const outPerGroup = nOut / group;
  const [sy, sx] = strides;
  for (let n = 0; n < batch; n++)
    for (let o = 0; o < nOut; o++) {
      const sPlane = (n * nOut + o) * outPlane;
      const firstChannel = Math.floor(o / outPerGroup) * perGroup;
      for (let cg = 0; cg < perGroup; cg++) {
        const plane = (n * channels + firstChannel + cg) * height * width;
        const wBase = (o * perGroup + cg) * kh * kw;
        for (let u = 0; u < kh; u++) {
          const [yLo, yHi] = rows[u]!;
          const dy = u * ay.dilation - ay.padBegin;
          for (let v = 0; v < kw; v++) {
            const [xLo, xHi] = cols[v]!;
            const dx = v * ax.dilation - ax.padBegin;
            const wv = weight[wBase + u * kw + v]!;
            if (wv === 0) continue;
            for (let y = yLo; y < yHi; y++) {
              const row = plane + (y * sy + dy) * width + dx;
              const sRow = sPlane + y * outWidth;
              for (let x = xLo; x < xHi; x++) c[row + x * sx] = c[row + x * sx]! + wv * s[sRow + x]!;
            }
          }
        }
      }
    }
}
