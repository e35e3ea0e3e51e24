/**
 * A relevance step, in both views, for each LRP category of operator (ops/op-definition.ts):
 * - factored: R at each input from R at the output, whole tensors at once (what `lrp()` and the
 *   circuit's real relevance run);
 * - per edge: the coefficient d_jk of every neuron-level edge, R_j = Σ_k d_jk R_k (what every
 *   other semiring, the symbolic views and the witness paths read).
 * Each category's module holds both side by side, computed from the same statistics, so that
 * summing d_jk R_k over the edges gives exactly the factored relevance.
 */
import type { FloatArray, Tensor } from '../../../core/tensor.js';
import type { EmitEdge, NodeShapes } from '../../connectivity/connectivity.js';
import type { AnyNode, Model } from '../../graph.js';
import type { LinearStatistics } from '../linear-relevance.js';
import type { Rule } from '../rule.js';

/** What a step reads: the node, its rule, and its activations for the batch. */
export interface StepContext {
  readonly model: Model;
  readonly node: AnyNode;
  readonly rule: Rule;
  readonly shapes: NodeShapes;
  readonly inputs: readonly Tensor[];
  readonly output: Tensor;
}

/** One node's edges and their coefficients, sample by sample. */
export interface NodeCoefficients {
  readonly node: AnyNode;
  readonly rule: Rule;
  /** Whether the edges carry tokens (DESIGN.md §1b); structural edges carry the constant 1. */
  readonly tokenized: boolean;
  /** Elements per sample of the node's inputs laid end to end, and of its output. */
  readonly inputSize: number;
  readonly outputSize: number;
  /** The node's output in the forward pass, batch first: z_k for a linear layer. */
  readonly output: Tensor;
  /** Calls `emit(j, k, d)` for every edge of sample `n`. */
  forEachEdge(n: number, emit: EmitEdge): void;
  /**
   * Like `forEachEdge`, in the same order, but only the edges into outputs k with `live(k)`; dense
   * layers skip a dead output's whole row without computing its coefficients.
   */
  forEachLiveEdge?(n: number, live: (k: number) => boolean, emit: EmitEdge): void;
  /** For linear layers, the rule statistics in factored form (what real LRP propagates with). */
  readonly linear?: LinearStatistics;
}

/** The part of `NodeCoefficients` a category computes (the sizes are common to all). */
export type EdgeCoefficients = Omit<
  NodeCoefficients,
  'node' | 'rule' | 'inputSize' | 'outputSize' | 'output'
>;

/** A category's relevance step in both views. */
export interface StepRule {
  /** The factored view: the relevance of each input (`linear`: statistics the caller keeps). */
  relevance(context: StepContext, R: FloatArray, linear?: LinearStatistics): FloatArray[];
  /** The per-edge view. */
  coefficients(context: StepContext): EdgeCoefficients;
}

/**
 * A value computed on first use. Per-edge coefficients are asked for on every visited step (the
 * trace counts them), also where only the factored view runs: what they need is computed then.
 */
export function lazy<V>(compute: () => V): () => V {
  let value: V | undefined;
  let done = false;
  return () => {
    if (!done) {
      value = compute();
      done = true;
    }
    return value as V;
  };
}
