/**
 * ONNX LayerNormalization(X, Scale, B; axis = −1, epsilon = 1e-5) (opset 17; earlier exports
 * write it decomposed, which the pattern pass fuses, fuse.ts) → `layer_norm` over the per-sample
 * axes from `axis` on. Scale and B must be float constants of the normalised shape (B may be
 * absent: zero); the optional Mean and InvStdDev outputs must be unused.
 *
 * Reference: ONNX operator docs for LayerNormalization.
 */
import { tensor } from '../../../core/tensor.js';
import { onnxRank, perSampleAxis } from '../batch-layout.js';
import type { ImportContext, OnnxNode } from '../context.js';
import { paramOf } from './params.js';

/** LayerNormalization. */
export function layerNormalization(node: OnnxNode, ctx: ImportContext): void {
  const x = ctx.anyActivation(node, 0);
  for (const extra of node.outputs.slice(1))
    if (extra !== '' && ctx.consumers(extra) > 0)
      throw ctx.unsupported(node, 'with its Mean or InvStdDev output in use');
  const rank = onnxRank(x);
  const raw = node.attrs.int('axis', -1);
  const onnxAxis = raw < 0 ? raw + rank : raw;
  // The normalised axes, from `axis` on, must all be per sample (the batch before them).
  const start = onnxAxis >= 0 && onnxAxis < rank ? perSampleAxis(x, onnxAxis) : undefined;
  if (start === undefined || (x.batch !== undefined && x.batch.start >= onnxAxis))
    throw ctx.unsupported(
      node,
      `over axis ${raw} of a rank-${rank} activation (the batch axis must stay apart)`,
    );
  const axis = start + 1;
  const normalized = x.shape.slice(axis - 1);
  const param = (i: number, name: string, fill: number) => {
    const c = ctx.optional(node, i);
    if (c === undefined)
      return tensor(normalized, new Float32Array(normalized.reduce((p, d) => p * d, 1)).fill(fill));
    const t = paramOf(node, ctx.floatConstant(node, i), name);
    return tensor(normalized, t.data);
  };
  ctx.emit(
    node,
    'layer_norm',
    { axis: axis - 1, epsilon: node.attrs.float('epsilon', 1e-5) },
    { scale: param(1, 'scale', 1), bias: param(2, 'bias', 0) },
    [x],
    '',
    x.batch,
  );
}
