/**
 * Leaky rectified linear unit (ONNX LeakyRelu, PyTorch `nn.LeakyReLU`): z = a for a ≥ 0 and α·a
 * below, element-wise. LRP category `elementwise`: relevance passes unchanged, as zennit's Pass
 * rule treats every activation; in the circuit its edges carry the constant 1.
 */
import { InvalidArgumentError } from '../../core/errors.js';
import { forEachIdentityEdge } from '../connectivity/structural.js';
import { leakyReluBackward } from '../train/structural-gradients.js';
import { describeNode, expectInputCount } from './checks.js';
import type { OpDefinition } from './op-definition.js';

export const leakyRelu: OpDefinition<'leaky_relu'> = {
  op: 'leaky_relu',
  connectivity: 'identity',
  lrp: 'elementwise',
  backward: (context) => leakyReluBackward(context),
  edges: (_node, shapes, emit) => forEachIdentityEdge(shapes, emit),
  inferShape(node, inputs) {
    expectInputCount(node, inputs, 1);
    if (!Number.isFinite(node.attributes.alpha))
      throw new InvalidArgumentError(
        describeNode(node),
        `alpha must be a finite number, got ${node.attributes.alpha}`,
      );
    return [...inputs[0]!];
  },
  forward(node, inputs, out) {
    const { alpha } = node.attributes;
    const a = inputs[0]!.data;
    const z = out.data;
    for (let i = 0; i < a.length; i++) z[i] = a[i]! >= 0 ? a[i]! : alpha * a[i]!;
  },
};
