/**
 * The adjoints of the operators that only move elements: padding (its adjoint crops: padded
 * positions send nothing back) and concatenation (its adjoint splits the output into the inputs'
 * slices). Element-wise operators and reshapes keep the flat layout, so their adjoint is the
 * identity on the flat arrays.
 */
import type { FloatArray } from '../../core/tensor.js';
import type { Node } from '../graph.js';

/** Adds the cropped `s` (output-shaped, with batch) into `c` (input-shaped, with batch). */
export function padAdjoint(
  node: Node<'pad'>,
  inputShape: readonly number[],
  outputShape: readonly number[],
  s: FloatArray,
  c: FloatArray,
): void {
  const rank = inputShape.length;
  const begins = node.attributes.pads.slice(0, rank);
  const perSampleIn = inputShape.reduce((p, d) => p * d, 1);
  const perSampleOut = outputShape.reduce((p, d) => p * d, 1);
  const batch = perSampleIn > 0 ? c.length / perSampleIn : 0;
  const outStrides = new Array<number>(rank).fill(1);
  for (let d = rank - 2; d >= 0; d--) outStrides[d] = outStrides[d + 1]! * outputShape[d + 1]!;
  const index = new Array<number>(rank).fill(0);
  for (let i = 0; i < perSampleIn; i++) {
    let rest = i;
    let target = 0;
    let inside = true;
    for (let d = rank - 1; d >= 0; d--) {
      index[d] = rest % inputShape[d]!;
      rest = Math.floor(rest / inputShape[d]!);
      const o = index[d]! + begins[d]!;
      if (o < 0 || o >= outputShape[d]!) inside = false;
      target += o * outStrides[d]!;
    }
    if (!inside) continue; // cropped away by a negative pad: it reached no output
    for (let n = 0; n < batch; n++)
      c[n * perSampleIn + i] = c[n * perSampleIn + i]! + s[n * perSampleOut + target]!;
  }
}

/**
 * Adds the slice of `s` that came from input `which` into `c`. `inputShapes` are the per-sample
 * shapes of all the concatenated inputs.
 */
export function concatAdjoint(
  node: Node<'concat'>,
  inputShapes: readonly (readonly number[])[],
  which: number,
  s: FloatArray,
  c: FloatArray,
): void {
  const axis = node.attributes.axis;
  const shape = inputShapes[which]!;
  const inner = shape.slice(axis + 1).reduce((p, d) => p * d, 1);
  const outer = shape.slice(0, axis).reduce((p, d) => p * d, 1);
  const total = inputShapes.reduce((p, sh) => p + sh[axis]!, 0);
  const offset = inputShapes.slice(0, which).reduce((p, sh) => p + sh[axis]!, 0);
  const block = shape[axis]! * inner;
  const perSampleIn = outer * block;
  const batch = perSampleIn > 0 ? c.length / perSampleIn : 0;
  for (let n = 0; n < batch; n++)
    for (let o = 0; o < outer; o++) {
      const from = (n * outer + o) * total * inner + offset * inner;
      const to = (n * outer + o) * block;
      for (let i = 0; i < block; i++) c[to + i] = c[to + i]! + s[from + i]!;
    }
}
