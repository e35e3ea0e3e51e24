/**
 * Default parameters, as PyTorch initialises `nn.Linear` and `nn.Conv2d`: the weight from
 * kaiming-uniform with a = √5, which is U(−1/√fan_in, 1/√fan_in) since
 * bound = gain·√(3/fan_in) with gain = √(2/(1 + a²)) = √(1/3); the bias from the same
 * U(−1/√fan_in, 1/√fan_in). fan_in = in_features, or in_channels/groups·kh·kw for a convolution.
 * Values come from a seeded `Rng` (weight first, then bias), so a seed fixes the model; they do
 * not reproduce PyTorch's own generator.
 */
import type { Rng } from '../../core/rng.js';
import { sizeOf, type Tensor } from '../../core/tensor.js';

/** The bound 1/√fan_in of PyTorch's default initialisation. */
export const defaultInitBound = (fanIn: number): number => 1 / Math.sqrt(fanIn);

/** A weight of `shape` and a bias of `shape[0]` elements, drawn as PyTorch's default initialisation. */
export function defaultParameters(
  rng: Rng,
  shape: readonly number[],
  fanIn: number,
): { weight: Tensor<Float32Array>; bias: Tensor<Float32Array> } {
  const bound = defaultInitBound(fanIn);
  const outputs = shape[0]!;
  const weight = { shape: [...shape], data: rng.uniformArray(sizeOf(shape), -bound, bound) };
  const bias = { shape: [outputs], data: rng.uniformArray(outputs, -bound, bound) };
  return { weight, bias };
}
