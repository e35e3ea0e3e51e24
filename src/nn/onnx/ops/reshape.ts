/**
 * ONNX ops that only change a shape: Reshape(data, shape; allowzero), Flatten(input; axis),
 * Unsqueeze(data, axes), Squeeze(data, axes). On an activation each becomes one `reshape` (or
 * `flatten`) node with a per-sample target; on a constant it is folded.
 *
 * A Reshape target keeps the batch axis first: its first element is the symbolic batch (from
 * a folded `Shape`), 0 (copy, unless allowzero = 1), -1 with every other size explicit, or the
 * model's fixed batch size. The rest is resolved against the per-sample shape (0 copies the same
 * axis, one -1 takes what remains). Or it merges the batch with neighbouring axes, or splits
 * them apart again (batch·heads, seq·batch, on an input whose batch moved): batch-layout.ts. Flatten must use axis 1; Unsqueeze and Squeeze must not touch
 * axis 0. `axes` is an attribute before opset 13 and an input from opset 13 on.
 *
 * Reference: ONNX operator docs for Reshape, Flatten, Unsqueeze, Squeeze.
 */
import { FormatError, ShapeError, UnsupportedError } from '../../../core/errors.js';
import { sizeOf } from '../../../core/tensor.js';
import { reshaped } from '../batch-layout.js';
import { type ImportContext, nodeLabel, type OnnxNode, where } from '../context.js';
import {
  type Activation,
  BATCH,
  batchFirst,
  type Constant,
  type IntElement,
  isSymbolic,
  onnxDims,
  type Value,
  withBatch,
} from '../values.js';

/** Reshape. */
export function reshape(node: OnnxNode, ctx: ImportContext): void {
  const x = ctx.laidOut(node, 0)!;
  const target = ctx.intConstant(node, 1);
  if (target === undefined || target.dims.length !== 1)
    throw new UnsupportedError(`${where(node)}: the target shape must be a constant 1-D list`);
  const allowzero = node.attrs.int('allowzero', 0) !== 0;
  const full = fullShape(x);
  const resolved = target.data.map((t, i) => (t === 0 && !allowzero ? copied(node, full, i) : t));
  if (x.kind !== 'activation') {
    ctx.fold(node, withDims(x, resolveMinusOne(node, resolved, x.dims)));
    return;
  }
  const [first, ...rest] = resolved;
  if (
    !batchFirst(x) ||
    resolved.slice(1).some(isSymbolic) ||
    (first !== undefined && isSymbolic(first) && first !== BATCH)
  ) {
    // The batch moved or merged with other axes (MultiheadAttention's heads): batch-layout.ts.
    const moved = reshaped(node, x, resolved);
    if (moved.shape.length === x.shape.length && moved.shape.every((d, a) => d === x.shape[a]))
      ctx.fold(node, withBatch(x, moved.batch));
    else ctx.emit(node, 'reshape', { shape: moved.shape }, {}, [x], '', moved.batch);
    return;
  }
  // A leading -1 is the batch only when the rest spells out exactly one sample.
  const restIsSample =
    !rest.includes(-1) && !rest.some(isSymbolic) && sizeOf(rest as number[]) === sizeOf(x.shape);
  const keepsBatch =
    first === BATCH || (first === -1 && restIsSample) || (first !== undefined && first === ctx.fixedBatch);
  if (!keepsBatch)
    throw new UnsupportedError(
      `${where(node)}: the target [${target.data.join(', ')}] does not keep the batch axis first; ` +
        'reshape to (x.size(0), …) or (-1, …) with the other sizes explicit',
    );
  reshapeActivation(node, ctx, x, resolveMinusOne(node, rest, x.shape));
}

/** Flatten. */
export function flatten(node: OnnxNode, ctx: ImportContext): void {
  const x = ctx.input(node, 0);
  const rank = fullShape(x).length;
  const raw = node.attrs.int('axis', 1);
  const axis = raw < 0 ? raw + rank : raw;
  if (x.kind !== 'activation') {
    if (axis < 0 || axis > rank)
      throw new FormatError('onnx', `${nodeLabel(node)}: axis ${raw} of a rank-${rank} tensor`);
    ctx.fold(node, withDims(x, [sizeOf(x.dims.slice(0, axis)), sizeOf(x.dims.slice(axis))]));
    return;
  }
  if (axis !== 1)
    throw ctx.unsupported(
      node,
      `with axis ${raw} on a rank-${rank} input (only axis 1 keeps the batch axis apart)`,
    );
  ctx.emit(node, 'flatten', {}, {}, [x]);
}

/** Unsqueeze. */
export function unsqueeze(node: OnnxNode, ctx: ImportContext): void {
  const x = ctx.input(node, 0);
  const full = fullShape(x);
  const rank = full.length + axesOf(node, ctx).length;
  const axes = normalisedAxes(node, axesOf(node, ctx), rank);
  const out: IntElement[] = [];
  for (let a = 0, next = 0; a < rank; a++) out.push(axes.includes(a) ? 1 : full[next++]!);
  applyShape(node, ctx, x, out);
}

/** Squeeze. */
export function squeeze(node: OnnxNode, ctx: ImportContext): void {
  const x = ctx.input(node, 0);
  const full = fullShape(x);
  const given = node.opset < 13 ? node.attrs.intsOrUndefined('axes') : ctx.intConstant(node, 1)?.data;
  const axes =
    given === undefined
      ? full.flatMap((d, a) => (d === 1 ? [a] : []))
      : normalisedAxes(node, given as IntElement[], full.length);
  for (const a of axes)
    if (full[a] !== 1)
      throw new ShapeError(
        `${where(node)} input`,
        `size 1 on the squeezed axis ${a}`,
        `[${full.join(', ')}]`,
      );
  applyShape(
    node,
    ctx,
    x,
    full.filter((_, a) => !axes.includes(a)),
  );
}

/** The full shape of a value: [batch, …per-sample] for an activation, the dims of a constant. */
function fullShape(x: Value): IntElement[] {
  return x.kind === 'activation' ? onnxDims(x) : [...x.dims];
}

function copied(node: OnnxNode, full: readonly IntElement[], i: number): IntElement {
  const d = full[i];
  if (d === undefined)
    throw new FormatError(
      'onnx',
      `${nodeLabel(node)}: target element ${i} is 0 (copy) but the input has rank ${full.length}`,
    );
  return d;
}

/** Sizes with at most one -1, resolved so that they hold exactly as many elements as `input`. */
function resolveMinusOne(node: OnnxNode, target: readonly IntElement[], input: readonly number[]): number[] {
  if (target.some(isSymbolic))
    throw new UnsupportedError(`${where(node)}: a constant cannot be reshaped by the batch size`);
  const sizes = target as number[];
  const size = sizeOf(input);
  if (sizes.filter((d) => d === -1).length > 1 || sizes.some((d) => d < -1))
    throw new FormatError(
      'onnx',
      `${nodeLabel(node)}: target [${sizes.join(', ')}] has more than one -1 or a size < -1`,
    );
  const known = sizeOf(sizes.filter((d) => d !== -1));
  const out = sizes.map((d) => (d === -1 && known > 0 ? size / known : d));
  if (!out.every(Number.isInteger) || sizeOf(out) !== size)
    throw new ShapeError(
      `${where(node)} target`,
      `${size} elements, as the input [${input.join(', ')}]`,
      `[${sizes.join(', ')}]`,
    );
  return out;
}

function normalisedAxes(node: OnnxNode, axes: readonly IntElement[], rank: number): number[] {
  const out = axes.map((a) => (typeof a === 'number' && a < 0 ? a + rank : a));
  if (
    !out.every((a): a is number => typeof a === 'number' && a >= 0 && a < rank) ||
    new Set(out).size !== out.length
  )
    throw new FormatError(
      'onnx',
      `${nodeLabel(node)}: axes [${axes.join(', ')}] are not distinct axes of rank ${rank}`,
    );
  return out;
}

function axesOf(node: OnnxNode, ctx: ImportContext): IntElement[] {
  const axes = node.opset < 13 ? node.attrs.intsOrUndefined('axes') : ctx.intConstant(node, 1)?.data;
  if (axes === undefined) throw new FormatError('onnx', `${nodeLabel(node)} lacks its axes`);
  return [...axes];
}

/** Gives `x` the full shape `out` (same element count): a reshape node or a folded constant. */
function applyShape(node: OnnxNode, ctx: ImportContext, x: Value, out: readonly IntElement[]): void {
  if (x.kind !== 'activation') {
    ctx.fold(node, withDims(x, out as number[]));
    return;
  }
  if (out[0] !== BATCH || out.slice(1).some(isSymbolic))
    throw ctx.unsupported(node, 'on the batch axis (axis 0) of an activation');
  reshapeActivation(node, ctx, x, out.slice(1) as number[]);
}

function reshapeActivation(
  node: OnnxNode,
  ctx: ImportContext,
  x: Activation,
  shape: readonly number[],
): void {
  ctx.emit(node, 'reshape', { shape: [...shape] }, {}, [x]);
}

function withDims(c: Constant, dims: readonly number[]): Constant {
  return { ...c, dims: [...dims] };
}
