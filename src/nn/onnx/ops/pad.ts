/**
 * ONNX Pad(data, pads, constant_value, axes; mode) → `pad`, constant mode only.
 * Before opset 11 `pads` and `value` are attributes; from 11 on they are inputs, and from 18 on an
 * optional `axes` input says which axes `pads` covers ([begins…, ends…] of those axes). The batch
 * axis must not be padded; the per-sample pads are the remaining begins, then the remaining ends.
 *
 * Reference: ONNX operator docs for Pad.
 */
import { FormatError, UnsupportedError } from '../../../core/errors.js';
import { type ImportContext, nodeLabel, type OnnxNode, where } from '../context.js';
import type { IntElement } from '../values.js';

/** Pad with a constant. */
export function pad(node: OnnxNode, ctx: ImportContext): void {
  const x = ctx.activation(node, 0);
  const mode = node.attrs.string('mode', 'constant');
  if (mode !== 'constant')
    throw new UnsupportedError(
      `${where(node)}: mode "${mode}" is not supported, only "constant"; replace reflect/edge/wrap ` +
        'padding by zero padding in the model',
    );
  const rank = x.shape.length + 1;
  const pads = node.opset < 11 ? node.attrs.intsOrUndefined('pads') : ctx.intConstant(node, 1)?.data;
  const value = node.opset < 11 ? node.attrs.float('value', 0) : constantValue(node, ctx);
  const axesInput = node.opset >= 18 ? ctx.intConstant(node, 3)?.data : undefined;
  const axes = (axesInput ?? Array.from({ length: rank }, (_, a) => a)).map((a) =>
    typeof a === 'number' && a < 0 ? a + rank : a,
  );
  if (pads === undefined || pads.length !== 2 * axes.length || !pads.every((p) => typeof p === 'number'))
    throw new FormatError(
      'onnx',
      `${nodeLabel(node)}: pads [${(pads ?? []).join(', ')}] must hold a begin and an end for each of ${axes.length} axes`,
    );
  const begins = new Array<number>(rank).fill(0);
  const ends = new Array<number>(rank).fill(0);
  axes.forEach((a: IntElement, i) => {
    if (typeof a !== 'number' || a < 0 || a >= rank)
      throw new FormatError('onnx', `${nodeLabel(node)}: axis ${a} of a rank-${rank} input`);
    begins[a] = pads[i] as number;
    ends[a] = pads[i + axes.length] as number;
  });
  if (begins[0] !== 0 || ends[0] !== 0)
    throw ctx.unsupported(node, `with pads on the batch axis (${begins[0]}, ${ends[0]})`);
  ctx.emit(node, 'pad', { pads: [...begins.slice(1), ...ends.slice(1)], value }, {}, [x]);
}

/** The optional `constant_value` input (a one-element constant), 0 when absent. */
function constantValue(node: OnnxNode, ctx: ImportContext): number {
  const c = ctx.optional(node, 2);
  if (c === undefined) return 0;
  if (c.kind === 'activation' || c.data.length !== 1 || typeof c.data[0] !== 'number')
    throw new UnsupportedError(`${where(node)}: constant_value must be a one-element constant`);
  return c.data[0];
}
