/**
 * Structural connectivity: operators that move elements without weighing them, each output element
 * coming from at most one input element, coefficient 1 and no token. Element-wise operators and
 * reshapes keep the flat index; padding shifts it (padded positions have no source); concatenation
 * takes each input's slice; a residual sum connects element k of every input to output k.
 */
import type { Node } from '../graph.js';
import type { EmitEdge, NodeShapes } from './connectivity.js';
import { elements } from './connectivity.js';

/** Same flat index: ReLU, reshapes, dropout, identity, unmerged BatchNorm. */
export function forEachIdentityEdge(shapes: NodeShapes, emit: EmitEdge): void {
  const n = elements(shapes.output);
  for (let k = 0; k < n; k++) emit(k, k, 1);
}

/** Constant padding: input element at index i sits at i + begins in the output (if not cropped). */
export function forEachPadEdge(node: Node<'pad'>, shapes: NodeShapes, emit: EmitEdge): void {
  const inShape = shapes.inputs[0]!;
  const rank = inShape.length;
  const begins = node.attributes.pads.slice(0, rank);
  const outStrides = new Array<number>(rank).fill(1);
  for (let d = rank - 2; d >= 0; d--) outStrides[d] = outStrides[d + 1]! * shapes.output[d + 1]!;
  const n = elements(inShape);
  for (let j = 0; j < n; j++) {
    let rest = j;
    let k = 0;
    let inside = true;
    for (let d = rank - 1; d >= 0; d--) {
      const o = (rest % inShape[d]!) + begins[d]!;
      rest = Math.floor(rest / inShape[d]!);
      if (o < 0 || o >= shapes.output[d]!) inside = false;
      k += o * outStrides[d]!;
    }
    if (inside) emit(j, k, 1);
  }
}

/** Concatenation: each input's block lands at its offset along the axis. */
export function forEachConcatEdge(node: Node<'concat'>, shapes: NodeShapes, emit: EmitEdge): void {
  const axis = node.attributes.axis;
  const total = shapes.output[axis]!;
  const inner = shapes.output.slice(axis + 1).reduce((p, d) => p * d, 1);
  const outer = shapes.output.slice(0, axis).reduce((p, d) => p * d, 1);
  let jBase = 0;
  let offset = 0;
  for (const shape of shapes.inputs) {
    const block = shape[axis]! * inner;
    for (let o = 0; o < outer; o++)
      for (let i = 0; i < block; i++) emit(jBase + o * block + i, (o * total + offset) * inner + i, 1);
    jBase += elements(shape);
    offset += shape[axis]!;
  }
}

/** Residual sum: element k of input i (index i·n + k, inputs end to end) to output k. */
export function forEachAddEdge(shapes: NodeShapes, emit: EmitEdge): void {
  const n = elements(shapes.output);
  shapes.inputs.forEach((_, i) => {
    for (let k = 0; k < n; k++) emit(i * n + k, k, 1);
  });
}
