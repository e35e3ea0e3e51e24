/**
 * 2-D average pooling (ONNX AveragePool, PyTorch `nn.AvgPool2d`), input [C, H, W]:
 *   z[c, y, x] = (Σ of the window's taps inside the input) / divisor.
 *
 * The divisor, per axis and multiplied (a window is a product of its row and column taps):
 * - `countIncludePad` false: the taps inside the input [0, L);
 * - `countIncludePad` true: the taps inside the padded input [−p_begin, L + p_end). Padded taps
 *   count, but the taps of a `ceilMode` overhang beyond the end padding do not. This is PyTorch's
 *   rule (`pool_size = (min(start + k, L + pad) − start)` before clipping to the input), extended
 *   to dilations by counting the dilated taps in that range.
 * Connectivity `pool`: each output element to the taps of its window, one channel at a time.
 */

import { avgPoolAdjoint } from '../adjoints/pool.js';
import { forEachWindowEdge } from '../connectivity/pool.js';
import type { Node } from '../graph.js';
import { avgPoolBackward } from '../train/pool-gradients.js';
import { expectInputCount, expectNonEmpty, expectRank } from './checks.js';
import type { OpDefinition } from './op-definition.js';
import { type Axis, axes2d, checkWindowAttributes, windowOutputShape } from './window.js';

export const avgPool: OpDefinition<'avg_pool'> = {
  op: 'avg_pool',
  connectivity: 'pool',
  lrp: 'linear',
  backward: (context) => avgPoolBackward(context),
  edges: (node, shapes, emit) => forEachWindowEdge(node, shapes, emit),
  hasParams: false,
  adjoint: (node, inputShape, outputShape, s, c, _weight) =>
    avgPoolAdjoint(node, inputShape, outputShape, s, c),
  inferShape(node, inputs) {
    expectInputCount(node, inputs, 1);
    const input = inputs[0]!;
    expectRank(node, input, 3, 'input ([C, H, W])');
    expectNonEmpty(node, input, 'input');
    const { kernel, strides, pads, dilations, ceilMode, countIncludePad } = node.attributes;
    checkWindowAttributes(node, { kernel, strides, pads, dilations });
    const spatial = axes2d(kernel, strides, pads, dilations);
    const [oh, ow] = windowOutputShape(node, input, spatial, ceilMode, !countIncludePad);
    return [input[0]!, oh, ow];
  },
  forward(node, inputs, out) {
    const x = inputs[0]!;
    const [batch, channels, height, width] = x.shape as [number, number, number, number];
    const [, , oh, ow] = out.shape as [number, number, number, number];
    const { kernel, strides, pads, dilations } = node.attributes;
    const [ay, ax] = axes2d(kernel, strides, pads, dilations);
    const rows = avgPoolDivisors(node, height, oh, ay);
    const cols = avgPoolDivisors(node, width, ow, ax);
    const a = x.data;
    const z = out.data;
    let i = 0;
    for (let plane = 0; plane < batch * channels; plane++) {
      const base = plane * height * width;
      for (let y = 0; y < oh; y++) {
        const y0 = y * ay.stride - ay.padBegin;
        for (let xo = 0; xo < ow; xo++) {
          const x0 = xo * ax.stride - ax.padBegin;
          let sum = 0;
          for (let u = 0; u < ay.kernel; u++) {
            const iy = y0 + u * ay.dilation;
            if (iy < 0 || iy >= height) continue;
            for (let v = 0; v < ax.kernel; v++) {
              const ix = x0 + v * ax.dilation;
              if (ix >= 0 && ix < width) sum += a[base + iy * width + ix]!;
            }
          }
          z[i++] = sum / (rows[y]! * cols[xo]!);
        }
      }
    }
  },
};

/**
 * The divisor's factor along one axis for each output position (see the file header): the number
 * of taps inside the input, or inside the padded input when `countIncludePad`.
 */
export function avgPoolDivisors(
  node: Node<'avg_pool'>,
  length: number,
  outLength: number,
  axis: Axis,
): Int32Array {
  const lo = node.attributes.countIncludePad ? -axis.padBegin : 0;
  const hi = node.attributes.countIncludePad ? length + axis.padEnd : length;
  const counts = new Int32Array(outLength);
  for (let i = 0; i < outLength; i++) {
    const start = i * axis.stride - axis.padBegin;
    for (let t = 0; t < axis.kernel; t++) {
      const p = start + t * axis.dilation;
      if (p >= lo && p < hi) counts[i] = counts[i]! + 1;
    }
  }
  return counts;
}
