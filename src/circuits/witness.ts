/**
 * Witness paths: the paths behind Viterbi relevance. The best path of an input element is the
 * path to the target whose product of annotated coefficients Θ(d) (normalised, DESIGN.md §1b) is
 * largest, its Viterbi relevance; found for every input at once by one Viterbi pass from the
 * target down that remembers, for each neuron, the edge its maximum came through (the first
 * maximum in edge order on ties). Top-k paths come from the top-k semiring on an input's cone.
 */

import { DEFAULTS } from '../core/defaults.js';
import { type PropagationVisitor, propagate, startPropagation } from '../core/propagate.js';
import { argmaxPerSample, type Composite } from '../nn/lrp/index.js';
import { edgeToken, tokenName, topK, viterbi } from '../semirings/index.js';
import type { AnnotationSpec } from './annotations/resolve.js';
import { resolveAnnotation } from './annotations/resolve.js';
import { expand } from './expand.js';
import { knockOut } from './kernel-evaluator.js';
import { layerView } from './layer-view.js';
import { tensorLabel } from './neurons.js';
import type { Trace } from './trace.js';

/** One step of a witness path, from a lower neuron to an upper one. */
export interface PathStep {
  readonly layer: string;
  /** Upper neuron: R[label,k]; lower: R[fromLabel,from]. */
  readonly from: string;
  readonly to: string;
  /** The coefficient, its annotation Θ(d) (1 for a constant edge) and the token, if any. */
  readonly d: number;
  readonly theta: number;
  readonly token: string | null;
}

/** A path from an input element to the target, bottom to top. */
export interface WitnessPath {
  readonly value: number;
  readonly steps: readonly PathStep[];
}

/** Options of `bestPaths`. */
export interface BestPathOptions {
  readonly sample?: number;
  readonly target?: number;
  readonly composite?: string | Composite;
  /** Θ into [0, 1] (default: the Viterbi annotation). */
  readonly annotate?: AnnotationSpec<number>;
}

interface Pointer {
  node: number;
  upper: number;
  d: number;
  theta: number;
  j: number;
  k: number;
}

/** Best paths of every element of the model input (or undefined where no path has value > 0). */
export function bestPaths(
  trace: Trace,
  options: BestPathOptions = {},
): { values: Float64Array; path(i: number): WitnessPath | undefined } {
  const model = trace.model;
  const n = options.sample ?? 0;
  const target = options.target ?? argmaxPerSample(trace.activations.output)[n]!;
  const composite = options.composite ?? DEFAULTS.composite.semiring;
  const annotation = resolveAnnotation(options.annotate ?? 'viterbi', viterbi, model);
  const plan = trace.circuit.plan;
  const pointers = new Map<string, (Pointer | undefined)[]>();
  const complete = knockOut(plan, 1, 0);
  // A Viterbi pass from the target down that remembers where each maximum came from.
  const visitor: PropagationVisitor<Float64Array> = {
    zero: (tensor) => {
      const v = new Float64Array(plan.size(tensor));
      pointers.set(tensor, new Array(v.length));
      return v;
    },
    visit(i, upper, inputs) {
      const step = plan.steps[i]!;
      const { node, toLayer } = step;
      const c = trace.coefficients(node, { composite });
      const removed = plan.removedEdges(step);
      const stats = c.tokenized ? annotation.prepare?.(layerView(model, node, c, n, toLayer)) : undefined;
      c.forEachEdge(n, (j, k, d) => {
        const r = upper[k]!;
        if (r === 0) return;
        const jl = c.tokenized ? toLayer(j) : j;
        if (jl < 0 || (c.tokenized && removed?.has(jl * c.outputSize + k))) return;
        const theta = c.tokenized
          ? annotation.map(
              d,
              { layer: node.layer, j: jl, k, token: () => edgeToken(node.layer, jl, k) },
              stats,
            )
          : 1;
        const [input, local] = plan.locate(step, j);
        const v = theta * r;
        if (v > inputs[input]![local]!) {
          inputs[input]![local] = v;
          pointers.get(node.inputs[input]!)![local] = { node: i, upper: k, d, theta, j: jl, k };
        }
      });
    },
    ...(complete ? { complete } : {}),
  };
  const seed = visitor.zero(model.output);
  seed[target] = 1;
  const state = startPropagation(plan.steps, new Map([[model.output, seed]]));
  const reached = propagate(plan.steps, state, -1, model.input, visitor);
  const values = Float64Array.from(reached);
  const path = (index: number): WitnessPath | undefined => {
    if (!(values[index]! > 0)) return undefined;
    const steps: PathStep[] = [];
    let tensor = model.input;
    let at = index;
    while (tensor !== model.output || at !== target) {
      const p = pointers.get(tensor)?.[at];
      if (!p) break;
      const node = model.nodes[p.node]!;
      const c = trace.coefficients(node, { composite });
      steps.push({
        layer: node.layer,
        from: `R[${tensorLabel(model, tensor)},${at}]`,
        to: `R[${tensorLabel(model, node.output)},${p.upper}]`,
        d: p.d,
        theta: p.theta,
        token: c.tokenized ? tokenName(edgeToken(node.layer, p.j, p.k)) : null,
      });
      tensor = node.output;
      at = p.upper;
    }
    return { value: values[index]!, steps };
  };
  return { values, path };
}

/** The k best paths of one input element, as top-k values with their witness tokens. */
export function topKPaths(
  trace: Trace,
  input: number,
  count: number,
  options: BestPathOptions & { limit?: number } = {},
): { value: number; tokens: string[] }[] {
  const K = topK(count);
  const expanded = expand(trace, {
    ...(options.sample !== undefined ? { sample: options.sample } : {}),
    ...(options.target !== undefined ? { target: options.target } : {}),
    ...(options.composite !== undefined ? { composite: options.composite } : {}),
    ...(options.limit !== undefined ? { limit: options.limit } : {}),
    input,
  });
  const thetas = bestPathsThetas(trace, options);
  const R = expanded.evaluate(K, (edge) => {
    const v = thetas(edge.node, edge.j, edge.k, edge.d);
    return v === 0 ? K.zero : K.fromToken(edge.tokenId!, v);
  });
  const top = R.get(`R[input,${input}]`) ?? K.zero;
  return top.map((entry) => ({ value: entry.value, tokens: entry.witness.tokens.map((t) => tokenName(t)) }));
}

/** Θ of an edge of `node` (by name) under the best-path annotation, preparing each layer once. */
function bestPathsThetas(trace: Trace, options: BestPathOptions) {
  const model = trace.model;
  const n = options.sample ?? 0;
  const composite = options.composite ?? DEFAULTS.composite.semiring;
  const annotation = resolveAnnotation(options.annotate ?? 'viterbi', viterbi, model);
  const stats = new Map<string, unknown>();
  const steps = new Map(trace.circuit.plan.steps.map((step) => [step.node.name, step]));
  return (nodeName: string, j: number, k: number, d: number): number => {
    const { node, toLayer } = steps.get(nodeName)!;
    if (!stats.has(nodeName)) {
      const c = trace.coefficients(node, { composite });
      stats.set(nodeName, annotation.prepare?.(layerView(model, node, c, n, toLayer)));
    }
    return annotation.map(
      d,
      { layer: node.layer, j, k, token: () => edgeToken(node.layer, j, k) },
      stats.get(nodeName),
    );
  };
}
