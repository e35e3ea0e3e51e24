/**
 * Adding relevance into an accumulator, acc += sign · v (or sign · x ⊙ c), the loops of every
 * factored step. An accumulator that is `fresh` (all +0, as allocated) is written instead of added
 * to: 0 + w is w + 0, the same number for every w (−0 becomes +0, as before), without reading acc.
 * NOTE: reading a fresh array is not free: its pages are touched twice (read, then written).
 */
import type { FloatArray } from '../../core/tensor.js';

/** acc += sign · v, element-wise. */
export function accumulate(acc: FloatArray, sign: number, v: FloatArray, fresh: boolean): void {
  if (fresh) for (let i = 0; i < acc.length; i++) acc[i] = sign * v[i]! + 0;
  else for (let i = 0; i < acc.length; i++) acc[i] = acc[i]! + sign * v[i]!;
}

/** acc += sign · x ⊙ c, element-wise. */
export function accumulateProduct(
  acc: FloatArray,
  sign: number,
  x: FloatArray,
  c: FloatArray,
  fresh: boolean,
): void {
  if (fresh) for (let i = 0; i < acc.length; i++) acc[i] = sign * x[i]! * c[i]! + 0;
  else for (let i = 0; i < acc.length; i++) acc[i] = acc[i]! + sign * x[i]! * c[i]!;
}
