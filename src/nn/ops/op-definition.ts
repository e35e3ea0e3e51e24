/**
 * What defining an operator means, in one object per operator (`ops/<op>.ts`) collected in the
 * `OPS` table: its shape inference and forward kernel, its connectivity (the token family of its
 * circuit edges, DESIGN.md §1b, and the enumerator of its neuron-level edges), its LRP category
 * (which fixes both views of its coefficient: the factored step and the per-edge d_jk), and for
 * linear operators the transposed map that relevance and gradients go back through, and its
 * training gradient.
 */
import type { FloatArray, Tensor } from '../../core/tensor.js';
import type { EmitEdge, NodeShapes } from '../connectivity/connectivity.js';
import type { Node, OpName } from '../graph.js';
import type { Stabilizer } from '../lrp/stabilizer.js';
import type { Backward } from '../train/backward-context.js';

/**
 * How an operator's inputs connect to its outputs, which decides the tokens of its circuit edges:
 * - `dense`: every input element to every output element (Linear, Gemm, MatMul);
 * - `conv`: each output to the input taps of its window (Conv);
 * - `pool`: each output to the taps of its window, one channel at a time (pooling);
 * - `identity`: each output element to exactly one input element, coefficient 1 and no token
 *   (activations, reshapes, padding, concatenation, dropout);
 * - `diagonal`: each output element to the same input element, weighed by its channel's scale
 *   (a BatchNorm that could not be merged: a per-channel linear layer, tokens on its edges);
 * - `add`: each output element to the same element of every input (residual sums).
 */
export type Connectivity = 'dense' | 'conv' | 'pool' | 'diagonal' | 'identity' | 'add';

/**
 * What LRP does at an operator (nn/lrp/steps/ owns both views of each):
 * - `linear`: z = f(a; W) + b, under a linear rule (ε, z⁺, γ, zᴮ, …): dense, conv, average pooling,
 *   unmerged BatchNorm;
 * - `residual`: a sum of inputs, under the norm rule d_jk = a_j / stab(Σ_i a_i,k);
 * - `selection`: max-pooling, by its rule's variant (winner, proportional, average);
 * - `elementwise`: output k from input k, relevance passes unchanged (ReLU, reshapes, dropout, …);
 * - `routing`: each output from one input element elsewhere, relevance routed back along the
 *   edges (padding, concatenation, transpose, slice, gather, expand, tile);
 * - `explicit`: the operator's own coefficients d_jk (`relevanceEdges`): products of two
 *   activations, matrix products, softmax, LayerNorm (nn/lrp/steps/explicit.ts).
 * Only `linear`, `residual`, `selection` and `explicit` edges can carry tokens.
 */
export type LrpCategory = 'linear' | 'residual' | 'selection' | 'elementwise' | 'routing' | 'explicit';

/** An operator's definition. */
export type OpDefinition<O extends OpName> = OpBase<O> &
  (LinearOpParts<O> | ExplicitOpParts<O> | OtherOpParts);

interface OtherOpParts {
  readonly lrp: Exclude<LrpCategory, 'linear' | 'explicit'>;
}

/** What an explicit-rule operator's coefficients read: its forward pass for the batch. */
export interface ExplicitContext {
  readonly shapes: NodeShapes;
  readonly inputs: readonly Tensor[];
  readonly output: Tensor;
  /** The stabiliser of denominators (the node's rule's). */
  readonly stabilizer: Stabilizer;
}

/** What an operator with its own relevance formula adds. */
interface ExplicitOpParts<O extends OpName> {
  readonly lrp: 'explicit';
  /** Calls `emit(j, k, d_jk)` for every edge of sample `n` (inputs laid end to end). */
  relevanceEdges(node: Node<O>, context: ExplicitContext, n: number, emit: EmitEdge): void;
}

/** What a linear operator adds: its transpose with given (possibly modified) weights. */
interface LinearOpParts<O extends OpName> {
  readonly lrp: 'linear';
  /** Whether it has weights that LRP modifiers act on (pooling's are the constants 1/divisor). */
  readonly hasParams: boolean;
  /**
   * For an operator whose weights are not its `weight` and `bias` parameters (BatchNorm: the
   * per-channel scale and shift it computes from four statistics), those weights, and its forward
   * pass under given (modified) ones. Absent: the `weight` and `bias` params and `forward`.
   */
  readonly affine?: {
    weights(node: Node<O>): { readonly weight: FloatArray; readonly bias: FloatArray };
    forward(
      node: Node<O>,
      weight: FloatArray,
      bias: FloatArray,
      input: FloatArray,
      batch: number,
      out: FloatArray,
    ): void;
  };
  /**
   * Adds f_Wᵀ(s) into `c` for a batch (s output-shaped, c input-shaped), with `weight` in place of
   * the node's own weights where it has them.
   */
  adjoint(
    node: Node<O>,
    inputShape: readonly number[],
    outputShape: readonly number[],
    s: FloatArray,
    c: FloatArray,
    weight: FloatArray | undefined,
  ): void;
}

interface OpBase<O extends OpName> {
  readonly op: O;
  readonly connectivity: Connectivity;
  /**
   * Calls `emit(j, k, w)` for every (input element j, output element k) pair of one sample that
   * the operator connects, w the connection's own weight (1 for structural edges); several
   * inputs are laid end to end.
   */
  edges(node: Node<O>, shapes: NodeShapes, emit: EmitEdge): void;
  /**
   * Training's backward step: adds ∂L/∂input and ∂L/∂parameter given ∂L/∂output (the formulas sit
   * in nn/train; an operator's definition names its own, wrapped in an arrow because those modules
   * read this table and may load first).
   */
  readonly backward: Backward<O>;
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
