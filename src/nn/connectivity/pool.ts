/**
 * Pooling connectivity, one channel at a time: output (c, y, x) to the taps of its window that lie
 * inside the input. Average poolings weigh each tap 1/divisor (their forward kernels' divisors:
 * count_include_pad, global H·W, PyTorch's adaptive windows); max-pooling's windows weigh 1.
 */
import type { Node } from '../graph.js';
import { avgPoolDivisors } from '../ops/avg-pool.js';
import { adaptiveWindow, axes2d } from '../ops/window.js';
import type { EmitEdge, NodeShapes } from './connectivity.js';

/** Average or max pooling over 2-D windows. */
export function forEachWindowEdge(
  node: Node<'avg_pool' | 'max_pool'>,
  shapes: NodeShapes,
  emit: EmitEdge,
): void {
  const [channels = 0, height = 0, width = 0] = shapes.inputs[0]!;
  const [, oh = 0, ow = 0] = shapes.output;
  const { kernel, strides, pads, dilations } = node.attributes;
  const [ay, ax] = axes2d(kernel, strides, pads, dilations);
  const isAverage = node.op === 'avg_pool';
  const rows = isAverage ? avgPoolDivisors(node as Node<'avg_pool'>, height, oh, ay) : undefined;
  const cols = isAverage ? avgPoolDivisors(node as Node<'avg_pool'>, width, ow, ax) : undefined;
  for (let c = 0; c < channels; c++)
    for (let y = 0; y < oh; y++)
      for (let x = 0; x < ow; x++) {
        const k = (c * oh + y) * ow + x;
        const w = rows && cols ? 1 / (rows[y]! * cols[x]!) : 1;
        for (let u = 0; u < ay.kernel; u++) {
          const iy = y * ay.stride - ay.padBegin + u * ay.dilation;
          if (iy < 0 || iy >= height) continue;
          for (let v = 0; v < ax.kernel; v++) {
            const ix = x * ax.stride - ax.padBegin + v * ax.dilation;
            if (ix >= 0 && ix < width) emit((c * height + iy) * width + ix, k, w);
          }
        }
      }
}

/** Global average pooling: every position of plane c to output c, weight 1/(H·W). */
export function forEachGlobalPoolEdge(shapes: NodeShapes, emit: EmitEdge): void {
  const [channels = 0, height = 0, width = 0] = shapes.inputs[0]!;
  const area = height * width;
  for (let c = 0; c < channels; c++) for (let p = 0; p < area; p++) emit(c * area + p, c, 1 / area);
}

/** Adaptive average pooling: PyTorch's windows, weight 1/|window|. */
export function forEachAdaptivePoolEdge(
  node: Node<'adaptive_avg_pool'>,
  shapes: NodeShapes,
  emit: EmitEdge,
): void {
  const [channels = 0, height = 0, width = 0] = shapes.inputs[0]!;
  const [oh, ow] = node.attributes.outputSize;
  for (let c = 0; c < channels; c++)
    for (let y = 0; y < oh; y++) {
      const [y0, y1] = adaptiveWindow(y, height, oh);
      for (let x = 0; x < ow; x++) {
        const [x0, x1] = adaptiveWindow(x, width, ow);
        const w = 1 / ((y1 - y0) * (x1 - x0));
        const k = (c * oh + y) * ow + x;
        for (let iy = y0; iy < y1; iy++)
          for (let ix = x0; ix < x1; ix++) emit((c * height + iy) * width + ix, k, w);
      }
    }
}
