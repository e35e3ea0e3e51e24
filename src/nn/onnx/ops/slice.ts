/**
 * ONNX Slice(data, starts, ends, axes, steps), Split(input, split; axis, num_outputs) and
 * Transpose(data; perm):
 * - of an activation → `slice` (one per Split output) or `transpose` nodes (ops/rearrange.ts),
 *   per sample: the batch axis stays whole; a Transpose that moves it (or a Slice of an
 *   activation whose batch moved) is followed through batch-layout.ts;
 * - of constants, folded at import: shape vectors, and the pad lists PyTorch 1.13 computes for
 *   `F.pad` (a [k, 2] table reversed by a Slice of step −1, transposed and flattened).
 * Before opset 10 Slice's `starts`, `ends` and `axes` are attributes (steps 1); from 10 on they
 * are inputs. Split's sizes are an attribute before opset 13 and an input from 13 on; from 18 on
 * `num_outputs` may give equal parts instead (the last one smaller).
 *
 * Slice per axis (ONNX): negative starts/ends count from the end; then for step > 0 start and end
 * clamp to [0, d], for step < 0 start clamps to [0, d − 1] and end to [−1, d − 1].
 *
 * Reference: ONNX operator docs for Slice, Transpose.
 */
import { FormatError, UnsupportedError } from '../../../core/errors.js';
import { axisGroups, onnxRank, perSampleAxis, transposed } from '../batch-layout.js';
import { type ImportContext, nodeLabel, type OnnxNode, where } from '../context.js';
import { type Constant, isSymbolic, withBatch } from '../values.js';
import { gatherConstant, stridesOf } from './strides.js';

/** One axis of a resolved slice. */
interface SliceRange {
  readonly start: number;
  readonly end: number;
  readonly step: number;
  readonly size: number;
}

/** Slice of a constant or an activation. */
export function slice(node: OnnxNode, ctx: ImportContext): void {
  const x = ctx.laidOut(node, 0)!;
  if (x.kind !== 'activation') {
    sliceConstant(node, ctx, x);
    return;
  }
  // Per ONNX axis; the one holding the batch (first, or where an exporter moved it) stays whole.
  const groups = axisGroups(x);
  const ranges = sliceRanges(
    node,
    ctx,
    groups.map((_, a) => {
      const p = perSampleAxis(x, a);
      return p === undefined ? Number.MAX_SAFE_INTEGER : x.shape[p]!;
    }),
  );
  const sample: SliceRange[] = x.shape.map((d) => ({ start: 0, end: d, step: 1, size: d }));
  ranges.forEach((r, a) => {
    const p = perSampleAxis(x, a);
    if (p !== undefined) sample[p] = r;
    else if (r.start !== 0 || r.step !== 1 || r.end !== Number.MAX_SAFE_INTEGER)
      throw ctx.unsupported(node, `on the batch axis (axis ${a}) of an activation`);
  });
  ctx.emit(
    node,
    'slice',
    { starts: sample.map((r) => r.start), ends: sample.map((r) => r.end), steps: sample.map((r) => r.step) },
    {},
    [x],
    '',
    x.batch,
  );
}

/** Split of an activation along a per-sample axis: one `slice` node per output. */
export function split(node: OnnxNode, ctx: ImportContext): void {
  const x = ctx.activation(node, 0);
  const rank = x.shape.length + 1;
  const raw = node.attrs.int('axis', 0);
  const axis = raw < 0 ? raw + rank : raw;
  if (axis <= 0 || axis >= rank)
    throw ctx.unsupported(node, `along axis ${raw} of a rank-${rank} activation (only a per-sample axis)`);
  const size = x.shape[axis - 1]!;
  const outputs = node.outputs.length;
  const given = node.opset < 13 ? node.attrs.intsOrUndefined('split') : ctx.intConstant(node, 1)?.data;
  let sizes: number[];
  if (given !== undefined) sizes = given as number[];
  else if (node.opset >= 18 && node.attrs.has('num_outputs')) {
    const parts = node.attrs.int('num_outputs', outputs);
    const each = Math.ceil(size / parts);
    sizes = Array.from({ length: parts }, (_, i) => Math.max(0, Math.min(each, size - i * each)));
  } else {
    if (size % outputs !== 0)
      throw new FormatError(
        'onnx',
        `${nodeLabel(node)}: axis size ${size} does not split into ${outputs} equal parts`,
      );
    sizes = new Array<number>(outputs).fill(size / outputs);
  }
  if (
    sizes.length !== outputs ||
    sizes.some((s) => !Number.isInteger(s) || s < 0) ||
    sizes.reduce((a, b) => a + b, 0) !== size
  )
    throw new FormatError(
      'onnx',
      `${nodeLabel(node)}: split sizes [${sizes.join(', ')}] do not add up to ${size} over ${outputs} outputs`,
    );
  let offset = 0;
  sizes.forEach((s, i) => {
    const starts = x.shape.map((_, a) => (a === axis - 1 ? offset : 0));
    const ends = x.shape.map((d, a) => (a === axis - 1 ? offset + s : d));
    const output = node.outputs[i]!;
    offset += s;
    if (output === '') return;
    const part = ctx.emit(node, 'slice', { starts, ends, steps: x.shape.map(() => 1) }, {}, [x], `part${i}`);
    ctx.define(output, part);
  });
}

/** Per axis of `dims`, the resolved range of a Slice node. */
function sliceRanges(node: OnnxNode, ctx: ImportContext, dims: readonly number[]): SliceRange[] {
  const rank = dims.length;
  const list = (attribute: string, input: number): number[] | undefined => {
    const values =
      node.opset < 10 ? node.attrs.intsOrUndefined(attribute) : ctx.intConstant(node, input)?.data;
    if (values?.some(isSymbolic))
      throw new UnsupportedError(`${where(node)}: ${attribute} must not depend on the batch size`);
    return values as number[] | undefined;
  };
  const starts = list('starts', 1) ?? [];
  const ends = list('ends', 2) ?? [];
  const axes = list('axes', 3) ?? starts.map((_, a) => a);
  const steps = (node.opset < 10 ? undefined : list('steps', 4)) ?? starts.map(() => 1);
  if (ends.length !== starts.length || axes.length !== starts.length || steps.length !== starts.length)
    throw new FormatError('onnx', `${nodeLabel(node)}: starts, ends, axes and steps differ in length`);
  const ranges: SliceRange[] = dims.map((d) => ({ start: 0, end: d, step: 1, size: d }));
  axes.forEach((raw, i) => {
    const a = raw < 0 ? raw + rank : raw;
    const d = dims[a];
    const s = steps[i]!;
    if (d === undefined || s === 0)
      throw new FormatError('onnx', `${nodeLabel(node)}: axis ${raw} of a rank-${rank} tensor, step ${s}`);
    // Exporters write "to the end" as INT64_MAX, which reads as a float beyond every size.
    const wrap = (v: number) => (v < 0 ? v + d : v);
    const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
    const start = s > 0 ? clamp(wrap(starts[i]!), 0, d) : clamp(wrap(starts[i]!), 0, d - 1);
    const end = s > 0 ? clamp(wrap(ends[i]!), start, d) : clamp(wrap(ends[i]!), -1, start);
    ranges[a] = { start, end, step: s, size: Math.max(0, Math.ceil((end - start) / s)) };
  });
  return ranges;
}

/** Slice of a constant, folded. */
function sliceConstant(node: OnnxNode, ctx: ImportContext, data: Constant): void {
  const ranges = sliceRanges(node, ctx, data.dims);
  const strides = stridesOf(data.dims);
  ctx.fold(
    node,
    gatherConstant(
      data,
      ranges.map((r) => r.size),
      (m) => m.reduce((f, v, a) => f + (ranges[a]!.start + v * ranges[a]!.step) * strides[a]!, 0),
      where(node),
    ),
  );
}

/** Transpose of a constant or an activation. */
export function transpose(node: OnnxNode, ctx: ImportContext): void {
  const x = ctx.laidOut(node, 0)!;
  if (x.kind === 'activation') {
    const rank = onnxRank(x);
    const perm = node.attrs.ints(
      'perm',
      Array.from({ length: rank }, (_, a) => rank - 1 - a),
    );
    if (perm.length !== rank || [...perm].sort((a, b) => a - b).some((p, a) => p !== a))
      throw new FormatError(
        'onnx',
        `${nodeLabel(node)}: perm [${perm.join(', ')}] is not a permutation of ${rank} axes`,
      );
    // A transpose that moves the batch axis (MultiheadAttention's (seq, batch, d)) moves only the
    // record of where it is (batch-layout.ts); the other axes are transposed per sample.
    const moved = transposed(x, perm);
    if (moved.perm.every((p, a) => p === a)) ctx.fold(node, withBatch(x, moved.batch));
    else ctx.emit(node, 'transpose', { perm: moved.perm }, {}, [x], '', moved.batch);
    return;
  }
  const data = x;
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
