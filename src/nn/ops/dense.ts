/**
 * Dense (fully connected) layer: z[k] = Σ_j a[j]·W[k,j] + b[k] over the last per-sample axis,
 * [..., in] → [..., out], W `[out, in]` as in ONNX Gemm (transB = 1) and PyTorch `nn.Linear`.
 * Connectivity `dense`: every input element of a row reaches every output element of that row.
 */
import { ShapeError } from '../../core/errors.js';
import { showShape } from '../../core/tensor.js';
import { denseForwardWasm, wasmKernelsFor } from '../../kernels/index.js';
import { denseAdjoint } from '../adjoints/dense.js';
import { forEachDenseEdge } from '../connectivity/dense.js';
import { denseBackward } from '../train/dense-gradient.js';
import { describeNode, expectInputCount, expectNonEmpty, expectParamShape } from './checks.js';
import type { OpDefinition } from './op-definition.js';

export const dense: OpDefinition<'dense'> = {
  op: 'dense',
  connectivity: 'dense',
  lrp: 'linear',
  backward: (context) => denseBackward(context),
  edges: (node, shapes, emit) => forEachDenseEdge(node, shapes, emit),
  hasParams: true,
  adjoint: (node, _inputShape, _outputShape, s, c, weight) =>
    denseAdjoint(node, s, c, weight ?? node.params.weight.data),
  inferShape(node, inputs) {
    expectInputCount(node, inputs, 1);
    const input = inputs[0]!;
    expectNonEmpty(node, input, 'input');
    const weightShape = node.params.weight?.shape ?? [];
    if (weightShape.length !== 2)
      throw new ShapeError(`${describeNode(node)} parameter "weight"`, '[out, in]', showShape(weightShape));
    const [nOut, nIn] = weightShape as [number, number];
    if (input[input.length - 1] !== nIn)
      throw new ShapeError(
        `${describeNode(node)} input`,
        `[..., ${nIn}] to match the weight ${showShape(weightShape)}`,
        showShape(input),
      );
    expectParamShape(node, 'weight', node.params.weight, [nOut, nIn]);
    expectParamShape(node, 'bias', node.params.bias, [nOut]);
    return [...input.slice(0, -1), nOut];
  },
  forward(node, inputs, out) {
    const a = inputs[0]!.data;
    const w = node.params.weight.data;
    const b = node.params.bias.data;
    const z = out.data;
    const nOut = b.length;
    const nIn = w.length / nOut;
    const rows = a.length / nIn;
    // NOTE: float32 layers run on the WebAssembly SIMD GEMM where it is available; its results
    // equal this loop's bit for bit (src/kernels/gemm.wat), which stays as the plain twin.
    const kernels = wasmKernelsFor(rows * nIn * nOut);
    if (
      kernels !== null &&
      a instanceof Float32Array &&
      w instanceof Float32Array &&
      b instanceof Float32Array &&
      z instanceof Float32Array &&
      denseForwardWasm(kernels, a, w, b, z, nIn, nOut)
    )
      return;
    // NOTE: four rows at a time, so that each row of W is read once per four samples rather than
    // once per sample (W is larger than the cache on MNIST-sized layers). Accumulators are float64
    // numbers, each output rounded once on the store.
    let r = 0;
    for (; r + 4 <= rows; r += 4) {
      const a0 = r * nIn;
      const a1 = a0 + nIn;
      const a2 = a1 + nIn;
      const a3 = a2 + nIn;
      for (let k = 0; k < nOut; k++) {
        const wBase = k * nIn;
        let z0 = b[k]!;
        let z1 = z0;
        let z2 = z0;
        let z3 = z0;
        for (let j = 0; j < nIn; j++) {
          const wj = w[wBase + j]!;
          z0 += a[a0 + j]! * wj;
          z1 += a[a1 + j]! * wj;
          z2 += a[a2 + j]! * wj;
          z3 += a[a3 + j]! * wj;
        }
        z[r * nOut + k] = z0;
        z[(r + 1) * nOut + k] = z1;
        z[(r + 2) * nOut + k] = z2;
        z[(r + 3) * nOut + k] = z3;
      }
    }
    for (; r < rows; r++) {
      const aBase = r * nIn;
      for (let k = 0; k < nOut; k++) {
        const wBase = k * nIn;
        let acc = b[k]!;
        for (let j = 0; j < nIn; j++) acc += a[aBase + j]! * w[wBase + j]!;
        z[r * nOut + k] = acc;
      }
    }
  },
};
