/**
 * Batch normalisation at inference (ONNX BatchNormalization, PyTorch `nn.BatchNorm1d/2d` in eval
 * mode), per channel on the first per-sample axis ([C] or [C, H, W], or any [C, …]):
 *   z[c, …] = (a[c, …] − μ[c]) / √(σ²[c] + ε) · γ[c] + β[c].
 * Computed in float64 as z = (a − μ)·s + β with s = γ/√(σ² + ε). `canonize/batch-norm.ts` merges
 * it into a preceding dense or conv node where it can.
 *
 * A BatchNorm that stays (after a concatenation, before the next conv, on the model input) is a
 * per-channel linear layer, z = a·s + t with s = γ/√(σ² + ε) and t = β − μ·s: LRP category
 * `linear` with connectivity `diagonal` (one edge per element, weighed s[c], carrying a token), so
 * the composite's rule for it applies as at any linear layer: by default zennit's Pass, the flat
 * rule without stabiliser on this diagonal, d_kk = 1 (composite.ts); under ε
 *   d_kk = a_k·s_c / stab(z_k) (z_k = a_k·s_c + t_c), or with s_c modified (z⁺, γ, …),
 * and the shift t takes its share of the relevance, as a bias does.
 */
import { InvalidArgumentError } from '../../core/errors.js';
import { type FloatArray, sizeOf } from '../../core/tensor.js';
import { forEachDiagonalEdge } from '../connectivity/diagonal.js';
import type { Node } from '../graph.js';
import { batchNormBackward } from '../train/batch-norm-gradient.js';
import { describeNode, expectInputCount, expectNonEmpty, expectParamShape } from './checks.js';
import type { OpDefinition } from './op-definition.js';

export const batchNorm: OpDefinition<'batch_norm'> = {
  op: 'batch_norm',
  connectivity: 'diagonal',
  lrp: 'linear',
  hasParams: true,
  backward: (context) => batchNormBackward(context),
  edges: (node, shapes, emit) => forEachDiagonalEdge(affineOf(node).weight, shapes, emit),
  affine: {
    weights: affineOf,
    forward(_node, weight, bias, input, batch, out) {
      const channels = weight.length;
      const inner = input.length / (batch * channels);
      for (let i = 0; i < input.length; i++) {
        const c = Math.floor(i / inner) % channels;
        out[i] = input[i]! * weight[c]! + bias[c]!;
      }
    },
  },
  adjoint(node, inputShape, _outputShape, s, c, weight) {
    // c += s·w[channel]: the map is diagonal, so it is its own transpose.
    const w = weight ?? affineOf(node).weight;
    const channels = w.length;
    const inner = sizeOf(inputShape) / channels;
    for (let i = 0; i < s.length; i++) c[i] = c[i]! + s[i]! * w[Math.floor(i / inner) % channels]!;
  },
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

/** The per-channel scale s = γ/√(σ² + ε) and shift t = β − μ·s, in float64. */
function affineOf(node: Node<'batch_norm'>): { weight: FloatArray; bias: FloatArray } {
  const { scale, bias, mean, variance } = node.params;
  const channels = scale.data.length;
  const weight = new Float64Array(channels);
  const shift = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    weight[c] = scale.data[c]! / Math.sqrt(variance.data[c]! + node.attributes.epsilon);
    shift[c] = bias.data[c]! - mean.data[c]! * weight[c]!;
  }
  return { weight, bias: shift };
}
