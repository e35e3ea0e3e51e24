/**
 * Symbolic inspection of an expanded circuit: the ℕ[X] relevance polynomial of each input (after
 * predicting its size with the counting semiring under Θ ≡ 1, so that a polynomial too large to
 * build is refused before it is built), and the circuit as equations, one per neuron,
 * R[L,j] = Σ_k x[L',j,k] · R[L',k], in text and in LaTeX.
 */
import { type MimeBundle, withDisplay } from '../core/display.js';
import { LimitError } from '../core/errors.js';
import {
  counting,
  displayPolynomial,
  EXPANSION_DEFAULTS,
  type Polynomial,
  polynomialSemiring,
  tokenLatex,
} from '../semirings/index.js';
import type { ExpandedCircuit } from './expand.js';
import { neuronLatex, neuronText } from './neurons.js';

/** The number of monomials (paths, with multiplicity) of every neuron's ℕ[X] relevance. */
export function monomialCounts(expanded: ExpandedCircuit): Map<string, number> {
  return expanded.evaluate(counting, () => 1);
}

/**
 * The ℕ[X] relevance polynomial of every input neuron of the expanded circuit, keyed by its
 * name R[input,i]. Refuses with a `LimitError` giving the predicted number of monomials when one
 * would have more than `limit` (default 10^6).
 */
export function inputPolynomials(
  expanded: ExpandedCircuit,
  limit = EXPANSION_DEFAULTS.limit,
): Map<string, Polynomial> {
  const inputs = expanded.graph.filterNodes((_n, a) => a.tensor === expanded.model.input);
  const counts = monomialCounts(expanded);
  for (const name of inputs) {
    const predicted = counts.get(name) ?? 0;
    if (predicted > limit)
      throw new LimitError(
        `polynomial of ${name}`,
        predicted,
        limit,
        'restrict the sub-circuit (annotate with a threshold, choose one input) or raise the limit',
      );
  }
  const K = polynomialSemiring({ limit });
  const R = expanded.evaluate(K, (edge) => K.fromToken(edge.tokenId!));
  return new Map(inputs.map((name) => [name, displayPolynomial(R.get(name)!)]));
}

/** Options of `circuitEquations`. */
export interface EquationOptions {
  readonly format?: 'text' | 'latex';
}

/**
 * The circuit as equations, one per neuron that passes relevance down, from the top: the target
 * R[L,k] = 1, then R[L,j] = x[L',j,k] · R[L',k] + … (constant edges contribute R[L',k] alone).
 */
export function circuitEquations(
  expanded: ExpandedCircuit,
  { format = 'text' }: EquationOptions = {},
): string[] {
  const { graph } = expanded;
  const latex = format === 'latex';
  const name = (neuron: string): string => {
    const a = graph.getNodeAttributes(neuron);
    return latex ? neuronLatex(a.label, a.index) : neuronText(a.label, a.index);
  };
  const lines: string[] = [];
  for (const neuron of expanded.reverseTopological()) {
    const terms: [number, string][] = [];
    graph.forEachOutEdge(neuron, (_e, edge, _s, upper) => {
      const index = graph.getNodeAttribute(upper, 'index');
      const factor = edge.constant
        ? ''
        : `${latex ? tokenLatex(edge.tokenId!) : edge.token} ${latex ? '\\cdot' : '·'} `;
      terms.push([index, `${factor}${name(upper)}`]);
    });
    if (terms.length === 0) {
      if (graph.getNodeAttribute(neuron, 'tensor') === expanded.model.output)
        lines.push(`${name(neuron)} = 1`);
      continue;
    }
    terms.sort((a, b) => a[0] - b[0]);
    lines.push(`${name(neuron)} = ${terms.map((t) => t[1]).join(' + ')}`);
  }
  return withDisplay(lines, latex ? latexEquationsBundle : textEquationsBundle);
}

const textEquationsBundle = (lines: string[]): MimeBundle => ({ 'text/plain': lines.join('\n') });

/** LaTeX equations in notebooks: one aligned block, the equals signs under one another. */
const latexEquationsBundle = (lines: string[]): MimeBundle => ({
  'text/plain': lines.join('\n'),
  'text/latex': `$$\\begin{aligned}${lines.map((l) => l.replace(' = ', ' &= ')).join(' \\\\ ')}\\end{aligned}$$`,
});
