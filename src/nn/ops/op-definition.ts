/**
 * What defining an operator means: its connectivity (which token family its relevance edges
 * carry, DESIGN.md §1b), its shape inference and its forward kernel, in one object per operator
 * (`ops/<op>.ts`), collected in the `OPS` table.
 */
import type { FloatArray, Tensor } from '../../core/tensor.js';
import type { Node, OpName } from '../graph.js';

/**
 * How an operator's inputs connect to its outputs, which decides the tokens of its circuit edges:
 * - `dense`: every input element to every output element (Linear, Gemm, MatMul);
 * - `conv`: each output to the input taps of its window (Conv);
 * - `pool`: each output to the taps of its window, one channel at a time (pooling);
 * - `identity`: each output element to exactly one input element, coefficient 1 and no token
 *   (ReLU, reshapes, padding, concatenation, dropout, unmerged BatchNorm);
 * - `add`: each output element to the same element of every input (residual sums).
 */
export type Connectivity = 'dense' | 'conv' | 'pool' | 'identity' | 'add';

/** An operator's definition. */
export interface OpDefinition<O extends OpName> {
  readonly op: O;
  readonly connectivity: Connectivity;
  /**
   * The per-sample output shape from the per-sample input shapes; a `ShapeError` (naming the node)
   * when they do not fit the operator and its parameters.
   */
  inferShape(node: Node<O>, inputs: readonly (readonly number[])[]): number[];
  /**
   * Computes the output for a whole batch into `out` (already allocated, batch axis first, of the
   * inputs' dtype). Accumulates in float64 whatever the dtype.
   */
  forward(node: Node<O>, inputs: readonly Tensor[], out: Tensor<FloatArray>): void;
}
