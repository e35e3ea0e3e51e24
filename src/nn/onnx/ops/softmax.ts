/**
 * A trailing ONNX Softmax or LogSoftmax(input; axis) over the classes is recognised and stripped:
 * the model outputs the logits, and `model.strippedOutput` records what followed them (LRP
 * explains logits). A Softmax anywhere else (attention weights) becomes a `softmax` node over its
 * per-sample axis; before opset 13 ONNX's softmax flattens the axes from `axis` on, which equals
 * a softmax over `axis` only when it is the last axis with more than one element. LogSoftmax
 * elsewhere is not supported.
 *
 * The classes must be the one per-sample axis ([N, classes]); `axis` defaults to 1 before opset
 * 13 and to -1 from 13 on, both the class axis there.
 *
 * Reference: ONNX operator docs for Softmax, LogSoftmax.
 */
import type { StrippedOutput } from '../../graph.js';
import { onnxRank, perSampleAxis } from '../batch-layout.js';
import type { ImportContext, OnnxNode } from '../context.js';
import { type Activation, batchFirst, onnxDims } from '../values.js';

/** Softmax. */
export const softmax = (node: OnnxNode, ctx: ImportContext): void => strip(node, ctx, 'softmax');

/** LogSoftmax. */
export const logSoftmax = (node: OnnxNode, ctx: ImportContext): void => strip(node, ctx, 'log_softmax');

function strip(node: OnnxNode, ctx: ImportContext, kind: StrippedOutput): void {
  const laid = ctx.laidOut(node, 0);
  const x = laid?.kind === 'activation' ? laid : ctx.activation(node, 0);
  const output = node.outputs[0];
  const trailing =
    output === ctx.graphOutput && ctx.consumers(output) === 1 && ctx.strippedOutput === undefined;
  if (!trailing && kind === 'softmax') {
    inner(node, ctx, x);
    return;
  }
  if (!trailing) throw ctx.unsupported(node, 'except as the last node, on the graph output');
  if (!batchFirst(x))
    throw ctx.unsupported(
      node,
      `on [${onnxDims(x).join(', ')}], which holds the batch on another axis than the first`,
    );
  const axis = node.attrs.int('axis', node.opset < 13 ? 1 : -1);
  if (x.shape.length !== 1 || (axis !== 1 && axis !== -1))
    throw ctx.unsupported(
      node,
      `over axis ${axis} of [N, ${x.shape.join(', ')}] (only over the classes of [N, classes])`,
    );
  ctx.strippedOutput = kind;
  ctx.fold(node, x);
}

/** A softmax inside the network, over one per-sample axis. */
function inner(node: OnnxNode, ctx: ImportContext, x: Activation): void {
  const rank = onnxRank(x);
  const raw = node.attrs.int('axis', node.opset < 13 ? 1 : -1);
  const onnxAxis = raw < 0 ? raw + rank : raw;
  // The per-sample axis; undefined for the one holding the batch (first, or where it moved).
  const axis = onnxAxis >= 0 && onnxAxis < rank ? perSampleAxis(x, onnxAxis) : undefined;
  if (axis === undefined)
    throw ctx.unsupported(node, `over axis ${raw} of a rank-${rank} activation (only a per-sample axis)`);
  if (node.opset < 13 && x.shape.slice(axis + 1).some((d) => d !== 1))
    throw ctx.unsupported(
      node,
      `before opset 13 over axis ${raw} of [N, ${x.shape.join(', ')}], which flattens the axes after it; export at opset 13 or later`,
    );
  ctx.emit(node, 'softmax', { axis }, {}, [x], '', x.batch);
}
