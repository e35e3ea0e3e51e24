/**
 * What an ONNX tensor name stands for during import.
 *
 * - An **activation** is computed by the model at run time; the importer knows its per-sample shape
 *   (batch axis excluded, graph.ts) and the tensor name of the model that carries it.
 * - A **float constant** is an initializer or a folded `Constant`: weights, biases, BatchNorm
 *   statistics. ONNX shapes, batch axis not involved.
 * - An **int constant** is a shape computation folded at import (`Shape → Gather → Unsqueeze →
 *   Concat → Reshape`). Its elements are numbers or a multiple of the run-time batch size (`BATCH`,
 *   or batch·k where an exporter merged the batch with other axes), which stays symbolic so that a
 *   model exported with a dynamic batch accepts any batch.
 */

/** A known multiple of the run-time batch size inside a folded shape computation. */
export interface BatchMultiple {
  /** The factor k of batch·k. */
  readonly batchTimes: number;
}

const multiple = (k: number): BatchMultiple =>
  Object.freeze({ batchTimes: k, toString: () => (k === 1 ? 'batch' : `batch·${k}`) });

/** The run-time batch size (batch·1: always this one object, so that `=== BATCH` tests it). */
export const BATCH: BatchMultiple = multiple(1);

/** batch·k (`BATCH` for k = 1). */
export const batchTimes = (k: number): BatchMultiple => (k === 1 ? BATCH : multiple(k));

/** An element of a folded integer tensor. */
export type IntElement = number | BatchMultiple;

/** Whether an element depends on the batch size. */
export const isSymbolic = (e: IntElement): e is BatchMultiple => typeof e !== 'number';

/**
 * Where an exporter moved the batch axis of an activation (MultiheadAttention's (seq, batch, d),
 * its (batch·heads, seq, head_dim)). The model tensor stays batch first, [N, …shape]; the ONNX
 * tensor is the same elements with N moved between per-sample axes `at − 1` and `at`, and the
 * per-sample axes [start, end) merged with it into ONNX axis `start`:
 * ONNX dims = [shape[0..start), shape[start..at)·N·shape[at..end), shape[end..)].
 * Absent means batch first and alone (start = at = end = 0).
 */
export interface BatchGroup {
  readonly start: number;
  readonly at: number;
  readonly end: number;
}

/** A tensor computed by the model. */
export interface Activation {
  readonly kind: 'activation';
  /** The model tensor that carries it. */
  readonly tensor: string;
  /** Per-sample shape (without the batch axis). */
  readonly shape: readonly number[];
  /** Where the ONNX tensor holds the batch axis, when an exporter moved it (absent: first). */
  readonly batch?: BatchGroup;
}

/** The same activation with the batch recorded at `batch` (absent: first). */
export const withBatch = (a: Activation, batch: BatchGroup | undefined): Activation => ({
  kind: 'activation',
  tensor: a.tensor,
  shape: a.shape,
  ...(batch === undefined || batch.end === 0 ? {} : { batch }),
});

/** Whether the ONNX tensor of an activation holds the batch first and alone. */
export const batchFirst = (a: Activation): boolean => a.batch === undefined || a.batch.end === 0;

/** The ONNX dims of an activation: the batch axis (with what is merged into it) symbolic. */
export function onnxDims(a: Activation): IntElement[] {
  const { start, end } = a.batch ?? { start: 0, at: 0, end: 0 };
  const merged = a.shape.slice(start, end).reduce((p, d) => p * d, 1);
  return [...a.shape.slice(0, start), batchTimes(merged), ...a.shape.slice(end)];
}

/** A float tensor known at import (float32, C order). */
export interface FloatConstant {
  readonly kind: 'float';
  readonly dims: readonly number[];
  readonly data: Float32Array;
  /**
   * Expanded to the batch size (a class token `c.expand(x.size(0), -1, -1)`): dims[0] = 1 stands
   * for every sample, so that the constant may be concatenated with activations.
   */
  readonly overBatch?: boolean;
}

/** An integer (or boolean) tensor known at import, possibly holding the symbolic batch size. */
export interface IntConstant {
  readonly kind: 'int';
  readonly dims: readonly number[];
  readonly data: readonly IntElement[];
}

/** Any value an ONNX tensor name can stand for. */
export type Value = Activation | FloatConstant | IntConstant;

/** A constant, float or int. */
export type Constant = FloatConstant | IntConstant;

/** An int constant from its dims and elements. */
export const intConstant = (dims: readonly number[], data: readonly IntElement[]): IntConstant => ({
  kind: 'int',
  dims: [...dims],
  data: [...data],
});

/** A float constant from its dims and elements. */
export const floatConstant = (dims: readonly number[], data: Float32Array): FloatConstant => ({
  kind: 'float',
  dims: [...dims],
  data,
});

// Float arrays that belong to one constant alone and that no caller holds: the arrays the importer
// allocated, or views into file bytes it read itself. NOTE: a WeakSet keyed by the array, so that
// a constant folded into another (a reshape shares its data) stays the same claim.
const exclusive = new WeakSet<Float32Array>();

/** Marks `data` as held by its constant alone (see `parameterData`); returns it. */
export function markExclusive(data: Float32Array): Float32Array {
  exclusive.add(data);
  return data;
}

/**
 * The data of a float constant for a model parameter: the array itself the first time an exclusive
 * one is taken (no copy of the weights), a fresh copy otherwise (a constant read by two nodes, or
 * a view into bytes the caller passed in), so that no two parameters, and no parameter and the
 * caller's bytes, share memory.
 */
export function parameterData(constant: FloatConstant): Float32Array {
  return exclusive.delete(constant.data) ? constant.data : constant.data.slice();
}

/** A value as it appears in messages: `activation [4, 8, 8]`, `int constant [2] = [batch, -1]`. */
export function describeValue(value: Value): string {
  if (value.kind === 'activation') return `activation [${onnxDims(value).join(', ')}]`;
  const elements = value.data.length <= 8 ? ` = [${Array.from(value.data).join(', ')}]` : '';
  return `${value.kind} constant [${value.dims.join(', ')}]${elements}`;
}
