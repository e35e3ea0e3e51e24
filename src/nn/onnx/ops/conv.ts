/**
 * ONNX Conv(X, W, B; auto_pad, dilations, group, kernel_shape, pads, strides) → `conv`, 2-D only:
 * X [N, C, H, W], W [M, C/group, kh, kw], optional B [M] (zeros when absent).
 *
 * Reference: ONNX operator docs for Conv.
 */
import { FormatError, UnsupportedError } from '../../../core/errors.js';
import { type ImportContext, nodeLabel, type OnnxNode, where } from '../context.js';
import { biasOf, paramOf } from './params.js';
import { windowOf } from './window.js';

/** Conv: a 2-D convolution. */
export function conv(node: OnnxNode, ctx: ImportContext): void {
  const x = ctx.activation(node, 0);
  const w = ctx.floatConstant(node, 1);
  if (w.dims.length !== 4)
    throw new UnsupportedError(
      `${where(node)}: only 2-D convolutions (weight [M, C/group, kh, kw]) are supported, got a weight ` +
        `[${w.dims.join(', ')}]`,
    );
  const kernel = w.dims.slice(2);
  const kernelShape = node.attrs.intsOrUndefined('kernel_shape');
  if (kernelShape !== undefined && kernelShape.join(',') !== kernel.join(','))
    throw new FormatError(
      'onnx',
      `${nodeLabel(node)}: kernel_shape [${kernelShape.join(', ')}] does not match the weight ` +
        `[${w.dims.join(', ')}]`,
    );
  const { strides, pads, dilations } = windowOf(node, x.shape, kernel);
  const group = node.attrs.int('group', 1);
  const weight = paramOf(node, w, 'weight');
  ctx.emit(
    node,
    'conv',
    { strides, pads, dilations, group },
    { weight, bias: biasOf(ctx, node, 2, w.dims[0]!) },
    [x],
  );
}
