/**
 * What the builder composes: a `Layer` is a recipe for one node, given where it sits (its name,
 * its input tensors and their per-sample shapes) and a seeded generator for default parameters.
 * The factories (`linear`, `conv2d`, `relu`, …) return layers; `sequential` and `graph` place them.
 */
import { InvalidArgumentError, ShapeError } from '../../core/errors.js';
import type { Rng } from '../../core/rng.js';
import { showShape, sizeOf, type Tensor } from '../../core/tensor.js';
import type { AnyNode, OpName, Pads2d, Pair } from '../graph.js';

/** Where a layer is placed. */
export interface LayerContext {
  /** The node's name (also its output tensor's name). */
  readonly name: string;
  /** The node's layer name. */
  readonly layer: string;
  /** The input tensors' names. */
  readonly inputs: readonly string[];
  /** The input tensors' per-sample shapes. */
  readonly inputShapes: readonly (readonly number[])[];
  /** Draws default parameters (unless the layer has its own seed). */
  readonly rng: Rng;
}

/** A recipe for one node. */
export interface Layer {
  /** The operator of the node it builds. */
  readonly op: OpName;
  /** Builds the node at a place. */
  build(context: LayerContext): AnyNode;
}

/** Parameter values given by the user: a flat array in the layout's C order, or a tensor. */
export type ParamValues = ArrayLike<number> | Tensor;

/** The fields every node shares, from a context. */
export const nodeBase = (context: LayerContext) => ({
  name: context.name,
  layer: context.layer,
  inputs: [...context.inputs],
  output: context.name,
});

/**
 * A float32 parameter tensor of `shape` from user values; a `ShapeError` when the number of
 * elements differs, an `InvalidArgumentError` for a non-finite element.
 */
export function toParam(values: ParamValues, shape: readonly number[], where: string): Tensor<Float32Array> {
  const flat =
    'data' in values && 'shape' in values ? (values as Tensor).data : (values as ArrayLike<number>);
  if (flat.length !== sizeOf(shape))
    throw new ShapeError(where, `${showShape(shape)} (${sizeOf(shape)} elements)`, `${flat.length} elements`);
  const data = Float32Array.from(flat);
  for (let i = 0; i < data.length; i++)
    if (!Number.isFinite(data[i]))
      throw new InvalidArgumentError(where, `element ${i} is ${flat[i]}; parameters must be finite`);
  return { shape: [...shape], data };
}

/** Checks a positive integer count (features, channels, kernel size). */
export function positiveInteger(value: number, where: string, what: string): number {
  if (!Number.isInteger(value) || value < 1)
    throw new InvalidArgumentError(where, `${what} must be a positive integer, got ${value}`);
  return value;
}

/** A (height, width) pair from one number or two, each an integer ≥ `min`. */
export function toPair(value: number | readonly number[], where: string, what: string, min = 1): Pair {
  const pair = typeof value === 'number' ? [value, value] : [...value];
  if (pair.length !== 2 || !pair.every((v) => Number.isInteger(v) && v >= min))
    throw new InvalidArgumentError(
      where,
      `${what} must be an integer ≥ ${min} or a pair of them, got ${JSON.stringify(value)}`,
    );
  return [pair[0]!, pair[1]!];
}

/**
 * Padding in ONNX order (top, left, bottom, right) from PyTorch's forms: one number (all sides),
 * a pair (height, width; symmetric), or four numbers (top, left, bottom, right).
 */
export function toPads(value: number | readonly number[], where: string): Pads2d {
  const pads =
    typeof value === 'number'
      ? [value, value, value, value]
      : value.length === 2
        ? [value[0]!, value[1]!, value[0]!, value[1]!]
        : [...value];
  if (pads.length !== 4 || !pads.every((v) => Number.isInteger(v) && v >= 0))
    throw new InvalidArgumentError(
      where,
      `padding must be an integer ≥ 0, a pair (height, width) or four values (top, left, bottom, right), ` +
        `got ${JSON.stringify(value)}`,
    );
  return [pads[0]!, pads[1]!, pads[2]!, pads[3]!];
}
