/**
 * A trailing ONNX Softmax or LogSoftmax(input; axis) over the classes is recognised and stripped:
 * the model outputs the logits, and `model.strippedOutput` records what followed them (LRP
 * explains logits). Anywhere else a softmax is not supported.
 *
 * The classes must be the one per-sample axis ([N, classes]); `axis` defaults to 1 before opset
 * 13 and to -1 from 13 on, both the class axis there.
 *
 * Reference: ONNX operator docs for Softmax, LogSoftmax.
 */
import type { StrippedOutput } from '../../graph.js';
import type { ImportContext, OnnxNode } from '../context.js';

/** Softmax. */
export const softmax = (node: OnnxNode, ctx: ImportContext): void => strip(node, ctx, 'softmax');

/** LogSoftmax. */
export const logSoftmax = (node: OnnxNode, ctx: ImportContext): void => strip(node, ctx, 'log_softmax');

function strip(node: OnnxNode, ctx: ImportContext, kind: StrippedOutput): void {
  const x = ctx.activation(node, 0);
  const output = node.outputs[0];
  const trailing =
    output === ctx.graphOutput && ctx.consumers(output) === 1 && ctx.strippedOutput === undefined;
  if (!trailing) throw ctx.unsupported(node, 'except as the last node, on the graph output');
  const axis = node.attrs.int('axis', node.opset < 13 ? 1 : -1);
  if (x.shape.length !== 1 || (axis !== 1 && axis !== -1))
    throw ctx.unsupported(
      node,
      `over axis ${axis} of [N, ${x.shape.join(', ')}] (only over the classes of [N, classes])`,
    );
  ctx.strippedOutput = kind;
  ctx.fold(node, x);
}
