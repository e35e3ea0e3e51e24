import { describe, expect, it } from 'vitest';
import {
  type Annotation,
  circuitEquations,
  compile,
  type ExpandedCircuit,
  expand,
  inputPolynomials,
  layerView,
  resolveAnnotation,
} from '../../src/circuits/index.js';
import { workedExampleInput, workedExampleNet } from '../../src/cli/demo/tiny-net.js';
import {
  boolean,
  counting,
  evaluate,
  polynomialLatex,
  polynomialText,
  real,
  type Semiring,
  viterbi,
} from '../../src/semirings/index.js';

/** The demo's worked example: fc1 gives z = (4, −1, 3, 2), so hidden unit 1 is off; logits (9, 3). */
const model = workedExampleNet();
const trace = compile(model).trace(workedExampleInput(), 'float64');

describe('a worked example: the 3-4-2 network', () => {
  const expanded = expand(trace, { composite: 'epsilon' });

  it('computes the logits we expect, so the target is class 0', () => {
    expect([...trace.activations.output.data]).toEqual([9, 3]);
    expect(expanded.size).toBe(12 + 4 + 4);
  });

  it('gives each input the ℕ[X] polynomial of its paths, in text and LaTeX', () => {
    const P = inputPolynomials(expanded);
    expect([...P.keys()]).toEqual(['R[input,0]', 'R[input,1]', 'R[input,2]']);
    expect(polynomialText(P.get('R[input,0]')!)).toBe(
      'x[fc1,0,0]·x[fc2,0,0] + x[fc1,0,1]·x[fc2,1,0] + x[fc1,0,2]·x[fc2,2,0] + x[fc1,0,3]·x[fc2,3,0]',
    );
    expect(polynomialText(P.get('R[input,2]')!)).toBe(
      'x[fc1,2,0]·x[fc2,0,0] + x[fc1,2,1]·x[fc2,1,0] + x[fc1,2,2]·x[fc2,2,0] + x[fc1,2,3]·x[fc2,3,0]',
    );
    expect(polynomialLatex(P.get('R[input,1]')!)).toBe(
      'x^{(fc1)}_{1,0} x^{(fc2)}_{0,0} + x^{(fc1)}_{1,1} x^{(fc2)}_{1,0} + ' +
        'x^{(fc1)}_{1,2} x^{(fc2)}_{2,0} + x^{(fc1)}_{1,3} x^{(fc2)}_{3,0}',
    );
  });

  it('writes the circuit as equations, one per neuron, in text and LaTeX', () => {
    expect(circuitEquations(expanded)).toEqual([
      'R[fc2,0] = 1',
      'R[relu,0] = x[fc2,0,0] · R[fc2,0]',
      'R[relu,1] = x[fc2,1,0] · R[fc2,0]',
      'R[relu,2] = x[fc2,2,0] · R[fc2,0]',
      'R[relu,3] = x[fc2,3,0] · R[fc2,0]',
      'R[fc1,0] = R[relu,0]',
      'R[fc1,1] = R[relu,1]',
      'R[fc1,2] = R[relu,2]',
      'R[fc1,3] = R[relu,3]',
      'R[input,0] = x[fc1,0,0] · R[fc1,0] + x[fc1,0,1] · R[fc1,1] + x[fc1,0,2] · R[fc1,2] + x[fc1,0,3] · R[fc1,3]',
      'R[input,1] = x[fc1,1,0] · R[fc1,0] + x[fc1,1,1] · R[fc1,1] + x[fc1,1,2] · R[fc1,2] + x[fc1,1,3] · R[fc1,3]',
      'R[input,2] = x[fc1,2,0] · R[fc1,0] + x[fc1,2,1] · R[fc1,1] + x[fc1,2,2] · R[fc1,2] + x[fc1,2,3] · R[fc1,3]',
    ]);
    const latex = circuitEquations(expanded, { format: 'latex' });
    expect(latex[0]).toBe('R^{(fc2)}_{0} = 1');
    expect(latex[1]).toBe('R^{(relu)}_{0} = x^{(fc2)}_{0,0} \\cdot R^{(fc2)}_{0}');
    expect(latex[5]).toBe('R^{(fc1)}_{0} = R^{(relu)}_{0}');
    expect(latex[9]).toBe(
      'R^{(input)}_{0} = x^{(fc1)}_{0,0} \\cdot R^{(fc1)}_{0} + x^{(fc1)}_{0,1} \\cdot R^{(fc1)}_{1} + ' +
        'x^{(fc1)}_{0,2} \\cdot R^{(fc1)}_{2} + x^{(fc1)}_{0,3} \\cdot R^{(fc1)}_{3}',
    );
  });

  for (const [name, K, annotate] of [
    ['ℝ', real, 'identity'],
    ['𝔹', boolean, 'threshold:1e-9'],
    ['ℕ', counting, 'threshold:1e-9'],
    ['Viterbi', viterbi, 'viterbi'],
  ] as [string, Semiring<unknown>, string][])
    it(`evaluates its polynomials under Θ to the ${name} relevance`, () => {
      const P = inputPolynomials(expanded);
      const valuation = tokenValuation(expanded, K, annotate);
      const relevance = trace.relevance({ semiring: K, annotate, composite: 'epsilon', target: 0 });
      [...P.values()].forEach((p, i) => {
        const v = evaluate(p, K, (t) => valuation.get(t)!);
        const same =
          K.equals(v, relevance.values[i]) || (K.approxEquals?.(v, relevance.values[i], [v], 1e-12) ?? false);
        expect(same, `input ${i}: ${K.show(v)} vs ${K.show(relevance.values[i])}`).toBe(true);
      });
    });

  it('has the relevances the coefficients give by hand', () => {
    // ε-rule, ε = 1e-6: d(fc2: j→0) = a_j w_j0 / (9 + ε); d(fc1: i→j) = x_i w_ji / (z_j + ε).
    const R = trace.relevance({ semiring: real, composite: 'epsilon', target: 0 }).values;
    const eps = 1e-6;
    const top = [4 / (9 + eps), 0, 3 / (9 + eps), 2 / (9 + eps)].map((v, j) => v * [1, 1, 1, 1][j]!);
    const W1 = [
      [1, 1, 1],
      [1, -1, 0],
      [0, 1, 1],
      [2, 0, 0],
    ];
    const z = [4, -1, 3, 2];
    const x = [1, 2, 1];
    const expected = x.map((xi, i) =>
      top.reduce((sum, r, j) => (z[j]! > 0 ? sum + ((xi * W1[j]![i]!) / (z[j]! + eps)) * r : sum), 0),
    );
    for (const [i, r] of R.entries()) expect(r).toBeCloseTo(expected[i]!, 12);
  });
});

/** Θ of every token of the expanded circuit, from the annotation's prepare and map per layer. */
function tokenValuation<T>(expanded: ExpandedCircuit, K: Semiring<T>, annotate: string): Map<number, T> {
  const annotation = resolveAnnotation(annotate, K, model) as Annotation<T>;
  const stats = new Map<string, unknown>();
  const valuation = new Map<number, T>();
  expanded.graph.forEachEdge((_e, a) => {
    if (a.constant) return;
    if (!stats.has(a.node)) {
      const node = model.nodes.find((n) => n.name === a.node)!;
      stats.set(
        a.node,
        annotation.prepare?.(layerView(model, node, trace.coefficients(node, { composite: 'epsilon' }), 0)),
      );
    }
    valuation.set(
      a.tokenId!,
      annotation.map(a.d, { layer: a.layer, j: a.j, k: a.k, token: () => a.tokenId! }, stats.get(a.node)),
    );
  });
  return valuation;
}
