/**
 * Tensors: a shape and a flat typed array in C (row-major) order. Images are NCHW.
 *
 * provlrp keeps tensors deliberately plain (no strides, no views): every kernel loops over flat
 * typed arrays, and a tensor is whatever `{ shape, data }` pair a caller builds. float32 is the
 * default; float64 is for computations that must not round (references, `--dtype float64`).
 */
import { type MimeBundle, withDisplay } from './display.js';
import { assertArgument, ShapeError } from './errors.js';

/** The floating-point element types. */
export type DType = 'float32' | 'float64';

/** The typed array of a dtype. */
export type FloatArray = Float32Array | Float64Array;

/** A shape and its elements in C order. */
export interface Tensor<A extends FloatArray = FloatArray> {
  readonly shape: readonly number[];
  readonly data: A;
}

/** The number of elements of a shape (1 for a scalar `[]`). */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Shapes in the form they appear in messages: `[1, 3, 28, 28]`. */
export const showShape = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

/** Checks that a shape has non-negative integer dimensions. */
export function assertShape(shape: readonly number[], where: string): void {
  assertArgument(
    shape.every((d) => Number.isInteger(d) && d >= 0),
    where,
    () => `a shape must have non-negative integer dimensions, got ${showShape(shape)}`,
  );
}

/** A tensor over `data`, which must have exactly as many elements as `shape` says. */
export function tensor<A extends FloatArray>(shape: readonly number[], data: A): Tensor<A> {
  assertShape(shape, 'tensor');
  if (data.length !== sizeOf(shape))
    throw new ShapeError(
      'tensor',
      `${showShape(shape)} (${sizeOf(shape)} elements)`,
      `${data.length} elements`,
    );
  return withDisplay({ shape: [...shape], data }, tensorBundle, 'tensor');
}

/** A tensor's text form in notebooks: shape, dtype and value range. */
function tensorBundle(t: Tensor): MimeBundle {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < t.data.length; i++) {
    const v = t.data[i] as number;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const range = t.data.length === 0 ? 'empty' : `values in [${lo.toPrecision(4)}, ${hi.toPrecision(4)}]`;
  return { 'text/plain': `Tensor ${showShape(t.shape)} ${dtypeOf(t.data)}, ${range}` };
}

/** The dtype of a typed array. */
export const dtypeOf = (data: FloatArray): DType => (data instanceof Float64Array ? 'float64' : 'float32');

/** A new zero-filled typed array of a dtype. */
export const allocate = (dtype: DType, length: number): FloatArray =>
  dtype === 'float64' ? new Float64Array(length) : new Float32Array(length);

/** A zero tensor. */
export function zeros(shape: readonly number[], dtype: DType = 'float32'): Tensor {
  assertShape(shape, 'zeros');
  return { shape: [...shape], data: allocate(dtype, sizeOf(shape)) };
}

/** The same elements under another shape of the same size (shares the data). */
export function reshape<A extends FloatArray>(t: Tensor<A>, shape: readonly number[]): Tensor<A> {
  assertShape(shape, 'reshape');
  if (sizeOf(shape) !== t.data.length)
    throw new ShapeError('reshape', `a shape with ${t.data.length} elements`, showShape(shape));
  return { shape: [...shape], data: t.data };
}

/** The tensor converted to a dtype (the same object when it already has it). */
export function toDType(t: Tensor, dtype: DType): Tensor {
  if (dtypeOf(t.data) === dtype) return t;
  return {
    shape: t.shape,
    data: dtype === 'float64' ? Float64Array.from(t.data) : Float32Array.from(t.data),
  };
}

/** Samples `start` (inclusive) to `end` (exclusive) along the first (batch) axis; shares the data. */
export function sliceBatch<A extends FloatArray>(t: Tensor<A>, start: number, end = start + 1): Tensor<A> {
  const n = t.shape[0] ?? 0;
  assertArgument(
    Number.isInteger(start) && Number.isInteger(end) && 0 <= start && start <= end && end <= n,
    'sliceBatch',
    () => `samples ${start}..${end} are outside a batch of ${n}`,
  );
  const per = n === 0 ? 0 : t.data.length / n;
  return { shape: [end - start, ...t.shape.slice(1)], data: t.data.subarray(start * per, end * per) as A };
}

/** Largest absolute element (0 for an empty tensor); NaN propagates. */
export function maxAbs(data: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < data.length; i++) {
    const a = Math.abs(data[i]!);
    if (a > m || Number.isNaN(a)) m = a;
  }
  return m;
}
