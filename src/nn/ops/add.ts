/**
 * Element-wise sum (ONNX Add / Sum without broadcasting; a residual connection): z = a₁ + a₂ + …,
 * every input of the same shape.
 * Connectivity `add`: each output element to the same element of every input (zennit's Norm rule
 * splits relevance in proportion).
 */

import { forEachAddEdge } from '../connectivity/structural.js';
import { addBackward } from '../train/structural-gradients.js';
import { expectInputCount, expectSameShape } from './checks.js';
import type { OpDefinition } from './op-definition.js';

export const add: OpDefinition<'add'> = {
  op: 'add',
  connectivity: 'add',
  lrp: 'residual',
  backward: (context) => addBackward(context),
  edges: (_node, shapes, emit) => forEachAddEdge(shapes, emit),
  inferShape(node, inputs) {
    expectInputCount(node, inputs, 2, true);
    const first = inputs[0]!;
    for (let i = 1; i < inputs.length; i++) expectSameShape(node, first, inputs[i]!, `input ${i + 1}`);
    return [...first];
  },
  forward(_node, inputs, out) {
    const z = out.data;
    const arrays = inputs.map((t) => t.data);
    for (let i = 0; i < z.length; i++) {
      let sum = 0; // float64 accumulator, rounded once on the store
      for (const a of arrays) sum += a[i]!;
      z[i] = sum;
    }
  },
};
