/**
 * Rectified linear unit (ONNX Relu, PyTorch `nn.ReLU`): z = max(0, a), element-wise.
 * Connectivity `identity`: each output element to its input element (LRP passes relevance through).
 */

import { forEachIdentityEdge } from '../connectivity/structural.js';
import { reluBackward } from '../train/structural-gradients.js';
import { expectInputCount } from './checks.js';
import type { OpDefinition } from './op-definition.js';

export const relu: OpDefinition<'relu'> = {
  op: 'relu',
  connectivity: 'identity',
  lrp: 'elementwise',
  backward: (context) => reluBackward(context),
  edges: (_node, shapes, emit) => forEachIdentityEdge(shapes, emit),
  inferShape(node, inputs) {
    expectInputCount(node, inputs, 1);
    return [...inputs[0]!];
  },
  forward(_node, inputs, out) {
    const a = inputs[0]!.data;
    const z = out.data;
    for (let i = 0; i < a.length; i++) z[i] = Math.max(a[i]!, 0);
  },
};
