/**
 * What a backward function sees, and its type. A backward function is the transposed Jacobian of
 * one operator: given ∂L/∂z for the node's output z, it *adds* ∂L/∂x to each input's gradient and
 * ∂L/∂θ to each parameter's. Gradients are float32 and accumulated (+=), because a tensor that
 * feeds several nodes receives the sum of their gradients, and a parameter's gradient sums over
 * the batch.
 */
import type { FloatArray, Tensor } from '../../core/tensor.js';
import type { Node, OpName } from '../graph.js';

/** What a backward function receives. */
export interface BackwardContext<O extends OpName> {
  readonly node: Node<O>;
  /** The node's inputs and output from the forward pass (batch axis first). */
  readonly inputs: readonly Tensor[];
  readonly output: Tensor;
  /** ∂L/∂output. */
  readonly gradOutput: Float32Array;
  /** ∂L/∂input per input, to add to (null where no gradient is wanted, e.g. the model input). */
  readonly gradInputs: readonly (Float32Array | null)[];
  /** ∂L/∂parameter per parameter name, to add to. */
  readonly gradParams: Readonly<Record<string, Float32Array>>;
}

/** A backward function. */
export type Backward<O extends OpName> = (context: BackwardContext<O>) => void;

/** target += source, element by element (nothing when there is no target). */
export function addInto(target: Float32Array | null, source: FloatArray): void {
  if (!target) return;
  for (let i = 0; i < source.length; i++) target[i] = target[i]! + source[i]!;
}

/** The per-sample shape of a batch tensor (its shape without the batch axis). */
export const perSample = (t: Tensor): readonly number[] => t.shape.slice(1);
