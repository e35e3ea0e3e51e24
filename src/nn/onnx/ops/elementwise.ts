/**
 * ONNX ops that pass each element through, one model node each: Relu → `relu`, LeakyRelu →
 * `leaky_relu`,
 * Identity → `identity` (an Identity of a constant is the constant itself), and
 * Dropout(data, ratio, training_mode) → `dropout`, the identity at inference. From opset 12 on
 * `ratio` and `training_mode` are inputs; `training_mode` must be absent or false, and the `mask`
 * output must be unused.
 *
 * Reference: ONNX operator docs for Relu, LeakyRelu, Identity, Dropout.
 */
import type { ImportContext, OnnxNode } from '../context.js';

/** Relu: max(0, x). */
export function relu(node: OnnxNode, ctx: ImportContext): void {
  const x = ctx.anyActivation(node, 0);
  ctx.emit(node, 'relu', {}, {}, [x], '', x.batch);
}

/** LeakyRelu: x for x ≥ 0, alpha·x below (alpha defaults to 0.01). */
export function leakyRelu(node: OnnxNode, ctx: ImportContext): void {
  const x = ctx.anyActivation(node, 0);
  ctx.emit(node, 'leaky_relu', { alpha: node.attrs.float('alpha', 0.01) }, {}, [x], '', x.batch);
}

/** Identity. */
export function identity(node: OnnxNode, ctx: ImportContext): void {
  const x = ctx.laidOut(node, 0) ?? ctx.input(node, 0);
  if (x.kind === 'activation') ctx.emit(node, 'identity', {}, {}, [x], '', x.batch);
  else ctx.fold(node, x);
}

/** Dropout at inference. */
export function dropout(node: OnnxNode, ctx: ImportContext): void {
  const x = ctx.anyActivation(node, 0);
  const mask = node.outputs[1];
  if (mask !== undefined && mask !== '' && ctx.consumers(mask) > 0)
    throw ctx.unsupported(node, 'with its mask output in use');
  if (node.opset >= 12) {
    const training = ctx.intConstant(node, 2);
    if (training?.data.some((v) => v !== 0))
      throw ctx.unsupported(node, 'in training mode (training_mode = true); export the model in eval() mode');
  }
  ctx.emit(node, 'dropout', {}, {}, [x], '', x.batch);
}
