/**
 * The backward pass of a dense layer, z = x·Wᵀ + b over the last axis (W is [out, in]):
 *   ∂x = ∂z·W,   ∂W = ∂zᵀ·x,   ∂b = Σ_rows ∂z,
 * the rows being the samples (or every leading position of a higher-rank input).
 *
 * NOTE: float32 layers run ∂W and ∂x on the WebAssembly SIMD GEMM where it is available
 * (src/kernels/dense-gemm.ts: `denseWeightGradientWasm`, and `denseAdjointWasm`, the map of
 * src/nn/adjoints/dense.ts). It sums each element in float64 and rounds once, where the loops below
 * (the plain twins, and the fallback) round after every addition, and it adds the products of rows
 * whose ∂z is 0 (exact zeros, unless x holds infinities or NaN) where the loops skip them. ∂b always
 * runs here: it is as many additions as there are elements of ∂z.
 */
import type { FloatArray } from '../../core/tensor.js';
import { denseAdjointWasm, denseWeightGradientWasm, wasmKernelsFor } from '../../kernels/index.js';
import type { Backward } from './backward-context.js';

/** dense: ∂W and ∂b always, ∂x when the input wants a gradient. */
export const denseBackward: Backward<'dense'> = ({ node, inputs, gradOutput, gradInputs, gradParams }) => {
  const x = inputs[0]!.data;
  const w = node.params.weight.data;
  const [nOut = 0, nIn = 0] = node.params.weight.shape;
  const rows = x.length / nIn;
  const gw = gradParams.weight!;
  accumulateBiasGradient(gradOutput, gradParams.bias!, rows, nOut);
  const kernels = wasmKernelsFor(rows * nIn * nOut);
  if (
    !(
      kernels !== null &&
      x instanceof Float32Array &&
      denseWeightGradientWasm(kernels, x, gradOutput, gw, nIn, nOut)
    )
  )
    accumulateWeightGradient(x, gradOutput, gw, rows, nOut, nIn);
  const gx = gradInputs[0];
  if (
    gx &&
    !(
      kernels !== null &&
      w instanceof Float32Array &&
      denseAdjointWasm(kernels, w, gradOutput, gx, nIn, nOut)
    )
  )
    accumulateInputGradient(w, gradOutput, gx, rows, nOut, nIn);
};

/** ∂b[k] += Σ_r ∂z[r, k], summed in float64 and rounded once. */
function accumulateBiasGradient(gz: Float32Array, gb: Float32Array, rows: number, nOut: number): void {
  for (let k = 0; k < nOut; k++) {
    let bias = 0;
    for (let r = 0; r < rows; r++) bias += gz[r * nOut + k]!;
    gb[k] = gb[k]! + bias;
  }
}

/**
 * ∂W += ∂zᵀ·x. NOTE: row by row of ∂W (k outer): one row of ∂W stays in cache while the batch
 * streams past; rows of the batch whose ∂z[r, k] is 0 (a ReLU that was off) are skipped.
 */
function accumulateWeightGradient(
  x: FloatArray,
  gz: Float32Array,
  gw: Float32Array,
  rows: number,
  nOut: number,
  nIn: number,
): void {
  for (let k = 0; k < nOut; k++) {
    const wk = k * nIn;
    for (let r = 0; r < rows; r++) {
      const g = gz[r * nOut + k]!;
      if (g === 0) continue;
      const xr = r * nIn;
      for (let j = 0; j < nIn; j++) gw[wk + j] = gw[wk + j]! + g * x[xr + j]!;
    }
  }
}

/**
 * ∂x += ∂z·W. NOTE: four rows at a time, so that each row of W is read once per four samples
 * instead of once per sample (W is larger than the cache on MNIST-sized layers).
 */
function accumulateInputGradient(
  w: FloatArray,
  gz: Float32Array,
  gx: Float32Array,
  rows: number,
  nOut: number,
  nIn: number,
): void {
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const [x0, x1, x2, x3] = [r * nIn, (r + 1) * nIn, (r + 2) * nIn, (r + 3) * nIn];
    for (let k = 0; k < nOut; k++) {
      const g0 = gz[r * nOut + k]!;
      const g1 = gz[(r + 1) * nOut + k]!;
      const g2 = gz[(r + 2) * nOut + k]!;
      const g3 = gz[(r + 3) * nOut + k]!;
      if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0) continue;
      const wk = k * nIn;
      for (let j = 0; j < nIn; j++) {
        const wj = w[wk + j]!;
        gx[x0 + j] = gx[x0 + j]! + g0 * wj;
        gx[x1 + j] = gx[x1 + j]! + g1 * wj;
        gx[x2 + j] = gx[x2 + j]! + g2 * wj;
        gx[x3 + j] = gx[x3 + j]! + g3 * wj;
      }
    }
  }
  for (; r < rows; r++)
    for (let k = 0; k < nOut; k++) {
      const g = gz[r * nOut + k]!;
      if (g === 0) continue;
      const wk = k * nIn;
      const xr = r * nIn;
      for (let j = 0; j < nIn; j++) gx[xr + j] = gx[xr + j]! + g * w[wk + j]!;
    }
}
