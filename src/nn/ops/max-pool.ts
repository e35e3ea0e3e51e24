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
import type { Tensor } from '../../core/tensor.js';
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
    maxPoolKernel(node, inputs[0]!, out.shape, (i, value) => {
      out.data[i] = value;
    });
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
  maxPoolKernel(node, x, outShape, (i, _value, winner) => {
    winners[i] = winner;
  });
  return winners;
}

/** The max-pool loop: calls `emit(outputIndex, max, winnerIndex)` for every output element. */
function maxPoolKernel(
  node: Node<'max_pool'>,
  x: Tensor,
  outShape: readonly number[],
  emit: (i: number, value: number, winner: number) => void,
): void {
  const [batch, channels, height, width] = x.shape as [number, number, number, number];
  const [, , oh, ow] = outShape as [number, number, number, number];
  const { kernel, strides, pads, dilations } = node.attributes;
  const [kh, kw] = kernel;
  const a = x.data;
  let i = 0;
  for (let plane = 0; plane < batch * channels; plane++) {
    const base = plane * height * width;
    for (let y = 0; y < oh; y++) {
      const y0 = y * strides[0] - pads[0];
      for (let xo = 0; xo < ow; xo++) {
        const x0 = xo * strides[1] - pads[1];
        let best = Number.NEGATIVE_INFINITY;
        let winner = -1;
        for (let u = 0; u < kh; u++) {
          const iy = y0 + u * dilations[0];
          if (iy < 0 || iy >= height) continue;
          for (let v = 0; v < kw; v++) {
            const ix = x0 + v * dilations[1];
            if (ix < 0 || ix >= width) continue;
            const at = base + iy * width + ix;
            // Strictly greater: ties keep the first maximum; the first in-input tap always enters.
            if (winner < 0 || a[at]! > best) {
              best = a[at]!;
              winner = at;
            }
          }
        }
        emit(i++, best, winner);
      }
    }
  }
}
