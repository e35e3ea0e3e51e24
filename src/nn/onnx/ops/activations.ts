/**
 * ONNX activations, one model node each (ops/activations.ts): Clip → `clip`, Elu → `elu`,
 * Selu → `selu`, Gelu → `gelu` or `gelu_tanh` (its `approximate`), Sigmoid, Tanh, Softplus,
 * HardSigmoid → `hard_sigmoid`, HardSwish → `hard_swish`, and Swish → `silu` (what the importer's
 * pattern pass makes of Mul(x, Sigmoid(x)), fuse.ts; ONNX's own Swish takes `alpha`, which must
 * be 1 here).
 *
 * Clip's bounds are attributes `min`/`max` before opset 11 and optional scalar inputs from 11 on;
 * an absent bound is ±3.4028235e38, ONNX's float32 limits.
 *
 * Reference: ONNX operator docs for Clip, Elu, Selu, Gelu, Sigmoid, Tanh, Softplus, HardSigmoid,
 * HardSwish, Swish.
 */
import { UnsupportedError } from '../../../core/errors.js';
import type { ActivationOp, OpAttributes } from '../../graph.js';
import { type ImportContext, type OnnxNode, where } from '../context.js';

/** ONNX's float32 limits, Clip's default bounds. */
const FLOAT32_MAX = 3.4028234663852886e38;

/** SELU's defaults (ONNX, PyTorch): α and γ as float32. */
const SELU_ALPHA = 1.6732632423543772;
const SELU_GAMMA = 1.0507010221481323;

function emitActivation<A extends ActivationOp>(
  node: OnnxNode,
  ctx: ImportContext,
  op: A,
  attributes: OpAttributes[A],
): void {
  const x = ctx.anyActivation(node, 0);
  ctx.emit(node, op, attributes, {} as never, [x], '', x.batch);
}

/** Clip(input, min, max) with constant bounds. */
export function clip(node: OnnxNode, ctx: ImportContext): void {
  const bound = (i: number, name: string, fallback: number): number => {
    if (node.opset < 11) return node.attrs.float(name, fallback);
    const value = ctx.optional(node, i);
    if (value === undefined) return fallback;
    if (value.kind !== 'float' || value.data.length !== 1)
      throw new UnsupportedError(
        `${where(node)}: ${name} must be a one-element float constant, got ${value.kind === 'activation' ? 'an activation' : `a ${value.kind} constant of ${value.data.length} elements`}`,
      );
    return value.data[0]!;
  };
  emitActivation(node, ctx, 'clip', {
    min: bound(1, 'min', -FLOAT32_MAX),
    max: bound(2, 'max', FLOAT32_MAX),
  });
}

/** Elu(x; alpha = 1). */
export const elu = (node: OnnxNode, ctx: ImportContext): void =>
  emitActivation(node, ctx, 'elu', { alpha: node.attrs.float('alpha', 1) });

/** Selu(x; alpha, gamma). */
export const selu = (node: OnnxNode, ctx: ImportContext): void =>
  emitActivation(node, ctx, 'selu', {
    alpha: node.attrs.float('alpha', SELU_ALPHA),
    gamma: node.attrs.float('gamma', SELU_GAMMA),
  });

/** Gelu(x; approximate = "none" | "tanh"). */
export function gelu(node: OnnxNode, ctx: ImportContext): void {
  const approximate = node.attrs.string('approximate', 'none');
  if (approximate !== 'none' && approximate !== 'tanh')
    throw ctx.unsupported(node, `with approximate = "${approximate}" (only "none" and "tanh")`);
  emitActivation(node, ctx, approximate === 'tanh' ? 'gelu_tanh' : 'gelu', {});
}

/** Sigmoid. */
export const sigmoid = (node: OnnxNode, ctx: ImportContext): void => emitActivation(node, ctx, 'sigmoid', {});

/** Tanh. */
export const tanh = (node: OnnxNode, ctx: ImportContext): void => emitActivation(node, ctx, 'tanh', {});

/** Softplus. */
export const softplus = (node: OnnxNode, ctx: ImportContext): void =>
  emitActivation(node, ctx, 'softplus', {});

/** HardSigmoid(x; alpha = 0.2, beta = 0.5). */
export const hardSigmoid = (node: OnnxNode, ctx: ImportContext): void =>
  emitActivation(node, ctx, 'hard_sigmoid', {
    alpha: node.attrs.float('alpha', 0.2),
    beta: node.attrs.float('beta', 0.5),
  });

/** HardSwish. */
export const hardSwish = (node: OnnxNode, ctx: ImportContext): void =>
  emitActivation(node, ctx, 'hard_swish', {});

/** Swish(x; alpha = 1), SiLU. */
export function swish(node: OnnxNode, ctx: ImportContext): void {
  const alpha = node.attrs.float('alpha', 1);
  if (alpha !== 1) throw ctx.unsupported(node, `with alpha = ${alpha} (only 1, SiLU)`);
  emitActivation(node, ctx, 'silu', {});
}
