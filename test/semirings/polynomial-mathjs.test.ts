import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/circuits/index.js';
import { FormulaError, loadMathjs, mathjs } from '../../src/core/index.js';
import { linear, relu, sequential } from '../../src/nn/index.js';
import {
  edgeToken,
  evaluate,
  evaluateWithMathjs,
  type Polynomial,
  polynomial,
  polynomialEquals,
  polynomialLatex,
  polynomialLatexWithMathjs,
  polynomialOf,
  polynomials,
  real,
  symbolToken,
  type Token,
  tokenInfo,
  tokenSymbol,
  variable,
} from '../../src/semirings/index.js';

const SEED = 0x5eed;
const K = polynomial;
const show = (p: Polynomial) => K.show(p);

beforeAll(async () => {
  await loadMathjs();
});

describe('polynomials as mathjs expressions', () => {
  it('round-trip through the tree and through its text: fromMathjs(toMathjs(p)) is p', () => {
    fc.assert(
      fc.property(polynomials(), (p) => {
        const node = K.toMathjs(p);
        expect(show(K.fromMathjs(node))).toBe(show(p));
        expect(polynomialEquals(K.fromMathjs(node.toString()), p)).toBe(true);
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('give every token its own symbol, whatever its layer or variable name', () => {
    const tokens: Token[] = [
      edgeToken('features.0', 3, 7),
      edgeToken('a_b', 0, 1),
      edgeToken('a', 0, 1),
      edgeToken('block/conv-1', 12, 0),
      edgeToken('x_1', 2, 3),
      variable('x'),
      variable('e'),
      variable('pi'),
      variable("x'"),
      variable('w_2'),
    ];
    const symbols = tokens.map(tokenSymbol);
    expect(new Set(symbols).size).toBe(tokens.length);
    expect(symbols.slice(0, 2)).toEqual(['x_features_d0_3_7', 'x_a_ub_0_1']);
    for (const [i, s] of symbols.entries()) {
      expect(mathjs().parse(s).type).toBe('SymbolNode');
      expect(symbolToken(s)).toBe(tokens[i]);
    }
  });

  it('read factored forms by evaluating them in ℕ[X]: (x + y)^2 = x^2 + 2xy + y^2', () => {
    const p = K.fromMathjs('(x + y)^2 * 3');
    expect(show(p)).toBe('3·x^2 + 6·x·y + 3·y^2');
    expect(show(K.fromMathjs('0 * x + 1'))).toBe('1');
  });

  it('refuse what is not in ℕ[X], with a FormulaError', () => {
    for (const text of ['x - y', 'x / 2', '2.5 * x', 'x ^ y', 'sqrt(x)', '-x', 'x_1_2'])
      expect(() => K.fromMathjs(text), text).toThrow(FormulaError);
  });

  it('evaluate through mathjs as the project evaluates them', () => {
    fc.assert(
      fc.property(
        polynomials(),
        fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 6, maxLength: 6 }),
        (p, values) => {
          const byToken = new Map<Token, number>();
          const valuation = (t: Token) => {
            if (!byToken.has(t)) byToken.set(t, values[byToken.size % values.length]!);
            return byToken.get(t)!;
          };
          const own = evaluate(p, real, valuation);
          const viaMathjs = evaluateWithMathjs(p, valuation);
          const scale = p.terms.reduce((s, t) => s + Number(t.coefficient) * 2 ** t.monomial.degree, 1);
          expect(Math.abs(own - viaMathjs)).toBeLessThanOrEqual(1e-12 * scale);
        },
      ),
      { seed: SEED, numRuns: 200 },
    );
  });

  it("agree with mathjs's LaTeX up to formatting (\\cdot, spaces and braces)", () => {
    const normal = (tex: string) => tex.replace(/\\cdot|\s|[{}]/g, '');
    fc.assert(
      fc.property(polynomials(), (p) => {
        expect(normal(polynomialLatexWithMathjs(p))).toBe(normal(polynomialLatex(p)));
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
});

describe('derivative', () => {
  it('equals mathjs derivative, read back into ℕ[X]', () => {
    const { derivative } = mathjs();
    // mathjs differentiates in floating point, so coefficients stay below 2^53 here.
    const small = polynomials().map((p) =>
      polynomialOf(p.terms.map((t) => [t.monomial, (t.coefficient % 1000n) + 1n])),
    );
    fc.assert(
      fc.property(small, fc.constantFrom(variable('x'), edgeToken('fc1', 0, 1)), (p, x) => {
        const theirs = derivative(K.toMathjs(p), tokenSymbol(x));
        expect(show(K.fromMathjs(theirs))).toBe(show(K.derivative(p, x)));
      }),
      { seed: SEED, numRuns: 100 },
    );
  });

  // A 2-3-2 net: every path j → target crosses one fc1 edge and one fc2 edge.
  const net = sequential([2], [linear(2, 3), relu(), linear(3, 2)], {
    names: ['fc1', 'act', 'fc2'],
    seed: 3,
  });
  const trace = compile(net).trace({ shape: [1, 2], data: Float32Array.from([0.6, 0.9]) }, 'float64');
  const target = 1;
  const R = trace.relevance({ semiring: K, composite: 'epsilon', annotate: 'token', target });

  it('of R_j by an edge token is the sum over the paths through that edge of the other tokens', () => {
    // The paths j → target by enumeration: (fc1 j→k, fc2 k→target) for every hidden unit k whose
    // edges are in R_j's support.
    const support = new Set(R.values.flatMap((p) => p.terms.flatMap((t) => t.monomial.tokens)));
    for (let j = 0; j < 2; j++) {
      const paths: Token[][] = [];
      for (let k = 0; k < 3; k++) {
        const path = [edgeToken('fc1', j, k), edgeToken('fc2', k, target)];
        if (path.every((t) => support.has(t))) paths.push(path);
      }
      expect(paths.length).toBeGreaterThan(0);
      for (const e of support) {
        const through = paths.filter((path) => path.includes(e));
        const expected = through.reduce(
          (sum, path) =>
            K.plus(
              sum,
              path.filter((t) => t !== e).reduce((p, t) => K.times(p, K.fromToken(t)), K.one),
            ),
          K.zero,
        );
        expect(show(K.derivative(R.values[j]!, e)), `∂R_${j}/∂${tokenSymbol(e)}`).toBe(show(expected));
      }
    }
  });

  it('carries all of R_j through each layer: Σ_e x_e ∂R_j/∂x_e over one layer is R_j, also in ℝ', () => {
    const realR = trace.relevance({ semiring: real, composite: 'epsilon', annotate: 'identity', target });
    const d = new Map<Token, number>();
    for (const node of net.nodes.filter((n) => n.op === 'dense')) {
      trace.coefficients(node, { composite: 'epsilon' }).forEachEdge(0, (j, k, v) => {
        d.set(edgeToken(node.layer, j, k), v);
      });
    }
    for (let j = 0; j < 2; j++) {
      const Rj = R.values[j]!;
      const tokens = [...new Set(Rj.terms.flatMap((t) => t.monomial.tokens))];
      for (const layer of ['fc1', 'fc2']) {
        const inLayer = tokens.filter((t) => (tokenInfo(t) as { layer: string }).layer === layer);
        const carried = inLayer.reduce(
          (sum, e) => K.plus(sum, K.times(K.fromToken(e), K.derivative(Rj, e))),
          K.zero,
        );
        expect(show(carried)).toBe(show(Rj));
        // In ℝ: the relevance through each edge, ν(x_e)·ν(∂R_j/∂x_e), adds up to real LRP's R_j.
        const throughEdges = inLayer.reduce(
          (sum, e) => sum + d.get(e)! * evaluate(K.derivative(Rj, e), real, (t) => d.get(t)!),
          0,
        );
        expect(throughEdges).toBeCloseTo(realR.values[j]!, 12);
      }
    }
  });
});
