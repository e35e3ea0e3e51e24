/**
 * One node's relevance step: given R at a node's output, the relevance of each of its inputs
 * under the node's rule. Linear layers go through their rule's statistics; residual sums split
 * in proportion to their inputs (the norm rule, a_i·R/stab(Σ a)); max-pooling by its variant;
 * structural layers route relevance as their adjoint routes gradients (reshapes and element-wise
 * layers keep the layout, padding crops, concatenation splits).
 */
import { InvalidArgumentError } from '../../core/errors.js';
import { allocate, type DType, type FloatArray, sizeOf, type Tensor } from '../../core/tensor.js';
import { nodeShapes } from '../connectivity/connectivity.js';
import type { AnyNode, Model, Node } from '../graph.js';
import { avgPoolDivisors } from '../ops/avg-pool.js';
import { opOf } from '../ops/index.js';
import { maxPoolWinners } from '../ops/max-pool.js';
import { axes2d } from '../ops/window.js';
import { isLinearNode, LinearLayer } from './linear-layer.js';
import { type LinearStatistics, linearStatistics, propagateLinear } from './linear-relevance.js';
import { averagePoolingOf, averageVariantStatistics, normOf } from './max-pool-average.js';
import { identityParam as identity } from './modifiers.js';
import type { LinearRule, MaxPoolRule, Rule } from './rule.js';
import { invertStabilized } from './stabilizer.js';

/** The relevance of each input of `node` (null for inputs that receive none). */
export function nodeRelevance(
  model: Model,
  node: AnyNode,
  rule: Rule,
  inputs: readonly Tensor[],
  output: Tensor,
  R: FloatArray,
  /** A linear node's statistics, where the caller keeps them (else computed here). */
  linear?: LinearStatistics,
): FloatArray[] {
  const dtype: DType = output.data instanceof Float64Array ? 'float64' : 'float32';
  const shapeOf = (name: string): readonly number[] => model.shapes.get(name)!;
  if (isLinearNode(node)) {
    const layer = new LinearLayer(node, shapeOf(node.inputs[0]!), shapeOf(node.output));
    return [
      propagateLinear(linear ?? linearStatistics(layer, expectLinear(node, rule), inputs[0]!, output), R),
    ];
  }
  const op = opOf(node);
  switch (op.lrp) {
    case 'linear':
      throw new InvalidArgumentError(
        'lrp',
        `layer "${node.layer}" (${node.op}) is linear but not a linear node`,
      );
    case 'residual':
      return addRelevance(expectLinear(node, rule), inputs, R, shapeOf(node.output), dtype);
    case 'selection':
      return [
        maxPoolRelevance(
          model,
          node as Node<'max_pool'>,
          expectKind(node, rule, 'max_pool'),
          inputs[0]!,
          output,
          R,
          dtype,
        ),
      ];
    case 'elementwise':
      expectKind(node, rule, 'pass');
      return [R];
    case 'routing':
      return routeBack(model, node, inputs, R, dtype);
    default: {
      const unreachable: never = op;
      throw new InvalidArgumentError('lrp', `no relevance step for ${String(unreachable)}`);
    }
  }
}

/**
 * Padding, concatenation: each output element comes from at most one input element, so each input
 * element receives the relevance of the output its edge leads to (padding's own positions pass
 * nothing back).
 */
function routeBack(
  model: Model,
  node: AnyNode,
  inputs: readonly Tensor[],
  R: FloatArray,
  dtype: DType,
): FloatArray[] {
  const shapes = nodeShapes(model, node);
  const sizes = shapes.inputs.map(sizeOf);
  const perOut = sizeOf(shapes.output);
  const batch = R.length / perOut;
  const from: number[] = [];
  const to: number[] = [];
  opOf(node).edges(node, shapes, (j, k) => {
    from.push(j);
    to.push(k);
  });
  const rIn = inputs.map((a) => allocate(dtype, a.data.length));
  for (let e = 0; e < from.length; e++) {
    let input = 0;
    let j = from[e]!;
    while (j >= sizes[input]!) j -= sizes[input++]!;
    const into = rIn[input]!;
    const per = sizes[input]!;
    for (let n = 0; n < batch; n++) into[n * per + j] = R[n * perOut + to[e]!]!;
  }
  return rIn;
}

/** Residual sum: R_i = a_i · R / stab(Σ_i a_i), with the rule's stabiliser. */
function addRelevance(
  rule: LinearRule,
  inputs: readonly Tensor[],
  R: FloatArray,
  shape: readonly number[],
  dtype: DType,
): FloatArray[] {
  const factor = allocate(dtype, R.length);
  for (const a of inputs) for (let i = 0; i < factor.length; i++) factor[i] = factor[i]! + a.data[i]!;
  invertStabilized(factor, sizeOf(shape), rule.stabilizer);
  return inputs.map((a) => {
    const rIn = allocate(dtype, R.length);
    for (let i = 0; i < rIn.length; i++) rIn[i] = a.data[i]! * factor[i]! * R[i]!;
    return rIn;
  });
}

function maxPoolRelevance(
  model: Model,
  node: Node<'max_pool'>,
  rule: MaxPoolRule,
  a: Tensor,
  z: Tensor,
  R: FloatArray,
  dtype: DType,
): FloatArray {
  const inShape = model.shapes.get(node.inputs[0]!)!;
  const outShape = model.shapes.get(node.output)!;
  const rIn = allocate(dtype, a.data.length);
  if (rule.variant === 'winner') {
    const winners = maxPoolWinners(node, a, z.shape);
    for (let i = 0; i < winners.length; i++) rIn[winners[i]!] = rIn[winners[i]!]! + R[i]!;
    return rIn;
  }
  if (rule.variant === 'average')
    return propagateLinear(averageVariantStatistics(node, rule, a, inShape, outShape), R);
  const layer = new LinearLayer(averagePoolingOf(node, false), inShape, outShape);
  const zPool = layer.forward(a.data, a.shape[0]!, identity, identity, dtype);
  return proportional(layer, a, zPool, R, normOf(rule), dtype);
}

/** a_j · Σ_{k ∋ j} R_k / stab(z_k), z_k = Σ of window k's in-bounds taps = its average × its count. */
function proportional(
  layer: LinearLayer,
  a: Tensor,
  zAverage: FloatArray,
  R: FloatArray,
  rule: LinearRule,
  dtype: DType,
): FloatArray {
  const counts = windowCounts(layer);
  const perOut = counts.length;
  const s = allocate(dtype, R.length);
  for (let i = 0; i < s.length; i++) s[i] = zAverage[i]! * counts[i % perOut]!;
  invertStabilized(s, perOut, rule.stabilizer);
  // The adjoint of the average pool spreads s/count over a window, so scale by the count first.
  for (let i = 0; i < s.length; i++) s[i] = s[i]! * R[i]! * counts[i % perOut]!;
  const c = allocate(dtype, a.data.length);
  layer.adjoint(s, identity, c);
  for (let i = 0; i < c.length; i++) c[i] = c[i]! * a.data[i]!;
  return c;
}

/** The number of in-bounds taps of every output window of one sample. */
function windowCounts(layer: LinearLayer): Int32Array {
  const node = layer.node as Node<'avg_pool'>;
  const [, height = 0, width = 0] = layer.inputShape;
  const [channels = 0, oh = 0, ow = 0] = layer.outputShape;
  const { kernel, strides, pads, dilations } = node.attributes;
  const [ay, ax] = axes2d(kernel, strides, pads, dilations);
  const inBounds: Node<'avg_pool'> = { ...node, attributes: { ...node.attributes, countIncludePad: false } };
  const rows = avgPoolDivisors(inBounds, height, oh, ay);
  const cols = avgPoolDivisors(inBounds, width, ow, ax);
  const counts = new Int32Array(channels * oh * ow);
  for (let i = 0; i < counts.length; i++) {
    const p = i % (oh * ow);
    counts[i] = rows[Math.floor(p / ow)]! * cols[p % ow]!;
  }
  return counts;
}

function expectLinear(node: AnyNode, rule: Rule): LinearRule {
  return expectKind(node, rule, 'linear');
}

function expectKind<K extends Rule['kind']>(node: AnyNode, rule: Rule, kind: K): Extract<Rule, { kind: K }> {
  if (rule.kind !== kind)
    throw new InvalidArgumentError(
      `layer "${node.layer}" (${node.op})`,
      `rule ${rule.name} does not apply; this layer takes a ${kind === 'linear' ? 'linear (ε, z⁺, γ, …)' : kind} rule`,
    );
  return rule as Extract<Rule, { kind: K }>;
}
