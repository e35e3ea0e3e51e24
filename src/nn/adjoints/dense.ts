/**
 * The adjoint of a dense layer's linear part: c = Wᵀs, i.e. c[r, j] = Σ_k W[k, j]·s[r, k] for each
 * row r (sample, or leading position). LRP's c = Wᵀ(R/z) and the trainer's ∂x = ∂z·W are this map.
 */
import type { FloatArray } from '../../core/tensor.js';
import { denseAdjointWasm, wasmKernelsFor } from '../../kernels/index.js';
import type { Node } from '../graph.js';

/** Adds Wᵀs into `c` (input-shaped), with `weight` in place of the node's own weight if given. */
export function denseAdjoint(
  node: Node<'dense'>,
  s: FloatArray,
  c: FloatArray,
  weight: FloatArray = node.params.weight.data,
): void {
  const [nOut = 0, nIn = 0] = node.params.weight.shape;
  const rows = s.length / nOut;
  // NOTE: float32 adjoints run on the WebAssembly SIMD GEMM where it is available; it sums each
  // element in float64 and rounds once, where this loop (the plain twin) rounds every addition.
  const kernels = wasmKernelsFor(rows * nIn * nOut);
  if (
    kernels !== null &&
    s instanceof Float32Array &&
    c instanceof Float32Array &&
    weight instanceof Float32Array &&
    denseAdjointWasm(kernels, weight, s, c, nIn, nOut)
  )
    return;
  for (let r = 0; r < rows; r++) {
    const cBase = r * nIn;
    for (let k = 0; k < nOut; k++) {
      const sk = s[r * nOut + k]!;
      if (sk === 0) continue;
      const wBase = k * nIn;
      for (let j = 0; j < nIn; j++) c[cBase + j] = c[cBase + j]! + weight[wBase + j]! * sk;
    }
  }
}
