/**
 * The backward pass of batch normalisation in inference mode, an affine map per channel c:
 *   z = (a − μ)·s + β,   s = γ·t,   t = 1/√(σ² + ε),
 * so, summing over the batch and the channel's positions,
 *   ∂a = ∂z·s,   ∂γ = Σ ∂z·(a − μ)·t,   ∂β = Σ ∂z,   ∂μ = −s·Σ ∂z,   ∂σ² = −½·s·t²·Σ ∂z·(a − μ).
 *
 * The map is differentiated as it is used at inference: the batch's own statistics play no part
 * (PyTorch's `eval()` mode). The gradients of the running statistics μ and σ² are exact, but the
 * trainer does not apply them (`FROZEN_PARAMETERS`): training leaves the running statistics as
 * they were and learns γ and β only.
 */
import type { Backward } from './backward-context.js';

/** batch_norm: ∂a, and ∂ of all four per-channel parameters. */
export const batchNormBackward: Backward<'batch_norm'> = ({
  node,
  inputs,
  gradOutput,
  gradInputs,
  gradParams,
}) => {
  const a = inputs[0]!.data;
  const batch = inputs[0]!.shape[0]!;
  const { scale, mean, variance } = node.params;
  const channels = scale.data.length;
  const inner = batch * channels > 0 ? a.length / (batch * channels) : 0;
  const gx = gradInputs[0] ?? null;
  const { scale: gScale, bias: gBias, mean: gMean, variance: gVariance } = gradParams;
  for (let c = 0; c < channels; c++) {
    const t = 1 / Math.sqrt(variance.data[c]! + node.attributes.epsilon);
    const s = scale.data[c]! * t;
    const mu = mean.data[c]!;
    let sumG = 0;
    let sumGCentred = 0;
    for (let n = 0; n < batch; n++) {
      const base = (n * channels + c) * inner;
      for (let i = base; i < base + inner; i++) {
        const g = gradOutput[i]!;
        sumG += g;
        sumGCentred += g * (a[i]! - mu);
        if (gx) gx[i] = gx[i]! + g * s;
      }
    }
    gScale![c] = gScale![c]! + sumGCentred * t;
    gBias![c] = gBias![c]! + sumG;
    gMean![c] = gMean![c]! - s * sumG;
    gVariance![c] = gVariance![c]! - 0.5 * s * t * t * sumGCentred;
  }
};
