/**
 * K-LRP on typed arrays with a semiring kernel, as a visitor of the propagation driver:
 * R_j = ⊕_k Θ(d_jk) ⊗ R_k with relevance in `Float64Array`s (batch × elements) and ⊕/⊗ fused into
 * one numeric update per edge; edges whose upper relevance is 0 are skipped before Θ is computed.
 * A kernel's factored form, where it has one and the annotation is the one it holds under, replaces
 * this per-edge loop altogether (see kernels/kernel.ts).
 */
import type { PropagationVisitor } from '../core/propagate.js';
import type { FloatArray } from '../core/tensor.js';
import { edgeToken } from '../semirings/index.js';
import type { Annotation, EdgeInfo } from './annotations/annotation.js';
import type { NodeCoefficients } from './coefficients.js';
import type { RelevanceKernel } from './kernels/kernel.js';
import { layerView } from './layer-view.js';
import type { CircuitPlan, CircuitStep } from './plan.js';

/** What the kernel visitor needs. */
export interface KernelEvaluation {
  readonly plan: CircuitPlan;
  readonly kernel: RelevanceKernel;
  readonly annotation: Annotation<unknown>;
  readonly coefficients: (step: CircuitStep) => NodeCoefficients;
  readonly batch: number;
}

/**
 * The per-edge kernel visitor. Its relevance is float64 (`zero`), but `visit` also serves arrays of
 * the activations' dtype, for steps a factored form hands back to it.
 */
export function kernelVisitor(evaluation: KernelEvaluation): PropagationVisitor<FloatArray> {
  const { plan, kernel, batch } = evaluation;
  return {
    zero: (tensor) => new Float64Array(batch * plan.size(tensor)).fill(kernel.zero),
    visit(i, upper, lower) {
      const step = plan.steps[i]!;
      const c = evaluation.coefficients(step);
      for (let n = 0; n < batch; n++) propagateSample(evaluation, step, c, n, upper, lower);
    },
    complete: knockOut(plan, batch, kernel.zero),
  };
}

/**
 * The `complete` hook that sets a restricted circuit's knocked-out neurons to `zero` in every
 * sample (undefined where nothing is knocked out).
 */
export function knockOut<V>(
  plan: CircuitPlan,
  batch: number,
  zero: V,
): ((tensor: string, relevance: { [i: number]: V }) => void) | undefined {
  const { neurons } = plan.knockouts;
  if (neurons.size === 0) return undefined;
  return (tensor, relevance) => {
    const indices = neurons.get(tensor);
    if (indices === undefined) return;
    const size = plan.size(tensor);
    for (let n = 0; n < batch; n++) for (const i of indices) relevance[n * size + i] = zero;
  };
}

/** One node, one sample: the kernel's update over every edge whose upper relevance is not 0. */
function propagateSample(
  evaluation: KernelEvaluation,
  step: CircuitStep,
  c: NodeCoefficients,
  n: number,
  rOut: FloatArray,
  inputs: readonly FloatArray[],
): void {
  const { kernel, plan } = evaluation;
  const { zero, update, add } = kernel;
  const out = rOut.subarray(n * c.outputSize, (n + 1) * c.outputSize);
  const sizes = step.inputSizes;
  // A single input is updated in place. Several are laid end to end in a buffer that starts at 0
  // and is ⊕-ed into each input afterwards, so that an input read twice (Add(x, x)) gets both.
  const rIn: FloatArray =
    inputs.length === 1
      ? inputs[0]!.subarray(n * sizes[0]!, (n + 1) * sizes[0]!)
      : new Float64Array(step.inputSize).fill(zero);
  if (!c.tokenized)
    c.forEachEdge(n, (j, k) => {
      const r = out[k]!;
      if (r !== zero) rIn[j] = add(rIn[j]!, r);
    });
  else {
    const { annotation } = evaluation;
    const encode = kernel.encode;
    const toLayer = step.toLayer;
    const removed = plan.removedEdges(step);
    const stats = annotation.prepare?.(layerView(plan.model, step.node, c, n, step.toLayer));
    // NOTE: one mutable edge record serves every edge: annotations read it and do not keep it.
    const node = step.node;
    const edge = { layer: node.layer, j: 0, k: 0, token: () => edgeToken(node.layer, edge.j, edge.k) };
    const visit = (j: number, k: number, d: number) => {
      const r = out[k]!;
      if (r === zero) return;
      const jl = toLayer(j);
      if (jl < 0) return; // from padding: no element of the layer's input behind it
      if (removed?.has(jl * c.outputSize + k)) return; // knocked out: Θ = 0
      edge.j = jl;
      edge.k = k;
      rIn[j] = update(rIn[j]!, encode(annotation.map(d, edge as EdgeInfo, stats)), r);
    };
    if (c.forEachLiveEdge) c.forEachLiveEdge(n, (k) => out[k] !== zero, visit);
    else c.forEachEdge(n, visit);
  }
  if (inputs.length > 1)
    inputs.forEach((r, i) => {
      const from = step.inputOffsets[i]!;
      const at = n * sizes[i]!;
      for (let e = 0; e < sizes[i]!; e++) r[at + e] = add(r[at + e]!, rIn[from + e]!);
    });
}
