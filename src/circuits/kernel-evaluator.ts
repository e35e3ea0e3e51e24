/**
 * K-LRP on typed arrays with a semiring kernel: the same traversal as the generic evaluator,
 * R_j = ⊕_k Θ(d_jk) ⊗ R_k in reverse topological order, but with relevance in `Float64Array`s and
 * ⊕/⊗ fused into one numeric update per edge; edges whose upper relevance is 0 are skipped before
 * Θ is computed.
 * Real relevance with the identity annotation takes the factored form on linear layers instead
 * (DESIGN.md §4: s = f ⊙ R, c = W_tᵀs, R_in = Σ_t sign_t in_t ⊙ c), never touching single edges.
 */

import { elements } from '../nn/connectivity/connectivity.js';
import type { AnyNode, Model } from '../nn/graph.js';
import { propagateLinear } from '../nn/lrp/index.js';
import { edgeToken } from '../semirings/index.js';
import type { Annotation, EdgeInfo } from './annotations/annotation.js';
import type { NodeCoefficients } from './coefficients.js';
import { type RelevanceKernel, realKernel } from './kernels/kernel.js';
import { layerView } from './layer-view.js';
import { layerIndexMap } from './token-index.js';

/** What the kernel evaluator needs. */
export interface KernelEvaluation {
  readonly model: Model;
  readonly kernel: RelevanceKernel;
  readonly annotation: Annotation<unknown>;
  readonly coefficients: (node: AnyNode) => NodeCoefficients;
  /** Encoded relevance at the model output, batch × classes. */
  readonly seed: Float64Array;
  readonly batch: number;
  /** The tensor whose relevance is wanted. */
  readonly target: string;
  /** Use the factored form for real relevance (the annotation is the identity). */
  readonly factored: boolean;
}

/** The encoded relevance of `target`, batch × elements. */
export function evaluateKernel(evaluation: KernelEvaluation): Float64Array {
  const { model, kernel, batch, target } = evaluation;
  const stopAt = model.nodes.findIndex((node) => node.output === target);
  const R = new Map<string, Float64Array>([[model.output, evaluation.seed.slice()]]);
  const relevanceOf = (name: string): Float64Array => {
    let r = R.get(name);
    if (r === undefined) {
      r = new Float64Array(batch * elements(model.shapes.get(name)!)).fill(kernel.zero);
      R.set(name, r);
    }
    return r;
  };
  for (let i = model.nodes.length - 1; i > stopAt; i--) {
    const node = model.nodes[i]!;
    const rOut = R.get(node.output);
    if (rOut === undefined) continue;
    const c = evaluation.coefficients(node);
    const inputs = node.inputs.map(relevanceOf);
    if (evaluation.factored && kernel === realKernel && c.linear) {
      const rIn = propagateLinear(c.linear, rOut);
      const into = inputs[0]!;
      for (let j = 0; j < into.length; j++) into[j] = into[j]! + rIn[j]!;
      continue;
    }
    for (let n = 0; n < batch; n++) propagateSample(evaluation, node, c, n, rOut, inputs);
  }
  return R.get(target) ?? new Float64Array(batch * elements(model.shapes.get(target)!)).fill(kernel.zero);
}

/** One node, one sample: the kernel's update over every edge whose upper relevance is not 0. */
function propagateSample(
  evaluation: KernelEvaluation,
  node: AnyNode,
  c: NodeCoefficients,
  n: number,
  rOut: Float64Array,
  inputs: Float64Array[],
): void {
  const { kernel, model } = evaluation;
  const { zero, update, add } = kernel;
  const out = rOut.subarray(n * c.outputSize, (n + 1) * c.outputSize);
  const sizes = node.inputs.map((name) => elements(model.shapes.get(name)!));
  // A single input is updated in place; several are laid end to end in a buffer and copied back.
  const rIn =
    inputs.length === 1
      ? inputs[0]!.subarray(n * sizes[0]!, (n + 1) * sizes[0]!)
      : concatenate(inputs.map((r, i) => r.subarray(n * sizes[i]!, (n + 1) * sizes[i]!)));
  if (!c.tokenized)
    c.forEachEdge(n, (j, k) => {
      const r = out[k]!;
      if (r !== zero) rIn[j] = add(rIn[j]!, r);
    });
  else {
    const { annotation } = evaluation;
    const encode = kernel.encode;
    const toLayer = layerIndexMap(model, node);
    const stats = annotation.prepare?.(layerView(model, node, c, n, toLayer));
    // NOTE: one mutable edge record serves every edge: annotations read it and do not keep it.
    const edge = { layer: node.layer, j: 0, k: 0, token: () => edgeToken(node.layer, edge.j, edge.k) };
    const visit = (j: number, k: number, d: number) => {
      const r = out[k]!;
      if (r === zero) return;
      const jl = toLayer(j);
      if (jl < 0) return; // from padding: no element of the layer's input behind it
      edge.j = jl;
      edge.k = k;
      rIn[j] = update(rIn[j]!, encode(annotation.map(d, edge as EdgeInfo, stats)), r);
    };
    if (c.forEachLiveEdge) c.forEachLiveEdge(n, (k) => out[k] !== zero, visit);
    else c.forEachEdge(n, visit);
  }
  if (inputs.length > 1) {
    let at = 0;
    inputs.forEach((r, i) => {
      r.set(rIn.subarray(at, at + sizes[i]!), n * sizes[i]!);
      at += sizes[i]!;
    });
  }
}

function concatenate(parts: Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
