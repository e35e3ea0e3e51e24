/**
 * ONNX Concat(inputs…; axis): of activations → `concat` along the per-sample axis (ONNX axis 1 of
 * [N, C, H, W] is per-sample axis 0; negative axes count from the end; axis 0, the batch, is not
 * supported); of 1-D constants (shape vectors being assembled for a Reshape) → folded.
 *
 * Of activations and constants (a ViT's class token before the patches): the constants must be
 * the same for every sample (expanded to the batch size, or a fixed batch of 1) and stand before
 * or after the activations. The result is the activations' concat, zero-padded along the axis
 * (`pad`) and shifted by the constants at the padded places (`shift`, zero elsewhere): the same
 * numbers, and the rule of docs/rules.md: relevance passes to the activations unchanged and the
 * constant part, not in the circuit, receives none (the pad's padded places have no edge).
 *
 * Reference: ONNX operator docs for Concat.
 */
import { FormatError, ShapeError, UnsupportedError } from '../../../core/errors.js';
import { sizeOf, tensor } from '../../../core/tensor.js';
import { type ImportContext, nodeLabel, type OnnxNode, where } from '../context.js';
import {
  type Activation,
  type Constant,
  floatConstant,
  type IntElement,
  intConstant,
  type Value,
} from '../values.js';

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
  if (values.some((v) => v.kind === 'activation')) {
    concatWithConstants(node, ctx, values, axis);
    return;
  }
  ctx.fold(node, concatConstants(node, values as Constant[], axis));
}

/** Activations with constants before or after them, as pad + shift (see the header). */
function concatWithConstants(
  node: OnnxNode,
  ctx: ImportContext,
  values: readonly Value[],
  raw: number,
): void {
  const first = values.findIndex((v) => v.kind === 'activation');
  const last = values.findLastIndex((v) => v.kind === 'activation');
  const activations = values.slice(first, last + 1);
  if (!activations.every((v): v is Activation => v.kind === 'activation'))
    throw ctx.unsupported(node, 'of activations with constants between them (only before or after them)');
  const sample = activations[0]!.shape;
  const rank = sample.length + 1;
  const normalised = raw < 0 ? raw + rank : raw;
  if (normalised <= 0 || normalised >= rank)
    throw ctx.unsupported(node, `along axis ${raw} of rank-${rank} inputs (only a per-sample axis)`);
  const axis = normalised - 1;
  const parts = values.map((v) => {
    if (v.kind === 'activation') return v.shape;
    const perSample = v.kind === 'float' && v.dims.length === rank && v.dims[0] === 1;
    if (!perSample || !(v.overBatch === true || ctx.fixedBatch === 1))
      throw ctx.unsupported(
        node,
        `of activations and a constant [${v.dims.join(', ')}] that is not one float tensor [1, …] expanded to the batch size`,
      );
    return v.dims.slice(1);
  });
  for (const p of parts)
    if (p.length !== sample.length || p.some((d, a) => a !== axis && d !== sample[a]))
      throw new ShapeError(
        `${where(node)} inputs`,
        `per-sample shapes equal to [${sample.join(', ')}] but on axis ${normalised}`,
        parts.map((q) => `[${q.join(', ')}]`).join(', '),
      );
  const joined =
    activations.length === 1
      ? (activations[0] as Activation)
      : ctx.emit(node, 'concat', { axis }, {}, activations as Activation[], 'activations');
  const along = (from: number, to: number) => parts.slice(from, to).reduce((n, p) => n + p[axis]!, 0);
  const pads = new Array<number>(2 * sample.length).fill(0);
  pads[axis] = along(0, first);
  pads[sample.length + axis] = along(last + 1, parts.length);
  const padded = ctx.emit(node, 'pad', { pads, value: 0 }, {}, [joined], 'pad');
  // The constants at their places along the axis, zero where the activations are.
  const shape = padded.shape;
  const outer = sizeOf(shape.slice(0, axis));
  const inner = sizeOf(shape.slice(axis + 1));
  const shift = new Float32Array(sizeOf(shape));
  let offset = 0;
  values.forEach((v, i) => {
    const size = parts[i]![axis]!;
    if (v.kind === 'float')
      for (let o = 0; o < outer; o++)
        for (let p = 0; p < size; p++)
          shift.set(
            v.data.subarray((o * size + p) * inner, (o * size + p + 1) * inner),
            (o * shape[axis]! + offset + p) * inner,
          );
    offset += size;
  });
  ctx.emit(node, 'shift', {}, { value: tensor(shape, shift) }, [padded]);
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
