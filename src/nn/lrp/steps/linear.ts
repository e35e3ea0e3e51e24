/**
 * Linear layers (dense, conv, average pooling) under a linear rule (ε, z⁺, αβ, γ, zᴮ, flat, w²):
 * per group g, the factor f_g,k = scale_g · [select_g(z_k)] / stab(Σ_t sign_t z_t,k), and
 * - factored: s = f_g ⊙ R, R_in += sign_t · in_t(a) ⊙ f_tᵀ(s) (linear-relevance.ts);
 * - per edge: d_jk = Σ_g f_g,k · Σ_{t∈g} sign_t · in_t(a_j) · w_t(w_jk).
 */
import { InvalidArgumentError } from '../../../core/errors.js';
import { sizeOf } from '../../../core/tensor.js';
import type { EmitEdge, NodeShapes } from '../../connectivity/connectivity.js';
import { forEachConvTap } from '../../connectivity/conv.js';
import type { AnyNode, Node } from '../../graph.js';
import { opOf } from '../../ops/index.js';
import { isLinearNode, linearLayerOf } from '../linear-layer.js';
import { type LinearStatistics, linearStatistics, propagateLinear } from '../linear-relevance.js';
import type { LinearRule, Rule } from '../rule.js';
import { lazy, type StepContext, type StepRule } from './step.js';

/** The statistics of a linear node under its rule, for the batch. */
export function linearStatisticsOf({ node, rule, shapes, inputs, output }: StepContext): LinearStatistics {
  if (!isLinearNode(node))
    throw new InvalidArgumentError(`layer "${node.layer}" (${node.op})`, 'not a linear layer');
  return linearStatistics(
    linearLayerOf(node, shapes.inputs[0]!, shapes.output),
    expectKind(node, rule, 'linear'),
    inputs[0]!,
    output,
  );
}

export const linearStep: StepRule = {
  relevance: (context, R, linear) => [propagateLinear(linear ?? linearStatisticsOf(context), R)],
  coefficients(context) {
    const { node, shapes } = context;
    const stats = linearStatisticsOf(context);
    if (node.op === 'dense')
      return {
        tokenized: true,
        linear: stats,
        forEachLiveEdge: denseLiveEdges(stats, node),
        forEachEdge: denseEdges(stats, node),
      };
    return {
      tokenized: true,
      linear: stats,
      forEachEdge:
        node.op === 'conv'
          ? convEdges(stats, node, shapes)
          : linearEdges(stats, (emit) => opOf(node).edges(node, shapes, emit)),
    };
  },
};

/** A rule of the kind a layer needs, or an error naming the layer and what it takes. */
export function expectKind<K extends Rule['kind']>(
  node: AnyNode,
  rule: Rule,
  kind: K,
): Extract<Rule, { kind: K }> {
  if (rule.kind !== kind)
    throw new InvalidArgumentError(
      `layer "${node.layer}" (${node.op})`,
      `rule ${rule.name} does not apply; this layer takes a ${kind === 'linear' ? 'linear (ε, z⁺, γ, …)' : kind} rule`,
    );
  return rule as Extract<Rule, { kind: K }>;
}

/** The linear rule of a node (residual sums take one too: the norm rule). */
export const expectLinear = (node: AnyNode, rule: Rule): LinearRule => expectKind(node, rule, 'linear');

/** Per-edge coefficients of a linear rule from its statistics. */
export function linearEdges(
  stats: LinearStatistics,
  connectivity: (emit: EmitEdge) => void,
): (n: number, emit: EmitEdge) => void {
  const perIn = sizeOf(stats.layer.inputShape);
  const perOut = sizeOf(stats.layer.outputShape);
  return (n, emit) => {
    const inBase = n * perIn;
    const outBase = n * perOut;
    connectivity((j, k, w) => {
      let d = 0;
      for (const group of stats.groups) {
        const factor = group.factor[outBase + k]!;
        if (factor === 0) continue;
        let sum = 0;
        for (const t of group.terms) {
          const wt = t.weight.apply(w);
          if (wt !== 0) sum += t.sign * (t.ones ? 1 : t.input[inBase + j]!) * wt;
        }
        d += factor * sum;
      }
      emit(j, k, d);
    });
  };
}

/**
 * The coefficients of a dense layer, in the same order as `forEachDenseEdge` (rows, then k, then
 * j), with each term's modified weights read from a cached array. NOTE: the hot path of MNIST-sized
 * explanations; it avoids a callback and a modifier call per edge and term.
 */
function denseEdges(stats: LinearStatistics, node: Node<'dense'>): (n: number, emit: EmitEdge) => void {
  const live = denseLiveEdges(stats, node);
  const all = () => true;
  return (n, emit) => live(n, all, emit);
}

/** `denseEdges` restricted to the outputs k with `live(k)`. */
function denseLiveEdges(
  stats: LinearStatistics,
  node: Node<'dense'>,
): (n: number, live: (k: number) => boolean, emit: EmitEdge) => void {
  const [nOut = 0, nIn = 0] = node.params.weight.shape;
  const perIn = sizeOf(stats.layer.inputShape);
  const perOut = sizeOf(stats.layer.outputShape);
  const rows = perOut / nOut;
  const groupsOf = lazy(() => termsOf(stats));
  return (n, live, emit) => {
    const groups = groupsOf();
    for (let r = 0; r < rows; r++)
      for (let k = 0; k < nOut; k++) {
        if (!live(r * nOut + k)) continue;
        for (let j = 0; j < nIn; j++)
          emit(
            r * nIn + j,
            r * nOut + k,
            coefficient(groups, n * perOut + r * nOut + k, n * perIn + r * nIn + j, k * nIn + j),
          );
      }
  };
}

/**
 * The coefficients of a convolution, in the same order as `forEachConvEdge`, with each term's
 * modified kernel read from a cached array (the conv counterpart of `denseEdges`).
 */
function convEdges(
  stats: LinearStatistics,
  node: Node<'conv'>,
  shapes: NodeShapes,
): (n: number, emit: EmitEdge) => void {
  const perIn = sizeOf(stats.layer.inputShape);
  const perOut = sizeOf(stats.layer.outputShape);
  const groupsOf = lazy(() => termsOf(stats));
  return (n, emit) => {
    const groups = groupsOf();
    forEachConvTap(node, shapes, (j, k, w) =>
      emit(j, k, coefficient(groups, n * perOut + k, n * perIn + j, w)),
    );
  };
}

/**
 * Each group's factor and its terms with their modified weights. NOTE: made on the first edge
 * asked for, not with the coefficients: the factored relevance reads only the statistics, and a
 * zero term's modified weights (z⁺'s w⁻ after a ReLU, VGG-16's 14.7 M) would be made for nothing.
 */
function termsOf(stats: LinearStatistics) {
  return stats.groups.map((group) => ({
    factor: group.factor,
    terms: group.terms.map((t) => ({
      sign: t.sign,
      ones: t.ones,
      input: t.input,
      weight: stats.layer.param('weight', t.weight, stats.dtype),
    })),
  }));
}

/** d = Σ_g factor_g[out] · Σ_t sign_t · in_t[at] · w_t[w]. */
function coefficient(groups: ReturnType<typeof termsOf>, out: number, at: number, w: number): number {
  let d = 0;
  for (const group of groups) {
    const factor = group.factor[out]!;
    if (factor === 0) continue;
    let sum = 0;
    for (const t of group.terms) sum += t.sign * (t.ones ? 1 : t.input[at]!) * t.weight[w]!;
    d += factor * sum;
  }
  return d;
}
