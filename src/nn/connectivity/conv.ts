/**
 * Convolution connectivity: output (o, y, x) to each input tap (c, y·sh − pt + u·dh,
 * x·sw − pl + v·dw) of its group that lies inside the input, with the kernel weight
 * W[o, c − g₀, u, v]. Taps in the padding are not edges.
 */
import type { Node } from '../graph.js';
import { axes2d } from '../ops/window.js';
import type { EmitEdge, NodeShapes } from './connectivity.js';

/** Calls `emit(j, k, w)` for every tap, with `w` the index of its weight in W's flat array. */
export function forEachConvTap(node: Node<'conv'>, shapes: NodeShapes, emit: EmitEdge): void {
  const [, height = 0, width = 0] = shapes.inputs[0]!;
  const [nOut = 0, oh = 0, ow = 0] = shapes.output;
  const [, perGroup, kh, kw] = node.params.weight.shape as [number, number, number, number];
  const { strides, pads, dilations, group } = node.attributes;
  const [ay, ax] = axes2d([kh, kw], strides, pads, dilations);
  const outPerGroup = nOut / group;
  for (let o = 0; o < nOut; o++) {
    const firstChannel = Math.floor(o / outPerGroup) * perGroup;
    for (let y = 0; y < oh; y++)
      for (let x = 0; x < ow; x++) {
        const k = (o * oh + y) * ow + x;
        for (let cg = 0; cg < perGroup; cg++)
          for (let u = 0; u < kh; u++) {
            const iy = y * ay.stride - ay.padBegin + u * ay.dilation;
            if (iy < 0 || iy >= height) continue;
            for (let v = 0; v < kw; v++) {
              const ix = x * ax.stride - ax.padBegin + v * ax.dilation;
              if (ix < 0 || ix >= width) continue;
              emit(
                ((firstChannel + cg) * height + iy) * width + ix,
                k,
                ((o * perGroup + cg) * kh + u) * kw + v,
              );
            }
          }
      }
  }
}

/** Calls `emit(j, k, w)` for every tap, with `w` its kernel weight. */
export function forEachConvEdge(node: Node<'conv'>, shapes: NodeShapes, emit: EmitEdge): void {
  const w = node.params.weight.data;
  forEachConvTap(node, shapes, (j, k, index) => emit(j, k, w[index]!));
}
