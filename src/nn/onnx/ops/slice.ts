/**
 * ONNX Slice(data, starts, ends, axes, steps) and Transpose(data; perm) of constants, folded at
 * import: shape vectors, and the pad lists PyTorch 1.13 computes for `F.pad` (a [k, 2] table
 * reversed by a Slice of step −1, transposed and flattened). Before opset 10 `starts`, `ends`
 * and `axes` are attributes (steps 1); from 10 on they are inputs.
 *
 * Slice per axis (ONNX): negative starts/ends count from the end; then for step > 0 start and end
 * clamp to [0, d], for step < 0 start clamps to [0, d − 1] and end to [−1, d − 1].
 *
 * Reference: ONNX operator docs for Slice, Transpose.
 */
import { FormatError, UnsupportedError } from '../../../core/errors.js';
import { type ImportContext, nodeLabel, type OnnxNode, where } from '../context.js';
import { BATCH, type Constant } from '../values.js';
import { gatherConstant, stridesOf } from './strides.js';

/** Slice of a constant. */
export function slice(node: OnnxNode, ctx: ImportContext): void {
  const data = constantInput(node, ctx);
  const rank = data.dims.length;
  const list = (attribute: string, input: number): number[] | undefined => {
    const values =
      node.opset < 10 ? node.attrs.intsOrUndefined(attribute) : ctx.intConstant(node, input)?.data;
    if (values?.includes(BATCH))
      throw new UnsupportedError(`${where(node)}: ${attribute} must not depend on the batch size`);
    return values as number[] | undefined;
  };
  const starts = list('starts', 1) ?? [];
  const ends = list('ends', 2) ?? [];
  const axes = list('axes', 3) ?? starts.map((_, a) => a);
  const steps = (node.opset < 10 ? undefined : list('steps', 4)) ?? starts.map(() => 1);
  if (ends.length !== starts.length || axes.length !== starts.length || steps.length !== starts.length)
    throw new FormatError('onnx', `${nodeLabel(node)}: starts, ends, axes and steps differ in length`);
  const first = new Array<number>(rank).fill(0);
  const step = new Array<number>(rank).fill(1);
  const dims = [...data.dims];
  axes.forEach((raw, i) => {
    const a = raw < 0 ? raw + rank : raw;
    const d = data.dims[a];
    const s = steps[i]!;
    if (d === undefined || s === 0)
      throw new FormatError('onnx', `${nodeLabel(node)}: axis ${raw} of a rank-${rank} constant, step ${s}`);
    const wrap = (v: number) => (v < 0 ? v + d : v);
    const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
    const start = s > 0 ? clamp(wrap(starts[i]!), 0, d) : clamp(wrap(starts[i]!), 0, d - 1);
    const end = s > 0 ? clamp(wrap(ends[i]!), 0, d) : clamp(wrap(ends[i]!), -1, d - 1);
    first[a] = start;
    step[a] = s;
    dims[a] = Math.max(0, Math.ceil((end - start) / s));
  });
  const strides = stridesOf(data.dims);
  ctx.fold(
    node,
    gatherConstant(
      data,
      dims,
      (m) => m.reduce((f, v, a) => f + (first[a]! + v * step[a]!) * strides[a]!, 0),
      where(node),
    ),
  );
}

/** Transpose of a constant. */
export function transpose(node: OnnxNode, ctx: ImportContext): void {
  const data = constantInput(node, ctx);
  const rank = data.dims.length;
  const perm = node.attrs.ints(
    'perm',
    data.dims.map((_, a) => rank - 1 - a),
  );
  if (perm.length !== rank || [...perm].sort((a, b) => a - b).some((p, a) => p !== a))
    throw new FormatError(
      'onnx',
      `${nodeLabel(node)}: perm [${perm.join(', ')}] is not a permutation of ${rank} axes`,
    );
  const strides = stridesOf(data.dims);
  const dims = perm.map((p) => data.dims[p]!);
  ctx.fold(
    node,
    gatherConstant(data, dims, (m) => m.reduce((f, v, a) => f + v * strides[perm[a]!]!, 0), where(node)),
  );
}

function constantInput(node: OnnxNode, ctx: ImportContext): Constant {
  const data = ctx.input(node, 0);
  if (data.kind === 'activation') throw ctx.unsupported(node, 'on an activation (only on constants)');
  return data;
}
