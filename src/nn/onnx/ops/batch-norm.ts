/**
 * ONNX BatchNormalization(X, scale, B, input_mean, input_var; epsilon, momentum, spatial,
 * training_mode) in inference mode → `batch_norm`: y = (x − mean)/√(var + epsilon)·scale + B per
 * channel (axis 1 of [N, C, …]). The importer later folds it into the preceding Gemm, MatMul or
 * Conv, as zennit's `MergeBatchNorm` does (canonize/batch-norm.ts).
 *
 * Exports for opsets before 9 carry `spatial`, which must be 1 (one statistic per channel); from
 * opset 14 on `training_mode` must be 0, so that the extra running-statistics outputs are unused.
 *
 * Reference: ONNX operator docs for BatchNormalization.
 */
import { ShapeError } from '../../../core/errors.js';
import type { Tensor } from '../../../core/tensor.js';
import { type ImportContext, type OnnxNode, where } from '../context.js';
import { paramOf } from './params.js';

/** BatchNormalization with running statistics. */
export function batchNormalization(node: OnnxNode, ctx: ImportContext): void {
  const x = ctx.activation(node, 0);
  if (node.attrs.int('spatial', 1) !== 1)
    throw ctx.unsupported(node, 'with spatial = 0 (one statistic per element)');
  if (node.attrs.int('training_mode', 0) !== 0)
    throw ctx.unsupported(node, 'in training mode (training_mode = 1); export the model in eval() mode');
  for (const extra of node.outputs.slice(1))
    if (extra !== '' && ctx.consumers(extra) > 0)
      throw ctx.unsupported(node, 'with its training outputs in use');
  const statistic = (i: number, name: string): Tensor<Float32Array> => {
    const c = ctx.floatConstant(node, i);
    if (c.dims.length !== 1)
      throw new ShapeError(
        `${where(node)} input ${name}`,
        `[C] with C = ${x.shape[0]}`,
        `[${c.dims.join(', ')}]`,
      );
    return paramOf(node, c, name);
  };
  const epsilon = node.attrs.float('epsilon', 1e-5);
  ctx.emit(
    node,
    'batch_norm',
    { epsilon },
    {
      scale: statistic(1, 'scale'),
      bias: statistic(2, 'B'),
      mean: statistic(3, 'input_mean'),
      variance: statistic(4, 'input_var'),
    },
    [x],
  );
}
