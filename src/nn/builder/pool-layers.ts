/**
 * Pooling layers, named and parametrised as PyTorch's modules: `maxPool2d` (`nn.MaxPool2d`),
 * `avgPool2d` (`nn.AvgPool2d`; `countIncludePad` defaults to true as in PyTorch, where ONNX's
 * default is false), `adaptiveAvgPool2d` (`nn.AdaptiveAvgPool2d`) and `globalAvgPool2d`
 * (`nn.AdaptiveAvgPool2d(1)` as ONNX exports it). The stride defaults to the kernel size.
 */
import { type Layer, nodeBase, toPads, toPair } from './layer.js';

/** Options of `maxPool2d`, as `nn.MaxPool2d`'s. */
export interface MaxPool2dOptions {
  /** Default: the kernel size. */
  readonly stride?: number | readonly [number, number];
  /** One number, (height, width), or (top, left, bottom, right). */
  readonly padding?: number | readonly number[];
  readonly dilation?: number | readonly [number, number];
  readonly ceilMode?: boolean;
}

/** 2-D max pooling (a `max_pool` node); ties go to the first maximum of a window. */
export function maxPool2d(kernel: number | readonly [number, number], options: MaxPool2dOptions = {}): Layer {
  const where = 'maxPool2d';
  const size = toPair(kernel, where, 'kernel');
  const attributes = {
    kernel: size,
    strides: toPair(options.stride ?? size, where, 'stride'),
    pads: toPads(options.padding ?? 0, where),
    dilations: toPair(options.dilation ?? 1, where, 'dilation'),
    ceilMode: options.ceilMode ?? false,
  };
  return {
    op: 'max_pool',
    build: (context) => ({ ...nodeBase(context), op: 'max_pool', attributes, params: {} }),
  };
}

/** Options of `avgPool2d`, as `nn.AvgPool2d`'s (plus ONNX's dilation). */
export interface AvgPool2dOptions extends MaxPool2dOptions {
  /** Whether padded taps count in the divisor; default true (PyTorch). */
  readonly countIncludePad?: boolean;
}

/** 2-D average pooling (an `avg_pool` node). */
export function avgPool2d(kernel: number | readonly [number, number], options: AvgPool2dOptions = {}): Layer {
  const where = 'avgPool2d';
  const size = toPair(kernel, where, 'kernel');
  const attributes = {
    kernel: size,
    strides: toPair(options.stride ?? size, where, 'stride'),
    pads: toPads(options.padding ?? 0, where),
    dilations: toPair(options.dilation ?? 1, where, 'dilation'),
    ceilMode: options.ceilMode ?? false,
    countIncludePad: options.countIncludePad ?? true,
  };
  return {
    op: 'avg_pool',
    build: (context) => ({ ...nodeBase(context), op: 'avg_pool', attributes, params: {} }),
  };
}

/** Adaptive average pooling to `size` (one number or height, width): an `adaptive_avg_pool` node. */
export function adaptiveAvgPool2d(size: number | readonly [number, number]): Layer {
  const outputSize = toPair(size, 'adaptiveAvgPool2d', 'size');
  return {
    op: 'adaptive_avg_pool',
    build: (context) => ({
      ...nodeBase(context),
      op: 'adaptive_avg_pool',
      attributes: { outputSize },
      params: {},
    }),
  };
}

/** The mean over all positions of each channel, [C, H, W] → [C, 1, 1]: a `global_avg_pool` node. */
export function globalAvgPool2d(): Layer {
  return {
    op: 'global_avg_pool',
    build: (context) => ({ ...nodeBase(context), op: 'global_avg_pool', attributes: {}, params: {} }),
  };
}
