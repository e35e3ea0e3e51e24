/**
 * VGG-16 (Simonyan & Zisserman, 2015, configuration D) exactly as torchvision's `vgg16()` builds
 * it, for [3, 224, 224] images, with the layer names and operators that provlrp's ONNX importer
 * gives an export of that module (`torch.onnx.export`, eval mode; checked against torch 1.13 with
 * torchvision 0.14, opsets 11 to 17):
 *
 *   features.0 … features.30   13 × (conv 3×3, pad 1 → ReLU), max-pool 2×2 after blocks of 2, 2, 3, 3, 3
 *                              convs: channels 64, 64 | 128, 128 | 256 ×3 | 512 ×3 | 512 ×3
 *   avgpool                    AdaptiveAvgPool2d(7); on the 7×7 map of a 224×224 image PyTorch exports
 *                              it as AveragePool with a 1×1 kernel, and so it is built here (avg_pool)
 *   Flatten                    `torch.flatten(x, 1)` in VGG.forward: a function, not a module, so the
 *                              exported node has no scope and keeps its own name
 *   classifier.0, .3, .6       dense 25088 → 4096 → 4096 → classes, classifier.1 and .4 the ReLUs
 *
 * classifier.2 and classifier.5 are Dropout modules, which the export leaves out at inference; with
 * `dropout: true` they are kept as dropout nodes (the identity), as the PyTorch module has them.
 *
 * `widthDivisor: d` divides every channel count and the hidden width 4096 by d (d divides 64),
 * as `scripts/export-vgg16.py --width-divisor d` does. Parameters are given by PyTorch name
 * (`weights`, named-parameters.ts), or drawn as torchvision initialises VGG: conv weights
 * Kaiming-normal in fan-out mode for ReLU, N(0, 2/(out·kh·kw)); dense weights N(0, 0.01²); biases 0.
 * They come from provlrp's seeded generator (the same distributions, not PyTorch's numbers).
 */
import { assertArgument } from '../../core/errors.js';
import { Rng } from '../../core/rng.js';
import { sizeOf, type Tensor } from '../../core/tensor.js';
import type { AnyNode, Model, OpAttributes } from '../graph.js';
import { createModel } from '../model.js';
import { type NamedParameters, parameterLookup } from './named-parameters.js';

/** torchvision's configuration "D": output channels of each conv, 'M' for a max-pool. */
export const VGG16_CONFIGURATION = [
  64,
  64,
  'M',
  128,
  128,
  'M',
  256,
  256,
  256,
  'M',
  512,
  512,
  512,
  'M',
  512,
  512,
  512,
  'M',
] as const;

/** Options of `vgg16`. */
export interface Vgg16Options {
  /** Divides every channel count and the classifier's hidden width; a divisor of 64. Default 1. */
  readonly widthDivisor?: number;
  /** Outputs of the last layer. Default 1000 (ImageNet). */
  readonly numClasses?: number;
  /** Seed of the random initialisation (ignored when `weights` are given). Default 0. */
  readonly seed?: number;
  /**
   * Every parameter by PyTorch name (`features.0.weight`, …, `classifier.6.bias`): a map, an
   * object, or a model (an imported export) to take them from. Float32Arrays are used, not copied.
   */
  readonly weights?: NamedParameters;
  /** Keep classifier.2 and classifier.5 (Dropout) as dropout nodes. Default false, as exported. */
  readonly dropout?: boolean;
}

/** The defaults of `vgg16`. */
export const VGG16_DEFAULTS = { widthDivisor: 1, numClasses: 1000, seed: 0, dropout: false } as const;

/** The per-sample input shape of VGG-16. */
export const VGG16_INPUT_SHAPE: readonly number[] = [3, 224, 224];

/** Where `vgg16` gets a layer's weight and bias. */
type ParameterSource = (layer: string, shape: readonly number[], std: number) => ParamPair;
type ParamPair = { weight: Tensor<Float32Array>; bias: Tensor<Float32Array> };

/**
 * VGG-16 as torchvision builds it (see the file header).
 *
 * @throws InvalidArgumentError for a width divisor that does not divide 64, a class count that is
 *   not a positive integer, or a `weights` name the model does not have.
 * @throws NotFoundError / ShapeError for a parameter missing from `weights` or of another shape.
 */
export function vgg16(options: Vgg16Options = {}): Model {
  const { widthDivisor: d, numClasses, seed, dropout } = { ...VGG16_DEFAULTS, ...options };
  assertArgument(
    Number.isInteger(d) && d >= 1 && 64 % d === 0,
    'vgg16',
    () => `widthDivisor must divide 64 (1, 2, 4, 8, 16, 32 or 64), got ${d}`,
  );
  assertArgument(
    Number.isInteger(numClasses) && numClasses >= 1,
    'vgg16',
    () => `numClasses must be a positive integer, got ${numClasses}`,
  );
  const lookup =
    options.weights === undefined ? undefined : parameterLookup(options.weights, 'vgg16 weights');
  const rng = new Rng(seed);
  const source: ParameterSource = lookup
    ? (layer, shape) => ({
        weight: lookup.take(`${layer}.weight`, shape),
        bias: lookup.take(`${layer}.bias`, [shape[0]!]),
      })
    : (_layer, shape, std) => ({
        weight: { shape: [...shape], data: normalArray(rng, sizeOf(shape), std) },
        bias: { shape: [shape[0]!], data: new Float32Array(shape[0]!) },
      });
  const nodes = [...features(d, source), ...classifier(d, numClasses, dropout, source)];
  lookup?.assertAllTaken();
  return createModel({ input: 'input', inputShape: VGG16_INPUT_SHAPE, output: 'classifier.6', nodes });
}

const CONV: OpAttributes['conv'] = { strides: [1, 1], pads: [1, 1, 1, 1], dilations: [1, 1], group: 1 };
const MAX_POOL: OpAttributes['max_pool'] = {
  kernel: [2, 2],
  strides: [2, 2],
  pads: [0, 0, 0, 0],
  dilations: [1, 1],
  ceilMode: false,
};
/** AdaptiveAvgPool2d(7) on a 7×7 map, as PyTorch exports it (see the file header). */
const AVG_POOL_1X1: OpAttributes['avg_pool'] = {
  kernel: [1, 1],
  strides: [1, 1],
  pads: [0, 0, 0, 0],
  dilations: [1, 1],
  ceilMode: false,
  countIncludePad: false,
};

/** features.0 … features.30, then avgpool and Flatten. */
function features(d: number, source: ParameterSource): AnyNode[] {
  const nodes: AnyNode[] = [];
  let input = 'input';
  let channels = 3;
  const add = (node: AnyNode) => {
    nodes.push(node);
    input = node.output;
  };
  for (const v of VGG16_CONFIGURATION) {
    const name = `features.${nodes.length}`;
    if (v === 'M') {
      add({ ...base(name, input), op: 'max_pool', attributes: MAX_POOL, params: {} });
      continue;
    }
    const out = v / d;
    // Kaiming-normal, fan-out mode, ReLU gain √2: std = √(2 / (out·kh·kw)).
    const params = source(name, [out, channels, 3, 3], Math.sqrt(2 / (out * 9)));
    add({ ...base(name, input), op: 'conv', attributes: CONV, params });
    add({ ...base(`features.${nodes.length}`, input), op: 'relu', attributes: {}, params: {} });
    channels = out;
  }
  add({ ...base('avgpool', input), op: 'avg_pool', attributes: AVG_POOL_1X1, params: {} });
  add({ ...base('Flatten', input), op: 'flatten', attributes: {}, params: {} });
  return nodes;
}

/** classifier.0 … classifier.6, reading the Flatten node's output. */
function classifier(d: number, numClasses: number, dropout: boolean, source: ParameterSource): AnyNode[] {
  const hidden = 4096 / d;
  const widths: [number, number][] = [
    [(512 / d) * 7 * 7, hidden],
    [hidden, hidden],
    [hidden, numClasses],
  ];
  const nodes: AnyNode[] = [];
  let input = 'Flatten';
  widths.forEach(([nIn, nOut], i) => {
    const name = `classifier.${3 * i}`;
    const params = source(name, [nOut, nIn], 0.01);
    nodes.push({ ...base(name, input), op: 'dense', attributes: {}, params });
    input = name;
    if (i === widths.length - 1) return;
    nodes.push({ ...base(`classifier.${3 * i + 1}`, input), op: 'relu', attributes: {}, params: {} });
    input = `classifier.${3 * i + 1}`;
    if (!dropout) return;
    nodes.push({ ...base(`classifier.${3 * i + 2}`, input), op: 'dropout', attributes: {}, params: {} });
    input = `classifier.${3 * i + 2}`;
  });
  return nodes;
}

/** A node named, layered and output-named `name`, reading `input`. */
const base = (name: string, input: string) => ({ name, layer: name, inputs: [input], output: name });

/**
 * `length` draws from N(0, std²) by the Box–Muller transform. NOTE: both values of each pair are
 * used (Rng.normal keeps one), which halves the cost of VGG-16's 138 million draws.
 */
function normalArray(rng: Rng, length: number, std: number): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i += 2) {
    const radius = std * Math.sqrt(-2 * Math.log(1 - rng.next())); // 1 − U in (0, 1]: a finite log
    const angle = 2 * Math.PI * rng.next();
    out[i] = radius * Math.cos(angle);
    if (i + 1 < length) out[i + 1] = radius * Math.sin(angle);
  }
  return out;
}
