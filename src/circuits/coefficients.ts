/**
 * The coefficients d_jk of every neuron-level edge, for one trace and one composite: the per-edge
 * view of the same rule statistics that `lrp()` uses in factored form, so that R_j = Σ_k d_jk R_k
 * with these coefficients is exactly `lrp()`'s relevance (DESIGN.md §1).
 *
 * - Linear layers (dense, conv, average pooling) under a linear rule:
 *   d_jk = Σ_g factor_g,k · Σ_{t∈g} sign_t · in_t(a_j) · w_t(w_jk).
 * - Residual sums (norm rule): d_jk = a_j / stab(Σ_i a_i,k).
 * - Max-pooling: `winner` keeps only the edge to the window's first maximum, coefficient 1 and no
 *   token; `proportional` d_jk = a_j / stab(Σ_window a); `average` the norm rule on average pooling.
 * - Structural layers: coefficient 1, no token.
 */
import { InvalidArgumentError } from '../core/errors.js';
import { allocate, type DType, type FloatArray, sizeOf, type Tensor } from '../core/tensor.js';
import type { Activations } from '../nn/forward.js';
import type { AnyNode, Model, Node } from '../nn/graph.js';
import {
  averageVariantStatistics,
  invertStabilized,
  isLinearNode,
  LinearLayer,
  type LinearRule,
  type LinearStatistics,
  linearStatistics,
  type Rule,
} from '../nn/lrp/index.js';
import { maxPoolWinners } from '../nn/ops/max-pool.js';
import { type EmitEdge, elements, type NodeShapes, nodeShapes } from './connectivity/connectivity.js';
import { forEachConvEdge, forEachConvTap } from './connectivity/conv.js';
import { forEachDenseEdge } from './connectivity/dense.js';
import { forEachAdaptivePoolEdge, forEachGlobalPoolEdge, forEachWindowEdge } from './connectivity/pool.js';
import {
  forEachAddEdge,
  forEachConcatEdge,
  forEachIdentityEdge,
  forEachPadEdge,
} from './connectivity/structural.js';

/** One node's edges and their coefficients, sample by sample. */
export interface NodeCoefficients {
  readonly node: AnyNode;
  readonly rule: Rule;
  /** Whether the edges carry tokens (DESIGN.md §1b); structural edges carry the constant 1. */
  readonly tokenized: boolean;
  /** Elements per sample of the node's inputs laid end to end, and of its output. */
  readonly inputSize: number;
  readonly outputSize: number;
  /** The node's output in the forward pass, batch first: z_k for a linear layer. */
  readonly output: Tensor;
  /** Calls `emit(j, k, d)` for every edge of sample `n`. */
  forEachEdge(n: number, emit: EmitEdge): void;
  /**
   * Like `forEachEdge`, in the same order, but only the edges into outputs k with `live(k)`; dense
   * layers skip a dead output's whole row without computing its coefficients.
   */
  forEachLiveEdge?(n: number, live: (k: number) => boolean, emit: EmitEdge): void;
  /** For linear layers, the rule statistics in factored form (what real LRP propagates with). */
  readonly linear?: LinearStatistics;
}

/** The coefficients of `node` under `rule` for the batch of `activations`. */
export function nodeCoefficients(
  model: Model,
  node: AnyNode,
  rule: Rule,
  activations: Activations,
): NodeCoefficients {
  const shapes = nodeShapes(model, node);
  const inputs = activations.inputsOf(node);
  const output = activations.outputOf(node);
  const base = {
    node,
    rule,
    inputSize: shapes.inputs.reduce((p, s) => p + elements(s), 0),
    outputSize: elements(shapes.output),
    output,
  };
  if (isLinearNode(node)) {
    const stats = linearStatistics(
      new LinearLayer(node, shapes.inputs[0]!, shapes.output),
      linear(node, rule),
      inputs[0]!,
      output,
    );
    return {
      ...base,
      tokenized: true,
      linear: stats,
      ...(node.op === 'dense' ? { forEachLiveEdge: denseLiveEdges(stats, node) } : {}),
      forEachEdge:
        node.op === 'dense'
          ? denseEdges(stats, node)
          : node.op === 'conv'
            ? convEdges(stats, node, shapes)
            : linearEdges(stats, (emit) => forEachLinearEdge(node, shapes, emit)),
    };
  }
  switch (node.op) {
    case 'add':
      return { ...base, tokenized: true, forEachEdge: addEdges(linear(node, rule), inputs, shapes) };
    case 'max_pool':
      return { ...base, ...maxPoolEdges(node, rule, inputs[0]!, output, shapes) };
    case 'pad':
      return { ...base, tokenized: false, forEachEdge: (_n, emit) => forEachPadEdge(node, shapes, emit) };
    case 'concat':
      return { ...base, tokenized: false, forEachEdge: (_n, emit) => forEachConcatEdge(node, shapes, emit) };
    case 'relu':
    case 'flatten':
    case 'reshape':
    case 'batch_norm':
    case 'identity':
    case 'dropout':
      return { ...base, tokenized: false, forEachEdge: (_n, emit) => forEachIdentityEdge(shapes, emit) };
    default: {
      const unreachable: never = node;
      return unreachable;
    }
  }
}

/** The connectivity of a linear node. */
function forEachLinearEdge(
  node: Node<'dense' | 'conv' | 'avg_pool' | 'global_avg_pool' | 'adaptive_avg_pool'>,
  shapes: NodeShapes,
  emit: EmitEdge,
): void {
  if (node.op === 'dense') forEachDenseEdge(node as Node<'dense'>, shapes, emit);
  else if (node.op === 'conv') forEachConvEdge(node as Node<'conv'>, shapes, emit);
  else if (node.op === 'avg_pool') forEachWindowEdge(node as Node<'avg_pool'>, shapes, emit);
  else if (node.op === 'global_avg_pool') forEachGlobalPoolEdge(shapes, emit);
  else forEachAdaptivePoolEdge(node as Node<'adaptive_avg_pool'>, shapes, emit);
}

/** Per-edge coefficients of a linear rule from its statistics. */
function linearEdges(
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
  const groups = termsOf(stats);
  return (n, live, emit) => {
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
  const groups = termsOf(stats);
  return (n, emit) =>
    forEachConvTap(node, shapes, (j, k, w) =>
      emit(j, k, coefficient(groups, n * perOut + k, n * perIn + j, w)),
    );
}

/** Each group's factor and its terms with their modified weights. */
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

/** Residual sum under the norm rule: d = a_j / stab(Σ_i a_i). */
function addEdges(
  rule: LinearRule,
  inputs: readonly Tensor[],
  shapes: NodeShapes,
): (n: number, emit: EmitEdge) => void {
  const perOut = elements(shapes.output);
  const factor = sumOfInputs(inputs);
  invertStabilized(factor, perOut, rule.stabilizer);
  return (n, emit) =>
    forEachAddEdge(shapes, (j, k) => {
      const input = inputs[Math.floor(j / perOut)]!;
      emit(j, k, input.data[n * perOut + k]! * factor[n * perOut + k]!);
    });
}

function sumOfInputs(inputs: readonly Tensor[]): FloatArray {
  const dtype: DType = inputs[0]!.data instanceof Float64Array ? 'float64' : 'float32';
  const sum = allocate(dtype, inputs[0]!.data.length);
  for (const a of inputs) for (let i = 0; i < sum.length; i++) sum[i] = sum[i]! + a.data[i]!;
  return sum;
}

function maxPoolEdges(
  node: Node<'max_pool'>,
  rule: Rule,
  a: Tensor,
  z: Tensor,
  shapes: NodeShapes,
): Pick<NodeCoefficients, 'tokenized' | 'forEachEdge'> {
  if (rule.kind !== 'max_pool') throw wrongRule(node, rule, 'max_pool');
  const perIn = elements(shapes.inputs[0]!);
  const perOut = elements(shapes.output);
  if (rule.variant === 'winner') {
    const winners = maxPoolWinners(node, a, z.shape);
    return {
      tokenized: false,
      forEachEdge: (n, emit) => {
        for (let k = 0; k < perOut; k++) emit(winners[n * perOut + k]! - n * perIn, k, 1);
      },
    };
  }
  if (rule.variant === 'average') {
    const stats = averageVariantStatistics(node, rule, a, shapes.inputs[0]!, shapes.output);
    const pool = stats.layer.node as Node<'avg_pool'>;
    return {
      tokenized: true,
      forEachEdge: linearEdges(stats, (emit) => forEachWindowEdge(pool, shapes, emit)),
    };
  }
  // proportional: d_jk = a_j / stab(Σ_window a)
  const sums = allocate(a.data instanceof Float64Array ? 'float64' : 'float32', z.data.length);
  const batch = a.shape[0]!;
  for (let n = 0; n < batch; n++)
    forEachWindowEdge(node, shapes, (j, k) => {
      sums[n * perOut + k] = sums[n * perOut + k]! + a.data[n * perIn + j]!;
    });
  invertStabilized(sums, perOut, rule.stabilizer);
  return {
    tokenized: true,
    forEachEdge: (n, emit) =>
      forEachWindowEdge(node, shapes, (j, k) => emit(j, k, a.data[n * perIn + j]! * sums[n * perOut + k]!)),
  };
}

function linear(node: AnyNode, rule: Rule): LinearRule {
  if (rule.kind !== 'linear') throw wrongRule(node, rule, 'linear');
  return rule;
}

function wrongRule(node: AnyNode, rule: Rule, kind: string): InvalidArgumentError {
  return new InvalidArgumentError(
    `layer "${node.layer}" (${node.op})`,
    `rule ${rule.name} does not apply; this layer takes a ${kind} rule`,
  );
}
