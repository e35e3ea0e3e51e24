/**
 * Index arithmetic for folding constants of any rank: C-order strides and the elements of a
 * constant gathered through a per-output-element index map (Slice, Transpose).
 */
import { LimitError } from '../../../core/errors.js';
import { type Constant, floatConstant, type IntElement, intConstant } from '../values.js';
import { MAX_CONSTANT_ELEMENTS } from './constant.js';

/** C-order strides of a shape. */
export function stridesOf(dims: readonly number[]): number[] {
  const strides = new Array<number>(dims.length).fill(1);
  for (let a = dims.length - 2; a >= 0; a--) strides[a] = strides[a + 1]! * dims[a + 1]!;
  return strides;
}

/**
 * A constant of shape `dims` whose element at multi-index m is `c`'s element at flat index
 * `source(m)`; `where` names the node in a `LimitError`.
 */
export function gatherConstant(
  c: Constant,
  dims: readonly number[],
  source: (index: readonly number[]) => number,
  where: string,
): Constant {
  const count = dims.reduce((a, b) => a * b, 1);
  if (count > MAX_CONSTANT_ELEMENTS) throw new LimitError(where, count, MAX_CONSTANT_ELEMENTS);
  const from: number[] = [];
  const index = new Array<number>(dims.length).fill(0);
  for (let i = 0; i < count; i++) {
    from.push(source(index));
    for (let a = dims.length - 1; a >= 0; a--) {
      index[a] = index[a]! + 1;
      if (index[a]! < dims[a]!) break;
      index[a] = 0;
    }
  }
  if (c.kind === 'float')
    return floatConstant(
      dims,
      Float32Array.from(from, (f) => c.data[f]!),
    );
  return intConstant(
    dims,
    from.map((f): IntElement => c.data[f]!),
  );
}
