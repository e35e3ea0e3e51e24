/**
 * Global average pooling (ONNX GlobalAveragePool), input [C, H, W] → [C, 1, 1]:
 *   z[c] = (1 / (H·W)) Σ_{y,x} a[c, y, x].
 * Connectivity `pool`: each output element to every position of its channel.
 */

import { globalAvgPoolAdjoint } from '../adjoints/pool.js';
import { forEachGlobalPoolEdge } from '../connectivity/pool.js';
import { globalAvgPoolBackward } from '../train/pool-gradients.js';
import { expectInputCount, expectNonEmpty, expectRank } from './checks.js';
import type { OpDefinition } from './op-definition.js';

export const globalAvgPool: OpDefinition<'global_avg_pool'> = {
  op: 'global_avg_pool',
  connectivity: 'pool',
  lrp: 'linear',
  backward: (context) => globalAvgPoolBackward(context),
  edges: (_node, shapes, emit) => forEachGlobalPoolEdge(shapes, emit),
  hasParams: false,
  adjoint: (_node, inputShape, _outputShape, s, c, _weight) => globalAvgPoolAdjoint(inputShape, s, c),
  inferShape(node, inputs) {
    expectInputCount(node, inputs, 1);
    const input = inputs[0]!;
    expectRank(node, input, 3, 'input ([C, H, W])');
    expectNonEmpty(node, input, 'input');
    return [input[0]!, 1, 1];
  },
  forward(_node, inputs, out) {
    const a = inputs[0]!.data;
    const z = out.data;
    const planes = z.length;
    const size = a.length / planes;
    for (let p = 0; p < planes; p++) {
      let sum = 0;
      const base = p * size;
      for (let i = 0; i < size; i++) sum += a[base + i]!;
      z[p] = sum / size;
    }
  },
};
