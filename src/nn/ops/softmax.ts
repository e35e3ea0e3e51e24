/**
 * Softmax inside the network (ONNX Softmax anywhere but the last node: attention weights), over a
 * per-sample axis: s_i = e^{x_i} / Σ_j e^{x_j} along the axis, for each position of the others.
 *
 * LRP category `explicit`, AttnLRP's rule (Achtibat et al. 2024, Proposition 3.1: the Taylor
 * decomposition of softmax at its input, with the bias term dropped), per group along the axis:
 *   R_i = x_i·(R_i^out − s_i·Σ_j R_j^out),  i.e.  d_ij = x_i·(δ_ij − s_i)
 * for every pair (input i, output j) of the same group, each edge carrying a token. (It is
 * conservative only up to the dropped bias term, Σ_i R_i = Σ_j R_j·(x_j − Σ_i s_i x_i).)
 * Training: ∂x_i = s_i·(∂s_i − Σ_j s_j ∂s_j).
 */
import { InvalidArgumentError } from '../../core/errors.js';
import { sizeOf } from '../../core/tensor.js';
import type { Node } from '../graph.js';
import { describeNode, expectAttributes, expectInputCount } from './checks.js';
import type { OpDefinition } from './op-definition.js';

/** (outer, size, inner) of the softmax axis in a per-sample shape. */
function groups(node: Node<'softmax'>, shape: readonly number[]): [number, number, number] {
  const { axis } = node.attributes;
  return [sizeOf(shape.slice(0, axis)), shape[axis]!, sizeOf(shape.slice(axis + 1))];
}

/** Calls f(i, j) for the flat indices of every pair of one group, for every group of a sample. */
function forEachPair(
  node: Node<'softmax'>,
  shape: readonly number[],
  f: (i: number, j: number) => void,
): void {
  const [outer, size, inner] = groups(node, shape);
  for (let o = 0; o < outer; o++)
    for (let q = 0; q < inner; q++) {
      const base = o * size * inner + q;
      for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) f(base + i * inner, base + j * inner);
    }
}

export const softmax: OpDefinition<'softmax'> = {
  op: 'softmax',
  connectivity: 'dense',
  lrp: 'explicit',
  edges: (node, shapes, emit) => forEachPair(node, shapes.inputs[0]!, (i, j) => emit(i, j, 1)),
  relevanceEdges(node, { shapes, inputs, output }, n, emit) {
    const per = sizeOf(shapes.inputs[0]!);
    const x = inputs[0]!.data;
    const s = output.data;
    forEachPair(node, shapes.inputs[0]!, (i, j) =>
      emit(i, j, x[n * per + i]! * ((i === j ? 1 : 0) - s[n * per + i]!)),
    );
  },
  backward({ node, inputs, output, gradOutput, gradInputs }) {
    const gx = gradInputs[0];
    if (!gx) return;
    const shape = inputs[0]!.shape.slice(1);
    const per = sizeOf(shape);
    const [outer, size, inner] = groups(node, shape);
    const s = output.data;
    for (let n = 0; n * per < gx.length; n++)
      for (let o = 0; o < outer; o++)
        for (let q = 0; q < inner; q++) {
          const base = n * per + o * size * inner + q;
          let dot = 0;
          for (let j = 0; j < size; j++) dot += s[base + j * inner]! * gradOutput[base + j * inner]!;
          for (let i = 0; i < size; i++) {
            const at = base + i * inner;
            gx[at] = gx[at]! + s[at]! * (gradOutput[at]! - dot);
          }
        }
  },
  inferShape(node, inputs) {
    expectInputCount(node, inputs, 1);
    expectAttributes(node);
    const { axis } = node.attributes;
    if (axis < 0 || axis >= inputs[0]!.length)
      throw new InvalidArgumentError(
        describeNode(node),
        `axis ${axis} is not a per-sample axis of [${inputs[0]!.join(', ')}]`,
      );
    return [...inputs[0]!];
  },
  forward(node, inputs, out) {
    const shape = inputs[0]!.shape.slice(1);
    const per = sizeOf(shape);
    const [outer, size, inner] = groups(node, shape);
    const x = inputs[0]!.data;
    for (let n = 0; n * per < x.length; n++)
      for (let o = 0; o < outer; o++)
        for (let q = 0; q < inner; q++) {
          const base = n * per + o * size * inner + q;
          let max = -Infinity;
          for (let i = 0; i < size; i++) max = Math.max(max, x[base + i * inner]!);
          let sum = 0;
          for (let i = 0; i < size; i++) sum += Math.exp(x[base + i * inner]! - max);
          for (let i = 0; i < size; i++)
            out.data[base + i * inner] = Math.exp(x[base + i * inner]! - max) / sum;
        }
  },
};
