/**
 * 2-D max pooling (ONNX MaxPool, PyTorch `nn.MaxPool2d`), input [C, H, W]:
 *   z[c, y, x] = max over the window's taps inside the input of a[c, y·sh − pt + u·dh, x·sw − pl + v·dw].
 * Padded taps never win (as if they were −∞), and every window must touch the input. With
 * `ceilMode` the last window may overhang the padded input (see window.ts).
 *
 * Ties: the window is scanned in row-major order (u, then v) and only a strictly larger value
 * replaces the running maximum, so the FIRST maximum wins, as in PyTorch. This matters for LRP's
 * winner-takes-all rule: on a blank MNIST background every window ties, and its relevance goes to
 * the window's top-left tap. `maxPoolWinners` exposes the winners.
 * Connectivity `pool`: each output element to the taps of its window, one channel at a time.
 */
import type { FloatArray, Tensor } from '../../core/tensor.js';
import { forEachWindowEdge } from '../connectivity/pool.js';
import type { Node } from '../graph.js';
import { maxPoolBackward } from '../train/pool-gradients.js';
import { expectInputCount, expectNonEmpty, expectRank } from './checks.js';
import type { OpDefinition } from './op-definition.js';
import { axes2d, checkWindowAttributes, windowOutputShape } from './window.js';

export const maxPool: OpDefinition<'max_pool'> = {
  op: 'max_pool',
  connectivity: 'pool',
  lrp: 'selection',
  backward: (context) => maxPoolBackward(context),
  edges: (node, shapes, emit) => forEachWindowEdge(node, shapes, emit),
  inferShape(node, inputs) {
    expectInputCount(node, inputs, 1);
    const input = inputs[0]!;
    expectRank(node, input, 3, 'input ([C, H, W])');
    expectNonEmpty(node, input, 'input');
    const { kernel, strides, pads, dilations, ceilMode } = node.attributes;
    checkWindowAttributes(node, { kernel, strides, pads, dilations });
    const [oh, ow] = windowOutputShape(node, input, axes2d(kernel, strides, pads, dilations), ceilMode, true);
    return [input[0]!, oh, ow];
  },
  forward(node, inputs, out) {
    maxPoolKernel(node, inputs[0]!, out.shape, out.data, undefined);
  },
};

/**
 * For a batch `x` and the node's output shape, the flat index into `x.data` of each output
 * element's winning tap (the first maximum of its window in row-major order).
 */
export function maxPoolWinners(node: Node<'max_pool'>, x: Tensor, outShape: readonly number[]): Int32Array {
  let size = 1;
  for (const d of outShape) size *= d;
  const winners = new Int32Array(size);
  maxPoolKernel(node, x, outShape, undefined, winners);
  return winners;
}

/**
 * The max-pool loop: writes each output element's maximum into `values` and the flat index of
 * its winning tap into `winners` (either may be left out). A window without a tap inside the
 * input (which inferShape rules out) would give −∞ and winner −1.
 * NOTE: the taps inside the input are found once per output row and column (`tapRange`), not
 * tested per tap, and the results are stored, not handed to a callback per output element.
 */
function maxPoolKernel(
  node: Node<'max_pool'>,
  x: Tensor,
  outShape: readonly number[],
  values: FloatArray | undefined,
  winners: Int32Array | undefined,
): void {
  const [batch, channels, height, width] = x.shape as [number, number, number, number];
  const [, , oh, ow] = outShape as [number, number, number, number];
  const { kernel, strides, pads, dilations } = node.attributes;
  const [dy, dx] = dilations;
  const rows = tapRange(oh, kernel[0], strides[0], pads[0], dy, height);
  const cols = tapRange(ow, kernel[1], strides[1], pads[1], dx, width);
  const a = x.data;
  let i = 0;
  for (let plane = 0; plane < batch * channels; plane++) {
    const base = plane * height * width;
    for (let y = 0; y < oh; y++) {
      const y0 = y * strides[0] - pads[0];
      const uStart = rows[2 * y]!;
      const uEnd = rows[2 * y + 1]!;
      for (let xo = 0; xo < ow; xo++) {
        const x0 = xo * strides[1] - pads[1];
        const vStart = cols[2 * xo]!;
        const vEnd = cols[2 * xo + 1]!;
        let best = Number.NEGATIVE_INFINITY;
        let winner = -1;
        for (let u = uStart; u < uEnd; u++) {
          const row = base + (y0 + u * dy) * width + x0;
          for (let v = vStart; v < vEnd; v++) {
            const at = row + v * dx;
            const value = a[at]!;
            // Strictly greater: ties keep the first maximum; the first in-input tap always enters.
            if (winner < 0 || value > best) {
              best = value;
              winner = at;
            }
          }
        }
        if (values !== undefined) values[i] = best;
        if (winners !== undefined) winners[i] = winner;
        i++;
      }
    }
  }
}

/**
 * For each of `count` output positions along one axis, the range [start, end) of the kernel taps
 * t whose input position o·stride − pad + t·dilation lies in [0, length), as pairs.
 */
function tapRange(
  count: number,
  kernel: number,
  stride: number,
  pad: number,
  dilation: number,
  length: number,
): Int32Array {
  const ranges = new Int32Array(2 * count);
  for (let o = 0; o < count; o++) {
    const first = o * stride - pad;
    let start = 0;
    while (start < kernel && first + start * dilation < 0) start++;
    let end = start;
    while (end < kernel && first + end * dilation < length) end++;
    ranges[2 * o] = start;
    ranges[2 * o + 1] = end;
  }
  return ranges;
}
