/**
 * ONNX ops that make or convert constants, folded at import (no model node):
 * - Constant(; value, value_float, value_floats, value_int, value_ints);
 * - ConstantOfShape(input; value): a tensor of the given shape filled with `value` (float 0 when
 *   absent);
 * - Cast(input; to) of a constant: to a floating type → float constant, to an integer or bool type
 *   → int constant (floats truncate toward zero, bool is x ≠ 0). A Cast of an activation to float32
 *   is an `identity` node; other casts of activations are not supported.
 *
 * Reference: ONNX operator docs for Constant, ConstantOfShape, Cast.
 */
import { LimitError, UnsupportedError } from '../../../core/errors.js';
import { type ImportContext, nodeLabel, type OnnxNode, where } from '../context.js';
import { constantFromTensor, isFloatDataType, isKnownDataType } from '../tensor-proto.js';
import { type Constant as ConstantValue, floatConstant, intConstant, isSymbolic } from '../values.js';

/** The most elements a constant made at import may have. */
export const MAX_CONSTANT_ELEMENTS = 1 << 24;

const FLOAT32 = 1;
const BOOL = 9;

/** Constant. */
export function constant(node: OnnxNode, ctx: ImportContext): void {
  const { attrs } = node;
  const t = attrs.tensor('value');
  let value: ConstantValue;
  if (t !== undefined) value = constantFromTensor(t, `${nodeLabel(node)} value`);
  else if (attrs.has('value_float'))
    value = floatConstant([], Float32Array.of(attrs.float('value_float', 0)));
  else if (attrs.has('value_floats')) {
    const floats = attrs.floatsOrUndefined('value_floats') ?? [];
    value = floatConstant([floats.length], Float32Array.from(floats));
  } else if (attrs.has('value_int')) value = intConstant([], [attrs.int('value_int', 0)]);
  else if (attrs.has('value_ints')) {
    const ints = attrs.ints('value_ints', []);
    value = intConstant([ints.length], ints);
  } else
    throw ctx.unsupported(
      node,
      `with attributes [${attrs.names().join(', ')}] (only numeric values are supported)`,
    );
  ctx.fold(node, value);
}

/** ConstantOfShape. */
export function constantOfShape(node: OnnxNode, ctx: ImportContext): void {
  const shape = ctx.intConstant(node, 0);
  if (
    shape === undefined ||
    shape.dims.length !== 1 ||
    !shape.data.every((d) => typeof d === 'number' && d >= 0)
  )
    throw new UnsupportedError(
      `${where(node)}: the shape must be a constant list of non-negative sizes that does not depend on the batch`,
    );
  const dims = shape.data as number[];
  const count = dims.reduce((a, b) => a * b, 1);
  if (count > MAX_CONSTANT_ELEMENTS) throw new LimitError(where(node), count, MAX_CONSTANT_ELEMENTS);
  const t = node.attrs.tensor('value');
  const fill =
    t === undefined
      ? floatConstant([1], Float32Array.of(0))
      : constantFromTensor(t, `${nodeLabel(node)} value`);
  if (fill.data.length !== 1)
    throw new UnsupportedError(`${where(node)}: value must hold one element, got [${fill.dims.join(', ')}]`);
  const value: ConstantValue =
    fill.kind === 'float'
      ? floatConstant(dims, new Float32Array(count).fill(fill.data[0]!))
      : intConstant(dims, new Array<number>(count).fill(fill.data[0] as number));
  ctx.fold(node, value);
}

/** Cast. */
export function cast(node: OnnxNode, ctx: ImportContext): void {
  const x = ctx.input(node, 0);
  const to = node.attrs.int('to', 0);
  if (!isKnownDataType(to)) throw ctx.unsupported(node, `to data type ${to}`);
  if (x.kind === 'activation') {
    if (to !== FLOAT32) throw ctx.unsupported(node, `of an activation to data type ${to} (only to float32)`);
    ctx.emit(node, 'identity', {}, {}, [x]);
    return;
  }
  ctx.fold(node, castConstant(node, x, to));
}

function castConstant(node: OnnxNode, x: ConstantValue, to: number): ConstantValue {
  if (isFloatDataType(to)) {
    if (x.kind === 'float') return x;
    if (x.data.some(isSymbolic))
      throw new UnsupportedError(`${where(node)}: cannot cast the symbolic batch size to a float`);
    return floatConstant(x.dims, Float32Array.from(x.data as number[]));
  }
  const data = Array.from(x.data, (v) => (isSymbolic(v) ? v : to === BOOL ? Number(v !== 0) : Math.trunc(v)));
  if (!data.every((v) => isSymbolic(v) || Number.isFinite(v)))
    throw new UnsupportedError(`${where(node)}: cannot cast a non-finite float to an integer`);
  return intConstant(x.dims, data);
}
