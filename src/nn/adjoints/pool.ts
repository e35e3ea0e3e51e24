/**
 * The adjoints of the average poolings, each linear in its input: every output's value s is spread
 * back over the taps of its window, each tap receiving s / divisor (the same divisor as the
 * forward kernel: ops/avg-pool.ts, PyTorch's rules). Global pooling spreads s / (H·W) over the
 * whole plane; adaptive pooling s / |window| over PyTorch's adaptive windows.
 */
import type { FloatArray } from '../../core/tensor.js';
import type { Node } from '../graph.js';
import { avgPoolDivisors } from '../ops/avg-pool.js';
import { adaptiveWindow, axes2d } from '../ops/window.js';

/** Adds avg_poolᵀ(s) into `c`; shapes per sample ([C, H, W] in, [C, oh, ow] out). */
export function avgPoolAdjoint(
  node: Node<'avg_pool'>,
  inputShape: readonly number[],
  outputShape: readonly number[],
  s: FloatArray,
  c: FloatArray,
): void {
  const [, height = 0, width = 0] = inputShape;
  const [, oh = 0, ow = 0] = outputShape;
  const { kernel, strides, pads, dilations } = node.attributes;
  const [ay, ax] = axes2d(kernel, strides, pads, dilations);
  const rows = avgPoolDivisors(node, height, oh, ay);
  const cols = avgPoolDivisors(node, width, ow, ax);
  const planes = s.length / (oh * ow || 1);
  let i = 0;
  for (let plane = 0; plane < planes; plane++) {
    const base = plane * height * width;
    for (let y = 0; y < oh; y++) {
      const y0 = y * ay.stride - ay.padBegin;
      for (let x = 0; x < ow; x++) {
        const share = s[i++]! / (rows[y]! * cols[x]!);
        if (share === 0) continue;
        const x0 = x * ax.stride - ax.padBegin;
        for (let u = 0; u < ay.kernel; u++) {
          const iy = y0 + u * ay.dilation;
          if (iy < 0 || iy >= height) continue;
          for (let v = 0; v < ax.kernel; v++) {
            const ix = x0 + v * ax.dilation;
            if (ix >= 0 && ix < width) c[base + iy * width + ix] = c[base + iy * width + ix]! + share;
          }
        }
      }
    }
  }
}

/** Adds global_avg_poolᵀ(s) into `c`: s[c] / (H·W) to every position of plane c. */
export function globalAvgPoolAdjoint(inputShape: readonly number[], s: FloatArray, c: FloatArray): void {
  const [, height = 0, width = 0] = inputShape;
  const area = height * width;
  for (let plane = 0; plane < s.length; plane++) {
    const share = s[plane]! / area;
    const base = plane * area;
    for (let p = 0; p < area; p++) c[base + p] = c[base + p]! + share;
  }
}

/** Adds adaptive_avg_poolᵀ(s) into `c` (PyTorch's windows). */
export function adaptiveAvgPoolAdjoint(
  node: Node<'adaptive_avg_pool'>,
  inputShape: readonly number[],
  s: FloatArray,
  c: FloatArray,
): void {
  const [, height = 0, width = 0] = inputShape;
  const [oh, ow] = node.attributes.outputSize;
  const planes = s.length / (oh * ow);
  let i = 0;
  for (let plane = 0; plane < planes; plane++) {
    const base = plane * height * width;
    for (let y = 0; y < oh; y++) {
      const [y0, y1] = adaptiveWindow(y, height, oh);
      for (let x = 0; x < ow; x++) {
        const [x0, x1] = adaptiveWindow(x, width, ow);
        const share = s[i++]! / ((y1 - y0) * (x1 - x0));
        for (let iy = y0; iy < y1; iy++)
          for (let ix = x0; ix < x1; ix++) c[base + iy * width + ix] = c[base + iy * width + ix]! + share;
      }
    }
  }
}
