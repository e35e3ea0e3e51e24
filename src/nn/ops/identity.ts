/**
 * Identity (ONNX Identity, PyTorch `nn.Identity`): z = a.
 * Connectivity `identity`.
 */

import { forEachIdentityEdge } from '../connectivity/structural.js';
import { passBackward } from '../train/structural-gradients.js';
import { expectInputCount } from './checks.js';
import type { OpDefinition } from './op-definition.js';

export const identity: OpDefinition<'identity'> = {
  op: 'identity',
  connectivity: 'identity',
  lrp: 'elementwise',
  backward: (context) => passBackward(context),
  edges: (_node, shapes, emit) => forEachIdentityEdge(shapes, emit),
  inferShape(node, inputs) {
    expectInputCount(node, inputs, 1);
    return [...inputs[0]!];
  },
  forward(_node, inputs, out) {
    out.data.set(inputs[0]!.data);
  },
};
