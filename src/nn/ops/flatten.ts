/**
 * Flatten (ONNX Flatten with axis 1, PyTorch `nn.Flatten`): every per-sample axis into one,
 * [N, d₁, …, d_r] → [N, d₁·…·d_r]. The elements keep their C order.
 * Connectivity `identity`: output element i to input element i.
 */

import { forEachIdentityEdge } from '../connectivity/structural.js';
import { passBackward } from '../train/structural-gradients.js';
import { expectInputCount } from './checks.js';
import type { OpDefinition } from './op-definition.js';

export const flatten: OpDefinition<'flatten'> = {
  op: 'flatten',
  connectivity: 'identity',
  lrp: 'elementwise',
  backward: (context) => passBackward(context),
  edges: (_node, shapes, emit) => forEachIdentityEdge(shapes, emit),
  inferShape(node, inputs) {
    expectInputCount(node, inputs, 1);
    let size = 1;
    for (const d of inputs[0]!) size *= d;
    return [size];
  },
  forward(_node, inputs, out) {
    out.data.set(inputs[0]!.data);
  },
};
