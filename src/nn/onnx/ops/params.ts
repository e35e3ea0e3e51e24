/**
 * Float constants as model parameters: weights, biases and BatchNorm statistics become float32
 * tensors in ONNX/PyTorch layouts (graph.ts). Non-finite parameters are refused, because every
 * later number (logits, relevance) would be NaN.
 */
import { FormatError, ShapeError } from '../../../core/errors.js';
import { firstNonFinite } from '../../../core/finite.js';
import { type Tensor, tensor } from '../../../core/tensor.js';
import { type ImportContext, nodeLabel, type OnnxNode, where } from '../context.js';
import { type FloatConstant, parameterData } from '../values.js';

/**
 * A float constant as a parameter tensor named `param` (for messages), checked finite; its own
 * memory (`parameterData`: the constant's array when no one else holds it, else a copy).
 */
export function paramOf(node: OnnxNode, constant: FloatConstant, param: string): Tensor<Float32Array> {
  const i = firstNonFinite(constant.data);
  if (i >= 0)
    throw new FormatError(
      'onnx',
      `${nodeLabel(node)}: ${param} element ${i} is ${constant.data[i]}; parameters must be finite`,
    );
  return tensor(constant.dims, parameterData(constant));
}

/**
 * A bias of `size` elements from optional input `i`: absent → zeros; [size], [1, size] or a
 * broadcast scalar ([] or [1]) → [size]; `scale` multiplies it (Gemm's beta).
 */
export function biasOf(
  ctx: ImportContext,
  node: OnnxNode,
  i: number,
  size: number,
  scale = 1,
): Tensor<Float32Array> {
  if (ctx.optional(node, i) === undefined) return tensor([size], new Float32Array(size));
  const c = ctx.floatConstant(node, i);
  const b = paramOf(node, c, 'bias');
  const n = b.data.length;
  const fits = (n === size && c.dims.length >= 1 && c.dims.slice(0, -1).every((d) => d === 1)) || n === 1;
  if (!fits)
    throw new ShapeError(
      `${where(node)} bias`,
      `[${size}], [1, ${size}] or a scalar`,
      `[${c.dims.join(', ')}]`,
    );
  const data = new Float32Array(size);
  for (let k = 0; k < size; k++) data[k] = scale * b.data[n === 1 ? 0 : k]!;
  return tensor([size], data);
}
