/**
 * The demo's hand-written annotated DAG: 3 inputs, 2 hidden neurons, 1 output. Each edge j → k
 * carries an abstract token x[<layer>,<j>,<k>] (DESIGN.md 1b) and a real coefficient d_jk, the
 * share of k's relevance that j receives. Evaluating the DAG backwards in a semiring K,
 * R_out = 1 and R_j = ⊕_k Θ(d_jk) ⊗ R_k, is K-LRP on the smallest network that still has two
 * paths from an input to the output.
 */
import { type PropagationVisitor, propagate, startPropagation } from '../../core/propagate.js';
import type { Semiring } from '../../semirings/index.js';

/** An edge of the DAG, from `from` (nearer the input) to `to` (nearer the output). */
export interface DagEdge {
  readonly from: string;
  readonly to: string;
  /** The layer the edge belongs to (0: input → hidden, 1: hidden → output). */
  readonly layer: number;
  /** The token's indices: j within the layer's inputs, k within its outputs. */
  readonly j: number;
  readonly k: number;
  /** The coefficient d_jk, hand-chosen. */
  readonly d: number;
}

/** The token of an edge, in DESIGN.md's text form. */
export const tokenOf = (e: DagEdge): string => `x[${e.layer},${e.j},${e.k}]`;

export const INPUTS = ['in0', 'in1', 'in2'] as const;
export const HIDDEN = ['h0', 'h1'] as const;
export const OUTPUT = 'out';

const edge = (layer: number, from: string, to: string, j: number, k: number, d: number): DagEdge => ({
  from,
  to,
  layer,
  j,
  k,
  d,
});

/** The edges, layer by layer. in2 reaches h1 only through a negative coefficient. */
export const EDGES: readonly DagEdge[] = [
  edge(0, 'in0', 'h0', 0, 0, 0.5),
  edge(0, 'in1', 'h0', 1, 0, 0.25),
  edge(0, 'in2', 'h0', 2, 0, 0.25),
  edge(0, 'in0', 'h1', 0, 1, 0.75),
  edge(0, 'in1', 'h1', 1, 1, 0.5),
  edge(0, 'in2', 'h1', 2, 1, -0.25),
  edge(1, 'h0', 'out', 0, 0, 0.625),
  edge(1, 'h1', 'out', 1, 0, 0.375),
];

/** The DAG as propagation steps: layer 0 reads the inputs and writes the hidden neurons, layer 1 the output. */
const STEPS = [
  { inputs: ['inputs'], output: 'hidden' },
  { inputs: ['hidden'], output: 'output' },
] as const;

/**
 * Relevance of every node in K, given the value Θ(e) of each edge: the propagation driver in
 * reverse topological order (output, hidden, inputs), R_j = ⊕ over j's outgoing edges of Θ(e) ⊗ R_to.
 */
export function evaluateDag<T>(K: Semiring<T>, theta: (e: DagEdge) => T): Map<string, T> {
  const visitor: PropagationVisitor<Map<string, T>> = {
    zero: () => new Map(),
    visit(layer, upper, [lower]) {
      for (const e of EDGES)
        if (e.layer === layer)
          lower!.set(
            e.from,
            K.plus(lower!.get(e.from) ?? K.zero, K.times(theta(e), upper.get(e.to) ?? K.zero)),
          );
    },
  };
  const state = startPropagation(STEPS, new Map([['output', new Map([[OUTPUT, K.one]])]]));
  propagate(STEPS, state, -1, 'inputs', visitor);
  const relevance = new Map<string, T>([[OUTPUT, K.one]]);
  for (const node of HIDDEN) relevance.set(node, state.relevance.get('hidden')?.get(node) ?? K.zero);
  for (const node of INPUTS) relevance.set(node, state.relevance.get('inputs')?.get(node) ?? K.zero);
  return relevance;
}

/** The circuit as equations, one per non-output node: R[j] = Σ_k x[l,j,k] · R[k]. */
export function dagEquations(): string[] {
  return [...HIDDEN, ...INPUTS].map((node) => {
    const terms = EDGES.filter((e) => e.from === node).map((e) => `${tokenOf(e)} · R[${e.to}]`);
    return `R[${node}] = ${terms.join(' + ')}`;
  });
}
