/**
 * Broadcasting of per-sample shapes (ONNX's multidirectional broadcasting, numpy's rules): shapes
 * are aligned on their last axes, and each size is 1 or the output's. `broadcastIndex` maps every
 * output element to the element of an input it reads.
 */
import { ShapeError } from '../../core/errors.js';
import { showShape, sizeOf } from '../../core/tensor.js';

/** The broadcast shape of `shapes`, or a `ShapeError` naming `where`. */
export function broadcastShape(where: string, shapes: readonly (readonly number[])[]): number[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let a = 0; a < rank; a++) {
    const sizes = shapes.map((s) => s[a - (rank - s.length)] ?? 1);
    const size = sizes.some((d) => d === 0) ? 0 : Math.max(...sizes);
    if (sizes.some((d) => d !== 1 && d !== size))
      throw new ShapeError(where, 'shapes that broadcast together', shapes.map(showShape).join(' and '));
    out.push(size);
  }
  return out;
}

/** For each element of `output` (flat, C order), the flat index of the element of `input` it reads. */
export function broadcastIndex(input: readonly number[], output: readonly number[]): Int32Array {
  const offset = output.length - input.length;
  const strides = input.map((_, a) => sizeOf(input.slice(a + 1)));
  const map = new Int32Array(sizeOf(output));
  const m = new Array<number>(output.length).fill(0);
  for (let k = 0; k < map.length; k++) {
    let j = 0;
    for (let a = 0; a < input.length; a++) if (input[a] !== 1) j += m[a + offset]! * strides[a]!;
    map[k] = j;
    for (let a = output.length - 1; a >= 0; a--) {
      m[a] = m[a]! + 1;
      if (m[a]! < output[a]!) break;
      m[a] = 0;
    }
  }
  return map;
}
