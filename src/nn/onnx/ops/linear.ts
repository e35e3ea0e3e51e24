/**
 * ONNX Gemm and MatMul → `dense` (z = a·Wᵀ + b, W `[out, in]` as in PyTorch's `nn.Linear`).
 *
 * - Gemm(A, B, C; alpha, beta, transA, transB): Y = alpha·A'·B' + beta·C. A is the activation, so
 *   transA must be 0; B is [out, in] with transB = 1 (PyTorch's export) or [in, out] with transB = 0
 *   (transposed here); alpha is folded into W, beta into the bias.
 * - MatMul(A, B) with B a constant [in, out]: W = Bᵀ and a zero bias, which a directly following
 *   `Add` of a constant [out] fills in (arithmetic.ts), so MatMul + Add make one dense node.
 *
 * Reference: ONNX operator docs for Gemm and MatMul.
 */
import { ShapeError, UnsupportedError } from '../../../core/errors.js';
import { type Tensor, tensor } from '../../../core/tensor.js';
import { onnxRank, perSampleAxis, sameBatch } from '../batch-layout.js';
import { type ImportContext, type OnnxNode, where } from '../context.js';
import { type FloatConstant, onnxDims } from '../values.js';
import { biasOf, paramOf } from './params.js';

/** Gemm: a Linear layer. */
export function gemm(node: OnnxNode, ctx: ImportContext): void {
  const a = ctx.anyActivation(node, 0);
  const alpha = node.attrs.float('alpha', 1);
  const beta = node.attrs.float('beta', 1);
  if (node.attrs.int('transA', 0) !== 0)
    throw new UnsupportedError(
      `${where(node)}: transA = 1 on an activation input is not supported (it would mix the batch); ` +
        'export the layer as x @ W.T + b (torch.nn.Linear)',
    );
  const b = ctx.floatConstant(node, 1);
  const transB = node.attrs.int('transB', 0) !== 0;
  // [N, in], or [seq·N, in] where MultiheadAttention merged the batch with the tokens.
  if (b.dims.length !== 2 || onnxRank(a) !== 2 || perSampleAxis(a, 1) === undefined)
    throw new ShapeError(
      `${where(node)} inputs`,
      `A [N, in] and B [${transB ? 'out, in' : 'in, out'}]`,
      `A [${onnxDims(a).join(', ')}] and B [${b.dims.join(', ')}]`,
    );
  const weight = transB ? paramOf(node, b, 'weight') : transposed(node, b);
  const size = weight.shape[0]!;
  if (alpha !== 1) for (let i = 0; i < weight.data.length; i++) weight.data[i] = alpha * weight.data[i]!;
  ctx.emit(node, 'dense', {}, { weight, bias: biasOf(ctx, node, 2, size, beta) }, [a], '', a.batch);
}

/** MatMul of an activation by a constant [in, out] matrix. */
export function matMul(node: OnnxNode, ctx: ImportContext): void {
  const a = ctx.anyActivation(node, 0);
  const second = ctx.laidOut(node, 1)!;
  if (second.kind === 'activation') {
    // Two activations (attention): the matrix product of both, per sample. With the batch merged
    // into the product's leading axes (batch·heads), per sample it is the product per head.
    if (!sameBatch(a, second) || (a.batch !== undefined && a.batch.end > a.shape.length - 2))
      throw ctx.unsupported(
        node,
        `of activations [${onnxDims(a).join(', ')}] and [${onnxDims(second).join(', ')}] that do not hold the batch on the same leading axis`,
      );
    ctx.emit(node, 'matmul', {}, {}, [a, second], '', a.batch);
    return;
  }
  if (perSampleAxis(a, onnxRank(a) - 1) === undefined)
    throw ctx.unsupported(node, `over the axis of [${onnxDims(a).join(', ')}] that holds the batch`);
  const b = ctx.floatConstant(node, 1);
  if (b.dims.length !== 2)
    throw new UnsupportedError(
      `${where(node)}: only a constant [in, out] matrix as the second input is supported, ` +
        `got [${b.dims.join(', ')}]`,
    );
  const weight = transposed(node, b);
  const size = weight.shape[0]!;
  ctx.markBiasFree(
    ctx.emit(node, 'dense', {}, { weight, bias: tensor([size], new Float32Array(size)) }, [a], '', a.batch),
  );
}

/** A constant [rows, cols] as the parameter [cols, rows] (a fresh copy). */
function transposed(node: OnnxNode, c: FloatConstant): Tensor<Float32Array> {
  const m = paramOf(node, c, 'weight');
  const [rows, cols] = m.shape as [number, number];
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let k = 0; k < cols; k++) out[k * rows + r] = m.data[r * cols + k]!;
  return tensor([cols, rows], out);
}
