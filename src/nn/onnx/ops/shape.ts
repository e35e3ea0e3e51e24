/**
 * Shape computations folded at import (no model node), the first half of the chains exports make
 * for `x.view(x.size(0), -1)`: Shape → Gather → Unsqueeze → Concat → Reshape.
 * - Shape(data; start, end): an activation's shape is [batch, …per-sample] with a symbolic batch
 *   (values.ts `BATCH`); a constant's shape is its dims. `start`/`end` (opset 15+) slice it.
 * - Gather(data, indices; axis = 0) of a 1-D int constant.
 *
 * Reference: ONNX operator docs for Shape, Gather.
 */
import { ShapeError, UnsupportedError } from '../../../core/errors.js';
import { type ImportContext, type OnnxNode, where } from '../context.js';
import { BATCH, type IntConstant, type IntElement, intConstant } from '../values.js';

/** Shape. */
export function shape(node: OnnxNode, ctx: ImportContext): void {
  const x = ctx.input(node, 0);
  const full: IntElement[] = x.kind === 'activation' ? [BATCH, ...x.shape] : [...x.dims];
  const rank = full.length;
  const clamp = (i: number) => Math.min(Math.max(i < 0 ? i + rank : i, 0), rank);
  const start = clamp(node.attrs.int('start', 0));
  const end = clamp(node.attrs.int('end', rank));
  const sliced = full.slice(start, Math.max(start, end));
  ctx.fold(node, intConstant([sliced.length], sliced));
}

/** Gather of a shape vector. */
export function gather(node: OnnxNode, ctx: ImportContext): void {
  const data = intVector(node, ctx, 0, 'data');
  const indices = ctx.intConstant(node, 1);
  const axis = node.attrs.int('axis', 0);
  if (indices === undefined || (axis !== 0 && axis !== -1))
    throw new UnsupportedError(
      `${where(node)}: only gathering from a 1-D shape vector along axis 0 is supported`,
    );
  const n = data.data.length;
  const out = indices.data.map((i) => {
    if (i === BATCH || i < -n || i >= n)
      throw new ShapeError(
        `${where(node)} indices`,
        `integers in [${-n}, ${n})`,
        `[${indices.data.join(', ')}]`,
      );
    return data.data[i < 0 ? i + n : i]!;
  });
  ctx.fold(node, intConstant(indices.dims, out));
}

/** Input `i` as a 1-D int constant (a shape vector). */
function intVector(node: OnnxNode, ctx: ImportContext, i: number, name: string): IntConstant {
  const value = ctx.input(node, i);
  if (value.kind === 'activation')
    throw ctx.unsupported(node, `on an activation (${name} must be a constant)`);
  if (value.kind !== 'int' || value.dims.length !== 1)
    throw new UnsupportedError(
      `${where(node)}: only 1-D integer shape vectors are supported as ${name}, got a ${value.kind} ` +
        `constant [${value.dims.join(', ')}]`,
    );
  return value;
}
