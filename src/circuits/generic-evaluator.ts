/**
 * The generic gate-level evaluator: K-LRP in any semiring by walking the neuron-level edges,
 * R_j = ⊕_k Θ(d_jk) ⊗ R_k, one sample at a time, nodes in reverse topological order. Tokenised
 * edges take their annotation's value, structural edges the constant 1 (so they carry R_k
 * unchanged). It uses nothing of a semiring but its operations, so it serves ℕ[X], Why(X), ℚ and
 * a user's own semirings, and is the reference twin of every fast kernel. Per-element calls make
 * it slow: meant for small nets, and MNIST-sized ones with patience.
 *
 * Edges whose upper relevance is 0 are skipped, which the semiring laws allow (0 annihilates
 * under ⊗ and is the identity of ⊕).
 */

import { elements } from '../nn/connectivity/connectivity.js';
import type { AnyNode, Model } from '../nn/graph.js';
import { edgeToken, type Semiring } from '../semirings/index.js';
import type { Annotation, EdgeInfo } from './annotations/annotation.js';
import type { NodeCoefficients } from './coefficients.js';
import { layerView } from './layer-view.js';
import { layerIndexMap } from './token-index.js';

/** What the generic evaluator needs. */
export interface GenericEvaluation<T> {
  readonly model: Model;
  readonly K: Semiring<T>;
  readonly annotation: Annotation<T>;
  /** The coefficients of a node (computed on demand). */
  readonly coefficients: (node: AnyNode) => NodeCoefficients;
  /** Relevance at the model output of each sample. */
  readonly seeds: readonly (readonly T[])[];
  /** The tensor whose relevance is wanted; nodes up to its producer are not visited. */
  readonly target: string;
}

/** The relevance of `target` for every sample, flat in C order. */
export function evaluateGeneric<T>(evaluation: GenericEvaluation<T>): T[] {
  const { model, target } = evaluation;
  const stopAt = model.nodes.findIndex((node) => node.output === target);
  const size = elements(model.shapes.get(target)!);
  const out: T[] = [];
  evaluation.seeds.forEach((seed, n) => {
    const R = relevanceOfSample(evaluation, n, seed, stopAt);
    const values = R.get(target);
    for (let i = 0; i < size; i++) out.push(values?.[i] ?? evaluation.K.zero);
  });
  return out;
}

function relevanceOfSample<T>(
  evaluation: GenericEvaluation<T>,
  n: number,
  seed: readonly T[],
  stopAt: number,
): Map<string, T[]> {
  const { model, K, annotation } = evaluation;
  const R = new Map<string, T[]>([[model.output, [...seed]]]);
  const zeroIsSkippable = (v: T) => K.equals(v, K.zero);
  for (let i = model.nodes.length - 1; i > stopAt; i--) {
    const node = model.nodes[i]!;
    const rOut = R.get(node.output);
    if (rOut === undefined) continue;
    const coefficients = evaluation.coefficients(node);
    const inputs = node.inputs.map((name) => {
      let values = R.get(name);
      if (values === undefined) {
        values = new Array<T>(elements(model.shapes.get(name)!)).fill(K.zero);
        R.set(name, values);
      }
      return values;
    });
    const offsets = inputOffsets(model, node);
    const locate = (j: number): [T[], number] => {
      let input = 0;
      while (input + 1 < offsets.length && j >= offsets[input + 1]!) input++;
      return [inputs[input]!, j - offsets[input]!];
    };
    if (!coefficients.tokenized) {
      coefficients.forEachEdge(n, (j, k) => {
        const upper = rOut[k]!;
        if (zeroIsSkippable(upper)) return;
        const [values, at] = locate(j);
        values[at] = K.plus(values[at]!, upper); // a structural edge carries 1, and 1 ⊗ R = R
      });
      continue;
    }
    const toLayer = layerIndexMap(model, node);
    const stats = annotation.prepare?.(layerView(model, node, coefficients, n, toLayer));
    coefficients.forEachEdge(n, (j, k, d) => {
      const upper = rOut[k]!;
      if (zeroIsSkippable(upper)) return;
      const jl = toLayer(j);
      if (jl < 0) return; // from padding: no element of the layer's input behind it
      const edge: EdgeInfo = { layer: node.layer, j: jl, k, token: () => edgeToken(node.layer, jl, k) };
      const [values, at] = locate(j);
      values[at] = K.plus(values[at]!, K.times(annotation.map(d, edge, stats), upper));
    });
  }
  return R;
}

/** Where each input of a node starts in the inputs laid end to end. */
function inputOffsets(model: Model, node: AnyNode): number[] {
  const offsets: number[] = [];
  let at = 0;
  for (const name of node.inputs) {
    offsets.push(at);
    at += elements(model.shapes.get(name)!);
  }
  return offsets;
}
