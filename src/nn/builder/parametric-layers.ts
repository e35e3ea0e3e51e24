/**
 * Layers with parameters, named and parametrised as PyTorch's modules: `linear` (`nn.Linear`),
 * `conv2d` (`nn.Conv2d`) and `batchNorm` (`nn.BatchNorm1d/2d` in eval mode). Parameters not given
 * are PyTorch's defaults: kaiming-uniform weights and biases (init.ts) from the builder's seeded
 * generator (or the layer's own `seed`), and γ = 1, β = 0, μ = 0, σ² = 1 for BatchNorm.
 */
import { InvalidArgumentError } from '../../core/errors.js';
import { Rng } from '../../core/rng.js';
import type { Tensor } from '../../core/tensor.js';
import { defaultParameters } from './init.js';
import { type Layer, nodeBase, type ParamValues, positiveInteger, toPads, toPair, toParam } from './layer.js';

/** Options of `linear`. */
export interface LinearOptions {
  /** The weight, `[out, in]` in C order; default: PyTorch's initialisation. */
  readonly weight?: ParamValues;
  /** The bias `[out]`, or `false` for none (zeros); default: PyTorch's initialisation. */
  readonly bias?: ParamValues | false;
  /** A seed of the layer's own for the default parameters; default: the builder's generator. */
  readonly seed?: number;
}

/** A fully connected layer z = x·Wᵀ + b (a `dense` node), as `nn.Linear(inFeatures, outFeatures)`. */
export function linear(inFeatures: number, outFeatures: number, options: LinearOptions = {}): Layer {
  const where = 'linear';
  positiveInteger(inFeatures, where, 'inFeatures');
  positiveInteger(outFeatures, where, 'outFeatures');
  return {
    op: 'dense',
    build(context) {
      const params = parameters([outFeatures, inFeatures], inFeatures, options, context.rng, context.name);
      return { ...nodeBase(context), op: 'dense', attributes: {}, params };
    },
  };
}

/** Options of `conv2d`, as `nn.Conv2d`'s. */
export interface Conv2dOptions extends LinearOptions {
  readonly stride?: number | readonly [number, number];
  /** One number, (height, width), or (top, left, bottom, right). */
  readonly padding?: number | readonly number[];
  readonly dilation?: number | readonly [number, number];
  readonly groups?: number;
}

/** A 2-D convolution (a `conv` node), as `nn.Conv2d(inChannels, outChannels, kernel, …)`. */
export function conv2d(
  inChannels: number,
  outChannels: number,
  kernel: number | readonly [number, number],
  options: Conv2dOptions = {},
): Layer {
  const where = 'conv2d';
  positiveInteger(inChannels, where, 'inChannels');
  positiveInteger(outChannels, where, 'outChannels');
  const [kh, kw] = toPair(kernel, where, 'kernel');
  const strides = toPair(options.stride ?? 1, where, 'stride');
  const dilations = toPair(options.dilation ?? 1, where, 'dilation');
  const pads = toPads(options.padding ?? 0, where);
  const group = positiveInteger(options.groups ?? 1, where, 'groups');
  if (inChannels % group !== 0 || outChannels % group !== 0)
    throw new InvalidArgumentError(where, `groups (${group}) must divide inChannels and outChannels`);
  const perGroup = inChannels / group;
  return {
    op: 'conv',
    build(context) {
      const shape = [outChannels, perGroup, kh, kw];
      const params = parameters(shape, perGroup * kh * kw, options, context.rng, context.name);
      return { ...nodeBase(context), op: 'conv', attributes: { strides, pads, dilations, group }, params };
    },
  };
}

/** Options of `batchNorm`: the running statistics and affine parameters, each of `channels` values. */
export interface BatchNormOptions {
  readonly scale?: ParamValues;
  readonly bias?: ParamValues;
  readonly mean?: ParamValues;
  readonly variance?: ParamValues;
  /** Added to the variance; default 1e-5 (PyTorch's). */
  readonly epsilon?: number;
}

/** Batch normalisation in eval mode over the first per-sample axis (a `batch_norm` node). */
export function batchNorm(channels: number, options: BatchNormOptions = {}): Layer {
  const where = 'batchNorm';
  positiveInteger(channels, where, 'channels');
  const epsilon = options.epsilon ?? 1e-5;
  if (!Number.isFinite(epsilon) || epsilon < 0)
    throw new InvalidArgumentError(where, `epsilon must be finite and ≥ 0, got ${epsilon}`);
  const param = (values: ParamValues | undefined, fill: number, name: string): Tensor<Float32Array> =>
    values === undefined
      ? { shape: [channels], data: new Float32Array(channels).fill(fill) }
      : toParam(values, [channels], `${where}: parameter "${name}"`);
  const params = {
    scale: param(options.scale, 1, 'scale'),
    bias: param(options.bias, 0, 'bias'),
    mean: param(options.mean, 0, 'mean'),
    variance: param(options.variance, 1, 'variance'),
  };
  return {
    op: 'batch_norm',
    build: (context) => ({ ...nodeBase(context), op: 'batch_norm', attributes: { epsilon }, params }),
  };
}

/** The weight and bias of a dense or conv layer: given, or drawn as PyTorch initialises them. */
function parameters(
  shape: readonly number[],
  fanIn: number,
  options: LinearOptions,
  builderRng: Rng,
  name: string,
): { weight: Tensor<Float32Array>; bias: Tensor<Float32Array> } {
  const rng = options.seed === undefined ? builderRng : new Rng(options.seed);
  // Drawn even when both are given, so that a model's other layers do not depend on which
  // parameters were given explicitly.
  const drawn = defaultParameters(rng, shape, fanIn);
  const outputs = shape[0]!;
  const weight =
    options.weight === undefined ? drawn.weight : toParam(options.weight, shape, `layer "${name}": weight`);
  const bias =
    options.bias === false
      ? { shape: [outputs], data: new Float32Array(outputs) }
      : options.bias === undefined
        ? drawn.bias
        : toParam(options.bias, [outputs], `layer "${name}": bias`);
  return { weight, bias };
}
