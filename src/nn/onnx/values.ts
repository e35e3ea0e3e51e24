/**
 * What an ONNX tensor name stands for during import.
 *
 * - An **activation** is computed by the model at run time; the importer knows its per-sample shape
 *   (batch axis excluded, graph.ts) and the tensor name of the model that carries it.
 * - A **float constant** is an initializer or a folded `Constant`: weights, biases, BatchNorm
 *   statistics. ONNX shapes, batch axis not involved.
 * - An **int constant** is a shape computation folded at import (`Shape → Gather → Unsqueeze →
 *   Concat → Reshape`). Its elements are numbers or `BATCH`, the run-time batch size, which stays
 *   symbolic so that a model exported with a dynamic batch accepts any batch.
 */

/** The run-time batch size inside a folded shape computation. */
export const BATCH = 'batch';

/** An element of a folded integer tensor. */
export type IntElement = number | typeof BATCH;

/** A tensor computed by the model. */
export interface Activation {
  readonly kind: 'activation';
  /** The model tensor that carries it. */
  readonly tensor: string;
  /** Per-sample shape (without the batch axis). */
  readonly shape: readonly number[];
}

/** A float tensor known at import (float32, C order). */
export interface FloatConstant {
  readonly kind: 'float';
  readonly dims: readonly number[];
  readonly data: Float32Array;
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
  if (value.kind === 'activation') return `activation [${value.shape.join(', ')}]`;
  const elements = value.data.length <= 8 ? ` = [${Array.from(value.data).join(', ')}]` : '';
  return `${value.kind} constant [${value.dims.join(', ')}]${elements}`;
}
