/**
 * The backward passes of pooling:
 * - max_pool: each output's gradient goes to its window's winner, the first maximum in row-major
 *   order (`maxPoolWinners`, PyTorch's choice), so ties send everything to one tap;
 * - avg_pool, global_avg_pool, adaptive_avg_pool: linear maps, so ∂x is their adjoint applied to
 *   ∂z (src/nn/adjoints/pool.ts): each tap receives ∂z / divisor of every window it belongs to.
 */
import { adaptiveAvgPoolAdjoint, avgPoolAdjoint, globalAvgPoolAdjoint } from '../adjoints/index.js';
import { maxPoolWinners } from '../ops/max-pool.js';
import { type Backward, perSample } from './backward-context.js';

/** max_pool: ∂x[winner(i)] += ∂z[i]. */
export const maxPoolBackward: Backward<'max_pool'> = ({ node, inputs, output, gradOutput, gradInputs }) => {
  const gx = gradInputs[0];
  if (!gx) return;
  const winners = maxPoolWinners(node, inputs[0]!, output.shape);
  for (let i = 0; i < winners.length; i++) {
    const at = winners[i]!;
    gx[at] = gx[at]! + gradOutput[i]!;
  }
};

/** avg_pool: ∂x = avg_poolᵀ(∂z), with the forward pass's divisors. */
export const avgPoolBackward: Backward<'avg_pool'> = ({ node, inputs, output, gradOutput, gradInputs }) => {
  const gx = gradInputs[0];
  if (gx) avgPoolAdjoint(node, perSample(inputs[0]!), perSample(output), gradOutput, gx);
};

/** global_avg_pool: ∂x[c, y, x] += ∂z[c] / (H·W). */
export const globalAvgPoolBackward: Backward<'global_avg_pool'> = ({ inputs, gradOutput, gradInputs }) => {
  const gx = gradInputs[0];
  if (gx) globalAvgPoolAdjoint(perSample(inputs[0]!), gradOutput, gx);
};

/** adaptive_avg_pool: ∂x = adaptive_avg_poolᵀ(∂z), PyTorch's windows. */
export const adaptiveAvgPoolBackward: Backward<'adaptive_avg_pool'> = ({
  node,
  inputs,
  gradOutput,
  gradInputs,
}) => {
  const gx = gradInputs[0];
  if (gx) adaptiveAvgPoolAdjoint(node, perSample(inputs[0]!), gradOutput, gx);
};
