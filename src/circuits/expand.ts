/**
 * The expanded circuit: the neuron-level graph of one sample of a trace (DESIGN.md §3), for small
 * nets or for a sub-circuit — the cone of one target (the edges on some path from an input to it),
 * optionally only through edges whose annotation is non-zero under a given Θ, and optionally
 * only the paths from one input element. Each edge has an explicit key, its coefficient d, and
 * either its token x[L,j,k] or the mark `constant` (a structural edge, coefficient 1).
 *
 * Expansion refuses with a `LimitError` giving the number of edges it would have, counted before
 * any graph is built.
 */
import { MultiDirectedGraph } from 'graphology';
import { DEFAULTS } from '../core/defaults.js';
import { type MimeBundle, withDisplay } from '../core/display.js';
import { LimitError } from '../core/errors.js';
import { type PropagationVisitor, propagate, startPropagation } from '../core/propagate.js';
import type { AnyNode, Model } from '../nn/graph.js';
import { argmaxPerSample, type Composite, type CompositeOptions } from '../nn/lrp/index.js';
import { boolean, edgeToken, type Semiring, tokenName } from '../semirings/index.js';
import type { Annotation } from './annotations/annotation.js';
import { type AnnotationSpec, resolveAnnotation } from './annotations/resolve.js';
import { layerView } from './layer-view.js';
import { tensorLabel } from './neurons.js';
import { CircuitPlan } from './plan.js';
import type { Trace } from './trace.js';

/** A neuron: element `index` of `tensor`. */
export interface NeuronAttributes {
  readonly tensor: string;
  readonly index: number;
  /** Its name in equations: R[label,index]. */
  readonly label: string;
}

/** An edge of the expanded circuit, from a lower neuron to an upper one. */
export interface ExpandedEdgeAttributes {
  readonly node: string;
  readonly layer: string;
  /** The token's indices (layer input j, layer output k). */
  readonly j: number;
  readonly k: number;
  readonly d: number;
  /** The token's text form, or null for a constant (structural) edge. */
  readonly token: string | null;
  readonly tokenId: number | null;
  readonly constant: boolean;
}

/** Options of `expand`. */
export interface ExpandOptions extends CompositeOptions {
  readonly composite?: string | Composite;
  readonly sample?: number;
  /** Keep only the cone of this output element (default: the sample's argmax); `null` keeps everything. */
  readonly target?: number | null;
  /** Keep only edges whose annotation under Θ is non-zero (Θ lifted into 𝔹: its support). */
  readonly annotate?: AnnotationSpec<boolean>;
  /** Keep only the paths from this element of the model input. */
  readonly input?: number;
  /** The most edges an expansion may have (default 200,000). */
  readonly limit?: number;
}

/** The defaults of `expand`. */
export const EXPAND_DEFAULTS = { limit: DEFAULTS.expandLimit, sample: 0 } as const;

interface RawEdge {
  readonly node: AnyNode;
  readonly from: string;
  readonly fromIndex: number;
  readonly to: string;
  readonly toIndex: number;
  readonly j: number;
  readonly k: number;
  readonly d: number;
  readonly token: number | null;
}

/** A neuron-level circuit. */
export class ExpandedCircuit {
  constructor(
    readonly model: Model,
    readonly graph: MultiDirectedGraph<NeuronAttributes, ExpandedEdgeAttributes>,
    /** The plan of the circuit it was expanded from. */
    readonly plan: CircuitPlan = new CircuitPlan(model),
  ) {
    withDisplay(this, expandedBundle, 'circuit');
  }

  /** The number of edges. */
  get size(): number {
    return this.graph.size;
  }

  /**
   * Relevance of every neuron in K, R_j = ⊕_k θ(edge) ⊗ R_k over the expanded edges, through the
   * propagation driver; every neuron of the model output in the expansion starts at 1.
   */
  evaluate<T>(K: Semiring<T>, theta: (edge: ExpandedEdgeAttributes) => T): Map<string, T> {
    const { graph, plan } = this;
    // The expanded edges by the step they belong to, each with its lower input and element.
    const byStep = new Map<
      number,
      { input: number; from: number; to: number; edge: ExpandedEdgeAttributes }[]
    >();
    graph.forEachEdge((_e, edge, source, target) => {
      const step = plan.producer(graph.getNodeAttribute(target, 'tensor'));
      const lower = graph.getNodeAttributes(source);
      const list = byStep.get(step) ?? [];
      list.push({
        input: plan.steps[step]!.inputs.indexOf(lower.tensor),
        from: lower.index,
        to: graph.getNodeAttribute(target, 'index'),
        edge,
      });
      byStep.set(step, list);
    });
    const visitor: PropagationVisitor<Map<number, T>> = {
      zero: () => new Map(),
      visit(i, upper, lower) {
        for (const { input, from, to, edge } of byStep.get(i) ?? []) {
          const r = upper.get(to);
          if (r === undefined) continue;
          const into = lower[input]!;
          into.set(from, K.plus(into.get(from) ?? K.zero, K.times(edge.constant ? K.one : theta(edge), r)));
        }
      },
    };
    const top = new Map<number, T>();
    graph.forEachNode((_n, a) => {
      if (a.tensor === this.model.output) top.set(a.index, K.one);
    });
    const state = startPropagation(plan.steps, new Map([[this.model.output, top]]));
    propagate(plan.steps, state, -1, this.model.input, visitor);
    const R = new Map<string, T>();
    graph.forEachNode((neuron, a) => {
      R.set(neuron, state.relevance.get(a.tensor)?.get(a.index) ?? K.zero);
    });
    return R;
  }

  /** Neurons from the top (outputs) down, by tensor, each tensor's neurons in index order. */
  reverseTopological(): string[] {
    const rank = new Map<string, number>([[this.model.input, 0]]);
    for (const [i, n] of this.model.nodes.entries()) rank.set(n.output, i + 1);
    const attributes = (neuron: string) => this.graph.getNodeAttributes(neuron);
    return this.graph
      .nodes()
      .sort(
        (a, b) =>
          rank.get(attributes(b).tensor)! - rank.get(attributes(a).tensor)! ||
          attributes(a).index - attributes(b).index,
      );
  }
}

/** An expanded circuit's text form in notebooks (its picture is provlrp/viz's). */
const expandedBundle = (expanded: ExpandedCircuit): MimeBundle => ({
  'text/plain': `Expanded circuit: ${expanded.graph.order} neurons, ${expanded.graph.size} edges`,
});

/** Expands one sample of a trace into its neuron-level graph (or a sub-circuit of it). */
export function expand(trace: Trace, options: ExpandOptions = {}): ExpandedCircuit {
  const model = trace.model;
  const n = options.sample ?? EXPAND_DEFAULTS.sample;
  const limit = options.limit ?? EXPAND_DEFAULTS.limit;
  const composite = options.composite ?? DEFAULTS.composite.semiring;
  const support =
    options.annotate === undefined ? undefined : resolveAnnotation(options.annotate, boolean, model);
  const target =
    options.target === undefined ? argmaxPerSample(trace.activations.output)[n]! : options.target;
  let edges = coneEdges(trace, { ...options, composite }, n, support, target);
  if (options.input !== undefined) edges = upwardCone(edges, model.input, options.input);
  if (edges.length > limit)
    throw new LimitError(
      'expand',
      edges.length,
      limit,
      'expand a smaller sub-circuit (a target, an input, an annotation) or raise limit',
    );
  const graph = new MultiDirectedGraph<NeuronAttributes, ExpandedEdgeAttributes>();
  const neuron = (tensor: string, index: number): string => {
    const label = tensorLabel(model, tensor);
    const key = `R[${label},${index}]`;
    if (!graph.hasNode(key)) graph.addNode(key, { tensor, index, label });
    return key;
  };
  for (const e of edges) {
    const from = neuron(e.from, e.fromIndex);
    const to = neuron(e.to, e.toIndex);
    const key =
      e.token === null ? `${e.node.name}:${e.from}[${e.fromIndex}]->${e.toIndex}` : tokenName(e.token);
    graph.addDirectedEdgeWithKey(key, from, to, {
      node: e.node.name,
      layer: e.node.layer,
      j: e.j,
      k: e.k,
      d: e.d,
      token: e.token === null ? null : tokenName(e.token),
      tokenId: e.token,
      constant: e.token === null,
    });
  }
  return new ExpandedCircuit(model, graph, trace.circuit.plan);
}

/**
 * The edges of sample n on some path down from output element `target` (every edge for `null`),
 * found by propagating reachability from the top: an edge is kept when its upper neuron is
 * reached, and marks its lower neuron. Tokenised edges are kept only where the support annotation
 * is true; knocked-out edges and neurons of a restricted circuit are left out. In topological order.
 */
function coneEdges(
  trace: Trace,
  options: ExpandOptions & { composite: string | Composite },
  n: number,
  support: Annotation<boolean> | undefined,
  target: number | null,
): RawEdge[] {
  const model = trace.model;
  const plan = trace.circuit.plan;
  const { neurons } = plan.knockouts;
  const byStep: RawEdge[][] = [];
  const visitor: PropagationVisitor<Uint8Array> = {
    zero: (tensor) => new Uint8Array(plan.size(tensor)),
    visit(i, upper, lower) {
      const step = plan.steps[i]!;
      const { node, toLayer } = step;
      const c = trace.coefficients(node, options);
      const removed = plan.removedEdges(step);
      const stats = c.tokenized ? support?.prepare?.(layerView(model, node, c, n, toLayer)) : undefined;
      const kept: RawEdge[] = [];
      c.forEachEdge(n, (j, k, d) => {
        if (target !== null && !upper[k]) return;
        const [input, local] = plan.locate(step, j);
        const jl = c.tokenized ? toLayer(j) : local;
        if (jl < 0) return;
        const from = node.inputs[input]!;
        if (neurons.get(from)?.has(local) || neurons.get(node.output)?.has(k)) return;
        const token = c.tokenized ? edgeToken(node.layer, jl, k) : null;
        if (token !== null && removed?.has(jl * c.outputSize + k)) return;
        if (
          token !== null &&
          support &&
          !support.map(d, { layer: node.layer, j: jl, k, token: () => token }, stats)
        )
          return;
        lower[input]![local] = 1;
        kept.push({ node, from, fromIndex: local, to: node.output, toIndex: k, j: jl, k, d, token });
      });
      byStep[i] = kept;
    },
  };
  const top = visitor.zero(model.output);
  if (target === null) top.fill(1);
  else top[target] = 1;
  const state = startPropagation(plan.steps, new Map([[model.output, top]]));
  // With no target every step is visited: reachability only decides which edges a cone keeps.
  if (target === null)
    for (const step of plan.steps) state.relevance.set(step.output, visitor.zero(step.output).fill(1));
  propagate(plan.steps, state, -1, model.input, visitor);
  return byStep.flat();
}

/** The edges on paths leaving neuron (tensor, index), in topological order. */
function upwardCone(edges: RawEdge[], tensor: string, index: number): RawEdge[] {
  const key = (t: string, i: number) => `${t}\u0000${i}`;
  const reached = new Set<string>([key(tensor, index)]);
  const kept: RawEdge[] = [];
  for (const e of edges) {
    if (!reached.has(key(e.from, e.fromIndex))) continue;
    reached.add(key(e.to, e.toIndex));
    kept.push(e);
  }
  return kept;
}
