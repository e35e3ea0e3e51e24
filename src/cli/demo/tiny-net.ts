/**
 * The worked example: a 3-4-2 network with hand-chosen weights, fc1 (3 → 4), ReLU, fc2 (4 → 2),
 * no biases, and its input x = (1, 2, 1). fc1 gives z = (4, −1, 3, 2), so hidden unit 1 is off;
 * fc2 gives the logits (9, 3), so the target is class 0. Small enough that every path, every
 * polynomial and every equation can be checked by hand.
 */
import type { Tensor } from '../../core/tensor.js';
import { linear, relu, sequential } from '../../nn/builder/index.js';
import type { Model } from '../../nn/graph.js';

/** The 3-4-2 network. */
export function workedExampleNet(): Model {
  return sequential(
    [3],
    [
      linear(3, 4, { weight: [1, 1, 1, 1, -1, 0, 0, 1, 1, 2, 0, 0], bias: false }),
      relu(),
      linear(4, 2, { weight: [1, 0.5, 1, 1, 0.5, 1, 0, 0.5], bias: false }),
    ],
    { names: ['fc1', 'relu', 'fc2'] },
  );
}

/** Its input, as a batch of one. */
export const workedExampleInput = (): Tensor<Float64Array> => ({
  shape: [1, 3],
  data: Float64Array.from([1, 2, 1]),
});
