/**
 * Max-pooling, by its rule's variant (DESIGN.md §1b):
 * - `winner` (the default): each window's relevance goes to its first maximum in row-major order
 *   (as PyTorch picks it); per edge, only the edge to that maximum exists, coefficient 1, no token;
 * - `proportional`: in proportion to the inputs, d_jk = a_j · f_k with f_k = 1 / stab(Σ_window a);
 *   factored, R_j = a_j · Σ_{k ∋ j} f_k R_k through the average pool's adjoint;
 * - `average`: the norm rule on the average pooling with the max-pool's windows (the report's VGG
 *   code), in both views a linear layer's (linear.ts).
 */
import { allocate, type DType, type FloatArray, sizeOf, type Tensor } from '../../../core/tensor.js';
import type { NodeShapes } from '../../connectivity/connectivity.js';
import { forEachWindowEdge } from '../../connectivity/pool.js';
import type { Node } from '../../graph.js';
import { avgPoolDivisors } from '../../ops/avg-pool.js';
import { maxPoolWinners } from '../../ops/max-pool.js';
import { axes2d } from '../../ops/window.js';
import { LinearLayer } from '../linear-layer.js';
import { propagateLinear } from '../linear-relevance.js';
import { averagePoolingOf, averageVariantStatistics } from '../max-pool-average.js';
import { identityParam as identity } from '../modifiers.js';
import type { MaxPoolRule } from '../rule.js';
import { invertStabilized } from '../stabilizer.js';
import { expectKind, linearEdges } from './linear.js';
import { lazy, type StepRule } from './step.js';

export const selectionStep: StepRule = {
  relevance(context, R) {
    const { node, rule, shapes, inputs, output } = context;
    const pool = node as Node<'max_pool'>;
    const maxPool = expectKind(node, rule, 'max_pool');
    const a = inputs[0]!;
    const dtype: DType = a.data instanceof Float64Array ? 'float64' : 'float32';
    if (maxPool.variant === 'winner') {
      const rIn = allocate(dtype, a.data.length);
      const winners = maxPoolWinners(pool, a, output.shape);
      for (let i = 0; i < winners.length; i++) rIn[winners[i]!] = rIn[winners[i]!]! + R[i]!;
      return [rIn];
    }
    if (maxPool.variant === 'average')
      return [
        propagateLinear(averageVariantStatistics(pool, maxPool, a, shapes.inputs[0]!, shapes.output), R),
      ];
    // The average pool's adjoint spreads s/count over a window, so s carries the count.
    const layer = new LinearLayer(averagePoolingOf(pool, false), shapes.inputs[0]!, shapes.output);
    const factor = proportionalFactor(pool, maxPool, a, shapes);
    const counts = windowCounts(layer);
    const perOut = counts.length;
    const s = allocate(dtype, R.length);
    for (let i = 0; i < s.length; i++) s[i] = factor[i]! * R[i]! * counts[i % perOut]!;
    const c = allocate(dtype, a.data.length);
    layer.adjoint(s, identity, c);
    for (let i = 0; i < c.length; i++) c[i] = c[i]! * a.data[i]!;
    return [c];
  },
  coefficients(context) {
    const { node, rule, shapes, inputs, output } = context;
    const pool = node as Node<'max_pool'>;
    const maxPool = expectKind(node, rule, 'max_pool');
    const a = inputs[0]!;
    const perIn = sizeOf(shapes.inputs[0]!);
    const perOut = sizeOf(shapes.output);
    if (maxPool.variant === 'winner') {
      const winnersOf = lazy(() => maxPoolWinners(pool, a, output.shape));
      return {
        tokenized: false,
        forEachEdge: (n, emit) => {
          const winners = winnersOf();
          for (let k = 0; k < perOut; k++) emit(winners[n * perOut + k]! - n * perIn, k, 1);
        },
      };
    }
    if (maxPool.variant === 'average') {
      const edgesOf = lazy(() => {
        const stats = averageVariantStatistics(pool, maxPool, a, shapes.inputs[0]!, shapes.output);
        const average = stats.layer.node as Node<'avg_pool'>;
        return linearEdges(stats, (emit) => forEachWindowEdge(average, shapes, emit));
      });
      return { tokenized: true, forEachEdge: (n, emit) => edgesOf()(n, emit) };
    }
    const factorOf = lazy(() => proportionalFactor(pool, maxPool, a, shapes));
    return {
      tokenized: true,
      forEachEdge: (n, emit) => {
        const factor = factorOf();
        forEachWindowEdge(pool, shapes, (j, k) =>
          emit(j, k, a.data[n * perIn + j]! * factor[n * perOut + k]!),
        );
      },
    };
  },
};

/** f_k = 1 / stab(Σ of window k's in-bounds inputs), for the batch, with the rule's stabiliser. */
function proportionalFactor(
  node: Node<'max_pool'>,
  rule: MaxPoolRule,
  a: Tensor,
  shapes: NodeShapes,
): FloatArray {
  const perIn = sizeOf(shapes.inputs[0]!);
  const perOut = sizeOf(shapes.output);
  const batch = a.shape[0]!;
  const sums = allocate(a.data instanceof Float64Array ? 'float64' : 'float32', batch * perOut);
  for (let n = 0; n < batch; n++)
    forEachWindowEdge(node, shapes, (j, k) => {
      sums[n * perOut + k] = sums[n * perOut + k]! + a.data[n * perIn + j]!;
    });
  invertStabilized(sums, perOut, rule.stabilizer);
  return sums;
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
