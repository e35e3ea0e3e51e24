/**
 * Adaptive average pooling (PyTorch `nn.AdaptiveAvgPool2d`), input [C, H, W] → [C, oh, ow]:
 * output (i, j) is the mean of rows [⌊i·H/oh⌋, ⌈(i+1)·H/oh⌉) and columns [⌊j·W/ow⌋, ⌈(j+1)·W/ow⌉)
 * (windows may overlap, and may be larger than the input's share when oh does not divide H).
 * Connectivity `pool`: each output element to the positions of its window, one channel at a time.
 */

import { adaptiveAvgPoolAdjoint } from '../adjoints/pool.js';
import { forEachAdaptivePoolEdge } from '../connectivity/pool.js';
import { adaptiveAvgPoolBackward } from '../train/pool-gradients.js';
import { expectInputCount, expectIntegers, expectNonEmpty, expectRank } from './checks.js';
import type { OpDefinition } from './op-definition.js';
import { adaptiveWindow } from './window.js';

export const adaptiveAvgPool: OpDefinition<'adaptive_avg_pool'> = {
  op: 'adaptive_avg_pool',
  connectivity: 'pool',
  lrp: 'linear',
  backward: (context) => adaptiveAvgPoolBackward(context),
  edges: (node, shapes, emit) => forEachAdaptivePoolEdge(node, shapes, emit),
  hasParams: false,
  adjoint: (node, inputShape, _outputShape, s, c, _weight) => adaptiveAvgPoolAdjoint(node, inputShape, s, c),
  inferShape(node, inputs) {
    expectInputCount(node, inputs, 1);
    const input = inputs[0]!;
    expectRank(node, input, 3, 'input ([C, H, W])');
    expectNonEmpty(node, input, 'input');
    expectIntegers(node, 'outputSize', node.attributes.outputSize, 2, 1);
    return [input[0]!, ...node.attributes.outputSize];
  },
  forward(_node, inputs, out) {
    const x = inputs[0]!;
    const [batch, channels, height, width] = x.shape as [number, number, number, number];
    const [, , oh, ow] = out.shape as [number, number, number, number];
    const a = x.data;
    const z = out.data;
    let i = 0;
    for (let plane = 0; plane < batch * channels; plane++) {
      const base = plane * height * width;
      for (let y = 0; y < oh; y++) {
        const [y0, y1] = adaptiveWindow(y, height, oh);
        for (let xo = 0; xo < ow; xo++) {
          const [x0, x1] = adaptiveWindow(xo, width, ow);
          let sum = 0;
          for (let iy = y0; iy < y1; iy++) for (let ix = x0; ix < x1; ix++) sum += a[base + iy * width + ix]!;
          z[i++] = sum / ((y1 - y0) * (x1 - x0));
        }
      }
    }
  },
};
