/**
 * Batch normalisation at inference (ONNX BatchNormalization, PyTorch `nn.BatchNorm1d/2d` in eval
 * mode), per channel on the first per-sample axis ([C] or [C, H, W], or any [C, …]):
 *   z[c, …] = (a[c, …] − μ[c]) / √(σ²[c] + ε) · γ[c] + β[c].
 * Computed in float64 as z = (a − μ)·s + β with s = γ/√(σ² + ε). `canonize/batch-norm.ts` merges
 * it into a preceding dense or conv node where it can.
 * Connectivity `identity` (an unmerged BatchNorm passes relevance through, as zennit's Pass rule).
 */
import { InvalidArgumentError } from '../../core/errors.js';
import { forEachIdentityEdge } from '../connectivity/structural.js';
import { batchNormBackward } from '../train/batch-norm-gradient.js';
import { describeNode, expectInputCount, expectNonEmpty, expectParamShape } from './checks.js';
import type { OpDefinition } from './op-definition.js';

export const batchNorm: OpDefinition<'batch_norm'> = {
  op: 'batch_norm',
  connectivity: 'identity',
  lrp: 'elementwise',
  backward: (context) => batchNormBackward(context),
  edges: (_node, shapes, emit) => forEachIdentityEdge(shapes, emit),
  inferShape(node, inputs) {
    expectInputCount(node, inputs, 1);
    const input = inputs[0]!;
    expectNonEmpty(node, input, 'input');
    if (input.length === 0)
      throw new InvalidArgumentError(describeNode(node), 'needs an input with a channel axis, got a scalar');
    const channels = input[0]!;
    const { scale, bias, mean, variance } = node.params;
    expectParamShape(node, 'scale', scale, [channels]);
    expectParamShape(node, 'bias', bias, [channels]);
    expectParamShape(node, 'mean', mean, [channels]);
    expectParamShape(node, 'variance', variance, [channels]);
    const epsilon = node.attributes.epsilon;
    if (!Number.isFinite(epsilon) || epsilon < 0)
      throw new InvalidArgumentError(describeNode(node), `epsilon must be finite and ≥ 0, got ${epsilon}`);
    for (let c = 0; c < channels; c++) {
      const v = variance.data[c]! + epsilon;
      if (!(v > 0) || !Number.isFinite(v))
        throw new InvalidArgumentError(
          describeNode(node),
          `channel ${c} has variance + epsilon = ${v}; it must be finite and > 0 (check the running variance)`,
        );
    }
    return [...input];
  },
  forward(node, inputs, out) {
    const a = inputs[0]!.data;
    const z = out.data;
    const { scale, bias, mean, variance } = node.params;
    const channels = scale.data.length;
    const batch = inputs[0]!.shape[0]!;
    const inner = a.length / (batch * channels);
    for (let n = 0; n < batch; n++)
      for (let c = 0; c < channels; c++) {
        const s = scale.data[c]! / Math.sqrt(variance.data[c]! + node.attributes.epsilon);
        const mu = mean.data[c]!;
        const beta = bias.data[c]!;
        const base = (n * channels + c) * inner;
        for (let i = base; i < base + inner; i++) z[i] = (a[i]! - mu) * s + beta;
      }
  },
};
