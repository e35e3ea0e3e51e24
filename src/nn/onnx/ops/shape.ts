/**
 * Shape computations folded at import (no model node), the first half of the chains exports make
 * for `x.view(x.size(0), -1)`: Shape → Gather → Unsqueeze → Concat → Reshape.
 * - Shape(data; start, end): an activation's shape is [batch, …per-sample] with a symbolic batch
 *   (values.ts `BATCH`); a constant's shape is its dims. `start`/`end` (opset 15+) slice it.
 * - Gather(data, indices; axis = 0) of a 1-D int constant.
 * And, on an activation, Gather(data, indices; axis) with constant indices → `gather` along a
 * per-sample axis (a class token x[:, 0], chosen rows); Expand(input, shape) → `expand` and
 * Tile(input, repeats) → `tile`, the batch axis left as it is (ops/rearrange.ts).
 *
 * Reference: ONNX operator docs for Shape, Gather, Expand, Tile.
 */
import { ShapeError, UnsupportedError } from '../../../core/errors.js';
import { onnxRank, perSampleAxis, withoutAxes } from '../batch-layout.js';
import { type ImportContext, type OnnxNode, where } from '../context.js';
import {
  type Activation,
  BATCH,
  type IntConstant,
  type IntElement,
  intConstant,
  isSymbolic,
  onnxDims,
} from '../values.js';
import { broadcastConstant, broadcastDims } from './logic.js';
import { paramOf } from './params.js';

/** Shape. */
export function shape(node: OnnxNode, ctx: ImportContext): void {
  const x = ctx.laidOut(node, 0)!;
  const full: IntElement[] = x.kind === 'activation' ? onnxDims(x) : [...x.dims];
  const rank = full.length;
  const clamp = (i: number) => Math.min(Math.max(i < 0 ? i + rank : i, 0), rank);
  const start = clamp(node.attrs.int('start', 0));
  const end = clamp(node.attrs.int('end', rank));
  const sliced = full.slice(start, Math.max(start, end));
  ctx.fold(node, intConstant([sliced.length], sliced));
}

/** Gather of a shape vector, or of an activation with constant indices. */
export function gather(node: OnnxNode, ctx: ImportContext): void {
  const x = ctx.laidOut(node, 0)!;
  if (x.kind === 'activation') {
    gatherActivation(node, ctx, x);
    return;
  }
  const ids = ctx.input(node, 1);
  if (x.kind === 'float' && ids.kind === 'activation') {
    // A token embedding: rows of a weight [vocabulary, width] by the ids.
    if (x.dims.length !== 2 || node.attrs.int('axis', 0) !== 0)
      throw ctx.unsupported(
        node,
        `of a constant [${x.dims.join(', ')}] by an activation (only rows of a [vocabulary, width] embedding)`,
      );
    ctx.emit(node, 'embedding', {}, { weight: paramOf(node, x, 'weight') }, [ids]);
    return;
  }
  const data = intVector(node, ctx, 0, 'data');
  const indices = ctx.intConstant(node, 1);
  const axis = node.attrs.int('axis', 0);
  if (indices === undefined || (axis !== 0 && axis !== -1))
    throw new UnsupportedError(
      `${where(node)}: only gathering from a 1-D shape vector along axis 0 is supported`,
    );
  const n = data.data.length;
  const out = indices.data.map((i) => {
    if (isSymbolic(i) || i < -n || i >= n)
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

/** Gather along a per-sample axis with constant indices. */
function gatherActivation(node: OnnxNode, ctx: ImportContext, x: Activation): void {
  const rank = onnxRank(x);
  const raw = node.attrs.int('axis', 0);
  const onnxAxis = raw < 0 ? raw + rank : raw;
  // The per-sample axis; undefined for the batch's (first, or where a seq-first export has it).
  const p = onnxAxis >= 0 && onnxAxis < rank ? perSampleAxis(x, onnxAxis) : undefined;
  if (p === undefined)
    throw ctx.unsupported(node, `along axis ${raw} of a rank-${rank} activation (only a per-sample axis)`);
  const axis = p + 1;
  const indices = ctx.intConstant(node, 1);
  if (indices === undefined) throw ctx.unsupported(node, 'without constant indices');
  if (x.batch !== undefined && indices.dims.length > 1)
    throw ctx.unsupported(node, 'with indices of rank > 1 on an activation whose batch axis moved');
  const d = x.shape[axis - 1]!;
  const resolved = indices.data.map((i) => {
    if (isSymbolic(i) || i < -d || i >= d)
      throw new ShapeError(
        `${where(node)} indices`,
        `integers in [${-d}, ${d})`,
        `[${indices.data.join(', ')}]`,
      );
    return i < 0 ? i + d : i;
  });
  // x[0] of (seq, batch, d) drops the axis before the batch: (batch, d), batch first again.
  const batch = indices.dims.length === 0 ? withoutAxes(x, [axis - 1]) : x.batch;
  ctx.emit(
    node,
    'gather',
    { axis: axis - 1, indices: resolved, indicesShape: [...indices.dims] },
    {},
    [x],
    '',
    batch,
  );
}

/** Expand of an activation to a constant shape (ONNX's two-way broadcast), the batch axis kept. */
export function expand(node: OnnxNode, ctx: ImportContext): void {
  const value = ctx.input(node, 0);
  const target = ctx.intConstant(node, 1);
  if (target === undefined || target.dims.length !== 1)
    throw new UnsupportedError(`${where(node)}: the shape must be a constant 1-D list`);
  if (value.kind !== 'activation') {
    // To the batch size: the same constant for every sample (a class token), kept with a leading
    // 1 and marked, so that a Concat with activations takes it per sample (concat.ts).
    const overBatch = target.data[0] === BATCH && !target.data.slice(1).some(isSymbolic);
    if (
      target.data.some(isSymbolic) &&
      !(overBatch && value.kind === 'float' && target.data.length >= value.dims.length)
    )
      throw ctx.unsupported(node, 'of a constant to the batch size (a constant broadcast over the batch)');
    const sizes = target.data.map((t) => (isSymbolic(t) ? 1 : t));
    const dims = broadcastDims(node, [value.dims, sizes]);
    const folded = broadcastConstant(node, value, dims);
    ctx.fold(node, overBatch && folded.kind === 'float' ? { ...folded, overBatch: true } : folded);
    return;
  }
  const x = value;
  const rank = x.shape.length + 1;
  if (target.data.length > rank)
    throw ctx.unsupported(
      node,
      `to rank ${target.data.length} from a rank-${rank} activation (new axes would precede the batch axis)`,
    );
  const padded: IntElement[] = [...new Array<IntElement>(rank - target.data.length).fill(1), ...target.data];
  const batch = padded[0];
  if (batch !== 1 && batch !== BATCH && batch !== ctx.fixedBatch)
    throw ctx.unsupported(node, `to [${target.data.join(', ')}], which changes the batch axis`);
  const shape = x.shape.map((d, a) => {
    const t = padded[a + 1]!;
    if (isSymbolic(t) || (t !== 1 && d !== 1 && t !== d))
      throw new ShapeError(
        `${where(node)} shape`,
        `sizes that [N, ${x.shape.join(', ')}] broadcasts to`,
        `[${target.data.join(', ')}]`,
      );
    return d === 1 ? t : d;
  });
  ctx.emit(node, 'expand', { shape }, {}, [x]);
}

/** Tile of an activation by constant repeats, the batch axis repeated once. */
export function tile(node: OnnxNode, ctx: ImportContext): void {
  const x = ctx.activation(node, 0);
  const repeats = ctx.intConstant(node, 1);
  if (repeats === undefined || repeats.data.length !== x.shape.length + 1)
    throw new UnsupportedError(`${where(node)}: repeats must be a constant list with one entry per axis`);
  if (repeats.data[0] !== 1) throw ctx.unsupported(node, 'repeating the batch axis (axis 0)');
  if (repeats.data.some(isSymbolic))
    throw new UnsupportedError(`${where(node)}: repeats must not depend on the batch size`);
  ctx.emit(node, 'tile', { repeats: (repeats.data as number[]).slice(1) }, {}, [x]);
}
