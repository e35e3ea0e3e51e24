/**
 * ONNX Concat(inputs…; axis): of activations → `concat` along the per-sample axis (ONNX axis 1 of
 * [N, C, H, W] is per-sample axis 0; negative axes count from the end; axis 0, the batch, is not
 * supported); of 1-D constants (shape vectors being assembled for a Reshape) → folded.
 *
 * Reference: ONNX operator docs for Concat.
 */
import { FormatError, UnsupportedError } from '../../../core/errors.js';
import { type ImportContext, nodeLabel, type OnnxNode, where } from '../context.js';
import { type Activation, type Constant, floatConstant, type IntElement, intConstant } from '../values.js';

/** Concat. */
export function concat(node: OnnxNode, ctx: ImportContext): void {
  const values = node.inputs.map((_, i) => ctx.input(node, i));
  const axis = node.attrs.int('axis', 0);
  if (values.length === 0) throw new FormatError('onnx', `${nodeLabel(node)} has no inputs`);
  if (values.every((v): v is Activation => v.kind === 'activation')) {
    const rank = values[0]!.shape.length + 1;
    const normalised = axis < 0 ? axis + rank : axis;
    if (normalised === 0) throw ctx.unsupported(node, 'along the batch axis (axis 0)');
    if (normalised < 0 || normalised >= rank)
      throw new FormatError('onnx', `${nodeLabel(node)}: axis ${axis} of rank-${rank} inputs`);
    ctx.emit(node, 'concat', { axis: normalised - 1 }, {}, values);
    return;
  }
  if (values.some((v) => v.kind === 'activation'))
    throw ctx.unsupported(node, 'of activations and constants together');
  ctx.fold(node, concatConstants(node, values as Constant[], axis));
}

/** Concatenation of 1-D constants of one kind. */
function concatConstants(node: OnnxNode, values: readonly Constant[], axis: number): Constant {
  const kind = values[0]!.kind;
  if ((axis !== 0 && axis !== -1) || !values.every((v) => v.dims.length === 1 && v.kind === kind))
    throw new UnsupportedError(
      `${where(node)}: only 1-D constants of one type fold; got ${values.length} constants`,
    );
  if (kind === 'float') {
    const parts = values.map((v) => v.data as Float32Array);
    const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    let offset = 0;
    for (const p of parts) {
      out.set(p, offset);
      offset += p.length;
    }
    return floatConstant([out.length], out);
  }
  const out = values.flatMap((v) => v.data as readonly IntElement[]);
  return intConstant([out.length], out);
}
