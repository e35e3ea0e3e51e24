/**
 * ONNX pooling → `max_pool`, `avg_pool`, `global_avg_pool`:
 * - MaxPool(X; auto_pad, ceil_mode, dilations, kernel_shape, pads, storage_order, strides), its
 *   optional second output `Indices` unused (`storage_order` only orders those indices);
 * - AveragePool(X; auto_pad, ceil_mode, count_include_pad, dilations (opset 19+), kernel_shape,
 *   pads, strides);
 * - GlobalAveragePool(X), and ReduceMean(X; axes, keepdims) over spatial axes of [N, C, H, W]:
 *   over both it is the global mean, over one an average pool whose window spans that axis
 *   (keepdims = 0 adds a reshape dropping the reduced axes). `axes` is an attribute before opset
 *   18 and an input from opset 18 on.
 *
 * Reference: ONNX operator docs for MaxPool, AveragePool, GlobalAveragePool, ReduceMean.
 */
import { FormatError, UnsupportedError } from '../../../core/errors.js';
import { onnxRank, perSampleAxis, withoutAxes } from '../batch-layout.js';
import { type ImportContext, nodeLabel, type OnnxNode, where } from '../context.js';
import { type Activation, onnxDims } from '../values.js';
import { windowOf } from './window.js';

/** ReduceMean over per-sample axes of a seq-first activation (x.mean(0) of (seq, batch, d)). */
function reduceMeanMoved(node: OnnxNode, ctx: ImportContext, x: Activation): void {
  const rank = onnxRank(x);
  const axes = node.opset >= 18 ? ctx.intConstant(node, 1)?.data : node.attrs.intsOrUndefined('axes');
  const perSample = (axes ?? []).map((a) =>
    typeof a === 'number' && a >= -rank && a < rank ? perSampleAxis(x, a < 0 ? a + rank : a) : undefined,
  );
  if (perSample.length === 0 || !perSample.every((p): p is number => p !== undefined))
    throw ctx.unsupported(
      node,
      `over axes [${(axes ?? []).join(', ')}] of [${onnxDims(x).join(', ')}] (only per-sample axes, not the batch's)`,
    );
  const sorted = [...new Set(perSample)].sort((a, b) => a - b);
  const keepdims = node.attrs.int('keepdims', 1) !== 0;
  const batch = keepdims ? x.batch : withoutAxes(x, sorted);
  ctx.emit(node, 'reduce_mean', { axes: sorted, keepdims }, {}, [x], '', batch);
}

/** MaxPool. */
export function maxPool(node: OnnxNode, ctx: ImportContext): void {
  const x = ctx.activation(node, 0);
  const indices = node.outputs[1];
  if (indices !== undefined && indices !== '' && ctx.consumers(indices) > 0)
    throw ctx.unsupported(node, 'with its Indices output in use');
  const { kernel, strides, pads, dilations } = windowOf(node, x.shape, kernelShapeOf(node));
  checkPoolPads(node, kernel, pads, dilations);
  const ceilMode = node.attrs.int('ceil_mode', 0) !== 0;
  ctx.emit(node, 'max_pool', { kernel, strides, pads, dilations, ceilMode }, {}, [x]);
}

/** AveragePool. */
export function averagePool(node: OnnxNode, ctx: ImportContext): void {
  const x = ctx.activation(node, 0);
  const { kernel, strides, pads, dilations } = windowOf(node, x.shape, kernelShapeOf(node));
  checkPoolPads(node, kernel, pads, dilations);
  const ceilMode = node.attrs.int('ceil_mode', 0) !== 0;
  const countIncludePad = node.attrs.int('count_include_pad', 0) !== 0;
  ctx.emit(node, 'avg_pool', { kernel, strides, pads, dilations, ceilMode, countIncludePad }, {}, [x]);
}

/** GlobalAveragePool. */
export function globalAveragePool(node: OnnxNode, ctx: ImportContext): void {
  ctx.emit(node, 'global_avg_pool', {}, {}, [ctx.activation(node, 0)]);
}

/** ReduceMean over spatial axes of [N, C, H, W]. */
export function reduceMean(node: OnnxNode, ctx: ImportContext): void {
  const x = ctx.anyActivation(node, 0);
  if (x.batch !== undefined) {
    reduceMeanMoved(node, ctx, x);
    return;
  }
  const rank = x.shape.length + 1;
  const axes = node.opset >= 18 ? ctx.intConstant(node, 1)?.data : node.attrs.intsOrUndefined('axes');
  const reduced = new Set((axes ?? []).map((a) => (typeof a === 'number' && a < 0 ? a + rank : a)));
  const keepdims = node.attrs.int('keepdims', 1) !== 0;
  // No axes: every axis (from opset 18, none with noop_with_empty_axes = 1).
  if (axes === undefined || axes.length === 0) {
    if (node.opset >= 18 && node.attrs.int('noop_with_empty_axes', 0) !== 0) {
      ctx.emit(node, 'identity', {}, {}, [x]);
      return;
    }
    throw ctx.unsupported(node, 'over every axis, the batch axis included');
  }
  if (reduced.has(0) || [...reduced].some((a) => typeof a !== 'number' || a < 0 || a >= rank))
    throw ctx.unsupported(
      node,
      `over axes [${axes.join(', ')}] of a rank-${rank} input (only per-sample axes, not the batch axis 0)`,
    );
  const spatial = rank === 4 && reduced.size === axes.length && [...reduced].every((a) => a === 2 || a === 3);
  if (!spatial) {
    const perSample = [...(reduced as Set<number>)].map((a) => a - 1).sort((a, b) => a - b);
    ctx.emit(node, 'reduce_mean', { axes: perSample, keepdims }, {}, [x]);
    return;
  }
  const suffix = keepdims ? '' : 'mean';
  const [, height, width] = x.shape as [number, number, number];
  const pooled =
    reduced.size === 2
      ? ctx.emit(node, 'global_avg_pool', {}, {}, [x], suffix)
      : ctx.emit(
          node,
          'avg_pool',
          {
            kernel: reduced.has(2) ? [height, 1] : [1, width],
            strides: [1, 1],
            pads: [0, 0, 0, 0],
            dilations: [1, 1],
            ceilMode: false,
            countIncludePad: false,
          },
          {},
          [x],
          suffix,
        );
  if (!keepdims)
    ctx.emit(node, 'reshape', { shape: x.shape.filter((_, a) => !reduced.has(a + 1)) }, {}, [pooled]);
}

function kernelShapeOf(node: OnnxNode): number[] {
  const kernel = node.attrs.intsOrUndefined('kernel_shape');
  if (kernel === undefined)
    throw new FormatError('onnx', `${nodeLabel(node)} lacks its required attribute kernel_shape`);
  return kernel;
}

/** Pooling pads beyond the dilated kernel would make windows of padding only. */
function checkPoolPads(
  node: OnnxNode,
  kernel: readonly number[],
  pads: readonly number[],
  dilations: readonly number[],
) {
  pads.forEach((p, i) => {
    const extent = (kernel[i % 2]! - 1) * dilations[i % 2]!;
    if (p > extent)
      throw new UnsupportedError(
        `${where(node)}: pad ${p} exceeds the dilated kernel extent ${extent}; ` +
          'pooling pads must be smaller than the kernel',
      );
  });
}
