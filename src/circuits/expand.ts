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
import { LimitError } from '../core/errors.js';
import { elements } from '../nn/connectivity/connectivity.js';
import type { AnyNode, Model } from '../nn/graph.js';
import { argmaxPerSample, type Composite, type CompositeOptions } from '../nn/lrp/index.js';
import { boolean, edgeToken, type Semiring, tokenName } from '../semirings/index.js';
import type { Annotation } from './annotations/annotation.js';
import { type AnnotationSpec, resolveAnnotation } from './annotations/resolve.js';
import { layerView } from './layer-view.js';
import { tensorLabel } from './neurons.js';
import { layerIndexMap } from './token-index.js';
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
export const EXPAND_DEFAULTS = { limit: 200_000, sample: 0 } as const;

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
  ) {}

  /** The number of edges. */
  get size(): number {
    return this.graph.size;
  }

  /**
   * Relevance of every neuron in K, R_j = ⊕_k θ(edge) ⊗ R_k over the expanded edges, with the
   * given top neurons set to `seed` (default: every neuron without upper edges that is a model
   * output gets 1).
   */
  evaluate<T>(K: Semiring<T>, theta: (edge: ExpandedEdgeAttributes) => T): Map<string, T> {
    const R = new Map<string, T>();
    const order = this.reverseTopological();
    for (const neuron of order) {
      let value = K.zero;
      let hasUpper = false;
      this.graph.forEachOutEdge(neuron, (_e, attributes, _s, upper) => {
        hasUpper = true;
        value = K.plus(value, K.times(attributes.constant ? K.one : theta(attributes), R.get(upper)!));
      });
      R.set(
        neuron,
        hasUpper ? value : this.graph.getNodeAttributes(neuron).tensor === this.model.output ? K.one : K.zero,
      );
    }
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

/** Expands one sample of a trace into its neuron-level graph (or a sub-circuit of it). */
export function expand(trace: Trace, options: ExpandOptions = {}): ExpandedCircuit {
  const model = trace.model;
  const n = options.sample ?? EXPAND_DEFAULTS.sample;
  const limit = options.limit ?? EXPAND_DEFAULTS.limit;
  const composite = options.composite ?? 'epsilon';
  const support =
    options.annotate === undefined ? undefined : resolveAnnotation(options.annotate, boolean, model);
  let edges = allEdges(trace, { ...options, composite }, n, support);
  const target =
    options.target === undefined ? argmaxPerSample(trace.activations.output)[n]! : options.target;
  if (target !== null) edges = cone(edges, model.output, target, 'down');
  if (options.input !== undefined) edges = cone(edges, model.input, options.input, 'up');
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
  return new ExpandedCircuit(model, graph);
}

/** Every edge of sample n (tokenised edges kept only where the support annotation is true). */
function allEdges(
  trace: Trace,
  options: ExpandOptions & { composite: string | Composite },
  n: number,
  support: Annotation<boolean> | undefined,
): RawEdge[] {
  const model = trace.model;
  const edges: RawEdge[] = [];
  for (const node of model.nodes) {
    const c = trace.coefficients(node, options);
    const sizes = node.inputs.map((t) => elements(model.shapes.get(t)!));
    const toLayer = layerIndexMap(model, node);
    const stats = c.tokenized ? support?.prepare?.(layerView(model, node, c, n, toLayer)) : undefined;
    c.forEachEdge(n, (j, k, d) => {
      let input = 0;
      let local = j;
      while (local >= sizes[input]!) local -= sizes[input++]!;
      const jl = c.tokenized ? toLayer(j) : local;
      if (jl < 0) return;
      const token = c.tokenized ? edgeToken(node.layer, jl, k) : null;
      if (
        token !== null &&
        support &&
        !support.map(d, { layer: node.layer, j: jl, k, token: () => token }, stats)
      )
        return;
      edges.push({
        node,
        from: node.inputs[input]!,
        fromIndex: local,
        to: node.output,
        toIndex: k,
        j: jl,
        k,
        d,
        token,
      });
    });
  }
  return edges;
}

/** The edges on paths reaching (down) or leaving (up) neuron (tensor, index). */
function cone(edges: RawEdge[], tensor: string, index: number, direction: 'down' | 'up'): RawEdge[] {
  const key = (t: string, i: number) => `${t}\u0000${i}`;
  const reached = new Set<string>([key(tensor, index)]);
  // Edges are in topological order of their nodes: one sweep from the right end suffices.
  const order = direction === 'down' ? [...edges].reverse() : edges;
  const kept: RawEdge[] = [];
  for (const e of order) {
    const near = direction === 'down' ? key(e.to, e.toIndex) : key(e.from, e.fromIndex);
    if (!reached.has(near)) continue;
    reached.add(direction === 'down' ? key(e.from, e.fromIndex) : key(e.to, e.toIndex));
    kept.push(e);
  }
  return direction === 'down' ? kept.reverse() : kept;
}
