/**
 * Max-pooling's `average` and `proportional` variants (DESIGN.md §1b) seen as average pooling
 * over the same windows: `average` is the norm rule on average pooling with PyTorch's default
 * count_include_pad (the report's VGG code), `proportional` the norm rule on the window sums
 * (average pooling over in-bounds taps, times their count).
 */
import type { Tensor } from '../../core/tensor.js';
import type { Node } from '../graph.js';
import { LinearLayer } from './linear-layer.js';
import { type LinearStatistics, linearStatistics } from './linear-relevance.js';
import { identityParam } from './modifiers.js';
import type { LinearRule, MaxPoolRule } from './rule.js';
import { norm } from './rules/epsilon.js';

/** The average pooling over a max-pooling's windows. */
export function averagePoolingOf(node: Node<'max_pool'>, countIncludePad: boolean): Node<'avg_pool'> {
  return {
    ...node,
    op: 'avg_pool',
    attributes: { ...node.attributes, countIncludePad },
    params: {},
  } as Node<'avg_pool'>;
}

/** The norm rule with a max-pooling rule's stabiliser. */
export const normOf = (rule: MaxPoolRule): LinearRule => ({ ...norm(), stabilizer: rule.stabilizer });

/** The statistics of the `average` variant for the batch input `a`. */
export function averageVariantStatistics(
  node: Node<'max_pool'>,
  rule: MaxPoolRule,
  a: Tensor,
  inputShape: readonly number[],
  outputShape: readonly number[],
): LinearStatistics {
  const layer = new LinearLayer(averagePoolingOf(node, true), inputShape, outputShape);
  const dtype = a.data instanceof Float64Array ? 'float64' : 'float32';
  const z = layer.forward(a.data, a.shape[0]!, identityParam, identityParam, dtype);
  return linearStatistics(layer, normOf(rule), a, { shape: [a.shape[0]!, ...outputShape], data: z });
}
