/**
 * Reshape (ONNX Reshape, PyTorch `view`): the same elements in C order under a new per-sample
 * shape. The attribute is fully resolved (no −1 or 0 placeholders; the builder and the ONNX
 * importer resolve them) and must have as many elements as the input.
 * Connectivity `identity`: output element i to input element i.
 */
import { ShapeError } from '../../core/errors.js';
import { showShape, sizeOf } from '../../core/tensor.js';
import { forEachIdentityEdge } from '../connectivity/structural.js';
import { passBackward } from '../train/structural-gradients.js';
import { describeNode, expectInputCount, expectNonEmpty } from './checks.js';
import type { OpDefinition } from './op-definition.js';

export const reshape: OpDefinition<'reshape'> = {
  op: 'reshape',
  connectivity: 'identity',
  lrp: 'elementwise',
  backward: (context) => passBackward(context),
  edges: (_node, shapes, emit) => forEachIdentityEdge(shapes, emit),
  inferShape(node, inputs) {
    expectInputCount(node, inputs, 1);
    const input = inputs[0]!;
    const shape = node.attributes.shape;
    if (!Array.isArray(shape))
      throw new ShapeError(
        `${describeNode(node)} attribute "shape"`,
        'an array of dimensions',
        String(shape),
      );
    expectNonEmpty(node, shape, 'attribute "shape"');
    if (sizeOf(shape) !== sizeOf(input))
      throw new ShapeError(
        `${describeNode(node)} attribute "shape"`,
        `a shape with ${sizeOf(input)} elements, as the input ${showShape(input)}`,
        `${showShape(shape)} (${sizeOf(shape)} elements)`,
      );
    return [...shape];
  },
  forward(_node, inputs, out) {
    out.data.set(inputs[0]!.data);
  },
};
