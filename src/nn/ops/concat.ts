/**
 * Concatenation along a per-sample axis (ONNX Concat, `torch.cat`): the inputs' shapes agree
 * except on `axis` (0 ≤ axis < rank, counted without the batch axis), where their sizes add up.
 * Connectivity `identity`: each output element comes from exactly one input element (a slice).
 */
import { InvalidArgumentError, ShapeError } from '../../core/errors.js';
import { showShape } from '../../core/tensor.js';
import { forEachConcatEdge } from '../connectivity/structural.js';
import { concatBackward } from '../train/structural-gradients.js';
import { describeNode, expectInputCount } from './checks.js';
import type { OpDefinition } from './op-definition.js';

export const concat: OpDefinition<'concat'> = {
  op: 'concat',
  connectivity: 'identity',
  lrp: 'routing',
  backward: (context) => concatBackward(context),
  edges: (node, shapes, emit) => forEachConcatEdge(node, shapes, emit),
  inferShape(node, inputs) {
    expectInputCount(node, inputs, 1, true);
    const first = inputs[0]!;
    const axis = node.attributes.axis;
    if (!Number.isInteger(axis) || axis < 0 || axis >= first.length)
      throw new InvalidArgumentError(
        describeNode(node),
        `axis must be an integer in [0, ${first.length}) (per sample, without the batch axis), got ${axis}`,
      );
    let total = 0;
    inputs.forEach((shape, i) => {
      const fits = shape.length === first.length && shape.every((d, a) => a === axis || d === first[a]);
      if (!fits)
        throw new ShapeError(
          `${describeNode(node)} input ${i + 1}`,
          `[${first.map((d, a) => (a === axis ? '*' : d)).join(', ')}] (concatenated on axis ${axis})`,
          showShape(shape),
        );
      total += shape[axis]!;
    });
    return first.map((d, a) => (a === axis ? total : d));
  },
  forward(node, inputs, out) {
    // With the batch axis in front, the output is `outer` blocks, each the inputs' blocks in turn.
    const axis = node.attributes.axis + 1;
    let outer = 1;
    for (let a = 0; a < axis; a++) outer *= out.shape[a]!;
    const z = out.data;
    const blocks = inputs.map((t) => t.data.length / outer);
    let at = 0;
    for (let o = 0; o < outer; o++)
      inputs.forEach((t, i) => {
        const size = blocks[i]!;
        z.set(t.data.subarray(o * size, (o + 1) * size), at);
        at += size;
      });
  },
};
