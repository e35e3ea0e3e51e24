/**
 * Following an activation whose exporter moved its batch axis (values.ts `BatchGroup`).
 *
 * PyTorch's `nn.MultiheadAttention` transposes to (seq, batch, d), merges the batch with the
 * heads in a Reshape (batch·heads, seq, head_dim), multiplies per head, and undoes both. The
 * model keeps every tensor batch first; what moves is only the importer's record of where the
 * ONNX tensor holds the batch. A Transpose becomes a per-sample transpose of the other axes (or
 * nothing) and a new record; a Reshape becomes a per-sample reshape of the elements before and
 * after the batch, which stay where they are in memory. The ops that read a moved batch map
 * their ONNX axes to per-sample axes here (MatMul, Gemm, Slice, Gather, Softmax, LayerNorm,
 * ReduceMean, a constant's broadcast in Add/Sub/Mul/Div) or do not depend on it (element-wise
 * activations); every other op refuses it (context.ts), so nothing reads a moved batch as if it
 * were first. A sequence-first graph input (seq, batch, d) starts with its batch moved.
 */
import { UnsupportedError } from '../../core/errors.js';
import { sizeOf } from '../../core/tensor.js';
import { type OnnxNode, where } from './context.js';
import { type Activation, type BatchGroup, type IntElement, isSymbolic, onnxDims } from './values.js';

/** The batch in the logical axes of a group. */
const N = -1;

/** Per ONNX axis, the per-sample axes it holds (N for the batch), in memory order. */
export function axisGroups(a: Activation): number[][] {
  const { start, at, end } = a.batch ?? { start: 0, at: 0, end: 0 };
  const groups: number[][] = [];
  for (let p = 0; p < start; p++) groups.push([p]);
  const merged: number[] = [];
  for (let p = start; p < at; p++) merged.push(p);
  merged.push(N);
  for (let p = at; p < end; p++) merged.push(p);
  groups.push(merged);
  for (let p = end; p < a.shape.length; p++) groups.push([p]);
  return groups;
}

/** The record of `groups` (after a transpose): the per-sample order they imply and the batch. */
function layoutOf(groups: readonly (readonly number[])[]): { perm: number[]; batch: BatchGroup | undefined } {
  const perm = groups.flat().filter((p) => p !== N);
  const g = groups.findIndex((group) => group.includes(N));
  const start = groups.slice(0, g).reduce((n, group) => n + group.length, 0);
  const group = groups[g]!;
  const batch = { start, at: start + group.indexOf(N), end: start + group.length - 1 };
  return { perm, batch: normalised(batch) };
}

/** `undefined` for the batch first and alone. */
const normalised = (batch: BatchGroup | undefined): BatchGroup | undefined =>
  batch === undefined || batch.end === 0 ? undefined : batch;

/** Transpose of an activation by an ONNX perm: the per-sample perm and the new batch record. */
export function transposed(
  a: Activation,
  perm: readonly number[],
): { perm: number[]; batch: BatchGroup | undefined } {
  const groups = axisGroups(a);
  return layoutOf(perm.map((p) => groups[p]!));
}

/**
 * Reshape of an activation to an ONNX target (0s resolved, one element a multiple of the batch or
 * one −1 standing for it): the per-sample shape and the new batch record. The elements before
 * the batch (in memory) and those after it are reshaped apart; the target must put the batch's
 * axis where those two blocks meet.
 */
export function reshaped(
  node: OnnxNode,
  a: Activation,
  target: readonly IntElement[],
): { shape: number[]; batch: BatchGroup | undefined } {
  const flat = axisGroups(a).flat();
  const n = flat.indexOf(N);
  const before = sizeOf(flat.slice(0, n).map((p) => a.shape[p]!));
  const after = sizeOf(flat.slice(n + 1).map((p) => a.shape[p]!));
  const refuse = (why: string): never => {
    throw new UnsupportedError(
      `${where(node)}: the target [${target.join(', ')}] of an activation [${onnxDims(a).join(', ')}] ${why}`,
    );
  };
  const symbolic = target.flatMap((t, i) => (isSymbolic(t) ? [i] : []));
  const minusOne = target.flatMap((t, i) => (t === -1 ? [i] : []));
  if (symbolic.length > 1 || minusOne.length > 1 || (symbolic.length === 0 && minusOne.length === 0))
    refuse(
      'must hold the batch size (or −1 for it) exactly once; an export with a fixed batch folds the ' +
        'batch into constants here: export with a symbolic batch (torch.onnx.export(…, dynamic_axes=' +
        '{"input": {0: "batch"}, "logits": {0: "batch"}}))',
    );
  const known = sizeOf(target.filter((t): t is number => !isSymbolic(t) && t !== -1));
  let j: number;
  let k: number;
  let sizes: number[];
  if (symbolic.length === 1) {
    j = symbolic[0]!;
    k = (target[j] as { batchTimes: number }).batchTimes;
    const rest = (before * after) / (k * known);
    sizes = target.map((t) => (isSymbolic(t) ? 0 : t === -1 ? rest : t));
  } else {
    j = minusOne[0]!;
    k = (before * after) / known;
    sizes = target.map((t) => (t === -1 ? 0 : (t as number)));
  }
  const total = k * sizeOf(sizes.filter((_, i) => i !== j));
  if (!sizes.every((d) => Number.isInteger(d) && d >= 0) || !Number.isInteger(k) || total !== before * after)
    refuse(`does not hold the ${before * after} elements of one sample times the batch`);
  const kb = before / sizeOf(sizes.slice(0, j));
  const ka = after / sizeOf(sizes.slice(j + 1));
  if (!Number.isInteger(kb) || !Number.isInteger(ka) || kb * ka !== k)
    refuse(
      'merges the batch with axes it does not border; provlrp follows a batch merged with its neighbours only',
    );
  const merged = [...(kb > 1 ? [kb] : []), ...(ka > 1 ? [ka] : [])];
  const shape = [...sizes.slice(0, j), ...merged, ...sizes.slice(j + 1)];
  const at = j + (kb > 1 ? 1 : 0);
  return { shape, batch: normalised({ start: j, at, end: at + (ka > 1 ? 1 : 0) }) };
}

/** The per-sample axis of an ONNX axis of `a`, or `undefined` for the axis holding the batch. */
export function perSampleAxis(a: Activation, onnxAxis: number): number | undefined {
  const group = axisGroups(a)[onnxAxis];
  return group === undefined || group.includes(N) ? undefined : group[0];
}

/**
 * The batch record after per-sample axes `removed` (none of them merged with the batch) are
 * dropped: a Gather of one index, a mean without keepdims, on seq-first activations.
 */
export function withoutAxes(a: Activation, removed: readonly number[]): BatchGroup | undefined {
  if (a.batch === undefined) return undefined;
  const shift = (p: number) => p - removed.filter((r) => r < p).length;
  return normalised({ start: shift(a.batch.start), at: shift(a.batch.at), end: shift(a.batch.end) });
}

/**
 * The per-sample dims of a constant broadcast to an activation whose batch moved: its ONNX dims
 * (right-aligned) with the batch's axis, which must have size 1, spread as 1 over the per-sample
 * axes merged into it; `undefined` when it does not broadcast that way. The data keeps its order:
 * the per-sample order is the ONNX order with the batch's axis expanded in place.
 */
export function broadcastOverMovedBatch(a: Activation, dims: readonly number[]): number[] | undefined {
  const groups = axisGroups(a);
  if (dims.length > groups.length) return undefined;
  const aligned = [...new Array<number>(groups.length - dims.length).fill(1), ...dims];
  if (groups.some((g, i) => g.includes(N) && aligned[i] !== 1)) return undefined;
  return groups.flatMap((g, i) => g.filter((p) => p !== N).map(() => (g.includes(N) ? 1 : aligned[i]!)));
}

/** The ONNX rank of an activation. */
export const onnxRank = (a: Activation): number => axisGroups(a).length;

/** Whether two activations hold the batch at the same place. */
export const sameBatch = (a: Activation, b: Activation): boolean =>
  JSON.stringify(a.batch ?? null) === JSON.stringify(b.batch ?? null);
