import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { compile, resolveAnnotation } from '../../src/circuits/index.js';
import { FormulaError, InvalidArgumentError, loadMathjs } from '../../src/core/index.js';
import { linear, loadMnist, loadShippedModel, sequential } from '../../src/nn/index.js';
import { boolean, polynomial, real } from '../../src/semirings/index.js';
import { arbNetSpec, randomBatch, tinyNet } from '../support/random-nets.js';

beforeAll(async () => {
  await loadMathjs();
});

const { images } = loadMnist('test', { limit: 3 });
const shipped = (['mlp', 'cnn'] as const).map(
  (name) => [name, compile(loadShippedModel(name)).trace(images)] as const,
);

const maxDifference = (a: readonly unknown[], b: readonly unknown[]) =>
  a.reduce<number>((m, v, i) => Math.max(m, Math.abs((v as number) - (b[i] as number))), 0);

describe('formula annotations on the shipped models', () => {
  for (const [name, trace] of shipped) {
    it(`${name}: expr:d >= 1e-9 in 𝔹 is threshold:1e-9, value for value`, () => {
      const built = trace.relevance({ semiring: 'boolean', annotate: 'threshold:1e-9' });
      const formula = trace.relevance({ semiring: 'boolean', annotate: 'expr:d >= 1e-9' });
      expect(formula.shape).toEqual(built.shape);
      expect(formula.values).toEqual(built.values);
      expect(built.values.some(Boolean)).toBe(true);
      expect(built.values.every(Boolean)).toBe(false);
    });
  }

  it('mlp: expr:abs(d) / colmax in Viterbi is the viterbi annotation within 1e-12', () => {
    const trace = shipped[0]![1];
    const built = trace.relevance({ semiring: 'viterbi', annotate: 'viterbi' });
    const formula = trace.relevance({ semiring: 'viterbi', annotate: { formula: 'abs(d) / colmax' } });
    expect(formula.shape).toEqual(built.shape);
    expect(maxDifference(formula.values, built.values)).toBeLessThanOrEqual(1e-12);
    expect(Math.max(...(built.values as number[]))).toBeGreaterThan(0);
  });

  it('cnn: all-zero columns (blank background) make abs(d) / colmax 0 / 0, a FormulaError naming the edge', () => {
    const trace = shipped[1]![1];
    expect(() => trace.relevance({ semiring: 'viterbi', annotate: 'expr:abs(d) / colmax' })).toThrow(
      FormulaError,
    );
    expect(() => trace.relevance({ semiring: 'viterbi', annotate: 'expr:abs(d) / colmax' })).toThrow(
      /gives NaN on the edge \(layer \S+, j \d+, k \d+\) with d = 0/,
    );
    const built = trace.relevance({ semiring: 'viterbi', annotate: 'viterbi' });
    const guarded = trace.relevance({
      semiring: 'viterbi',
      annotate: 'expr:colmax > 0 ? abs(d) / colmax : 0',
    });
    expect(maxDifference(guarded.values, built.values)).toBeLessThanOrEqual(1e-12);
  });
});

describe('formula annotations on random nets', () => {
  it('equal the built-in annotations they restate, in every semiring that takes them', () => {
    fc.assert(
      fc.property(
        arbNetSpec(),
        fc.integer({ min: 0, max: 1000 }),
        fc.double({ min: -0.5, max: 0.5, noNaN: true }),
        (spec, seed, t) => {
          const net = tinyNet(spec);
          const tr = compile(net).trace(randomBatch(net, 2, seed), 'float64');
          const pairs: [string, string, string][] = [
            ['boolean', `threshold:${t}`, `expr:d >= ${t}`],
            ['counting', `abs_threshold:${t}`, `expr:abs(d) >= ${t}`],
            ['viterbi', 'viterbi', 'expr:colmax > 0 ? min(1, abs(d) / colmax) : 0'],
            ['tropical', 'neglog', 'expr:colmax > 0 and d != 0 ? -log(min(1, abs(d) / colmax)) : 1e308'],
            ['real', 'identity', 'expr:d'],
          ];
          for (const [semiring, built, formula] of pairs) {
            // The built-in one through the per-edge loop, as the formula runs (the layer forms
            // are tied to that loop in layer-kernels.test.ts).
            const a = tr.relevance({
              semiring,
              annotate: built,
              composite: 'epsilon',
              ...(semiring === 'real' ? {} : { evaluator: 'per_edge' as const }),
            });
            const b = tr.relevance({ semiring, annotate: formula, composite: 'epsilon' });
            if (semiring === 'tropical' || semiring === 'real')
              // ℝ's identity takes the factored form (rounding differs); tropical's +∞ (no path) is a
              // cost of 1e308 or more from the formula, which must give finite numbers.
              a.values.forEach((v, i) => {
                if (Number.isFinite(v)) expect(b.values[i]).toBeCloseTo(v as number, 12);
                else expect(b.values[i] as number).toBeGreaterThan(1e300);
              });
            else expect(b.values, `${semiring} ${formula}`).toEqual(a.values);
          }
        },
      ),
      { seed: 0x5eed, numRuns: 40 },
    );
  });
});

describe('formula annotations', () => {
  const model = tinyNet({ kind: 'dense', seed: 11, stride: 1, pad: 0, dilation: 1, countIncludePad: false });
  const trace = compile(model).trace(randomBatch(model, 2, 5, 0, 1), 'float64');
  const layers = [...new Set(model.nodes.filter((n) => n.op === 'dense').map((n) => n.layer))];

  it('read the layer name, j, k, colsum and z as the layer view gives them', () => {
    const node = model.nodes.find((n) => n.layer === layers[0])!;
    const c = trace.coefficients(node, { composite: 'epsilon' });
    const z = trace.activations.outputOf(node).data;
    const annotation = resolveAnnotation({ formula: '1000 * j + k + colsum + z' }, real, model);
    const view = {
      node,
      layer: node.layer,
      sample: 1,
      inputSize: c.inputSize,
      outputSize: c.outputSize,
      z: z.subarray(c.outputSize, 2 * c.outputSize),
      forEachEdge: (emit: (j: number, k: number, d: number) => void) => c.forEachEdge(1, emit),
    };
    const stats = annotation.prepare!(view);
    const colsum = new Float64Array(c.outputSize);
    c.forEachEdge(1, (_j, k, d) => {
      colsum[k] = colsum[k]! + d;
    });
    c.forEachEdge(1, (j, k, d) => {
      const v = annotation.map(d, { layer: node.layer, j, k, token: () => 0 }, stats);
      expect(v).toBe(1000 * j + k + colsum[k]! + z[c.outputSize + k]!);
    });
  });

  it('choose by layer name, as in layer == "…" ? d > 0.01 : d > 0', () => {
    const byLayer = trace.relevance({
      semiring: 'boolean',
      annotate: `expr:layer == "${layers[0]}" ? d > 0.01 : d > 0`,
    });
    const perLayer = trace.relevance({
      semiring: 'boolean',
      annotate: { default: Number.MIN_VALUE, layers: { [layers[0]!]: 0.01 * (1 + 2 ** -52) } },
    });
    // d > 0.01 is d ≥ the next double above 0.01, and d > 0 is d ≥ the smallest positive double.
    expect(byLayer.values).toEqual(perLayer.values);
  });

  it('give tokens in provenance semirings: an indicator formula is the threshold polynomial', () => {
    const formula = trace.relevance({ semiring: polynomial, annotate: 'expr:d >= 0.001', target: 0 });
    const built = trace.relevance({ semiring: polynomial, annotate: 'threshold:0.001', target: 0 });
    expect(formula.values.map((p) => polynomial.show(p))).toEqual(
      built.values.map((p) => polynomial.show(p)),
    );
    expect(formula.values.some((p) => p.terms.length > 0)).toBe(true);
    expect(polynomial.show(formula.values.find((p) => p.terms.length > 0)!)).toMatch(/^x\[/);
  });

  it('refuse a numeric formula where the semiring holds no numbers, as the built-in ones do', () => {
    expect(() => trace.relevance({ semiring: boolean, annotate: 'expr:abs(d)' })).toThrow(
      InvalidArgumentError,
    );
    expect(() => trace.relevance({ semiring: boolean, annotate: 'expr:abs(d)' })).toThrow(/indicator/);
  });

  it('are refused before any work when they do not compile', () => {
    const before = trace.counters.statistics;
    expect(() =>
      trace.relevance({ semiring: 'viterbi', composite: 'epsilon_plus', annotate: 'expr:import(1)' }),
    ).toThrow(FormulaError);
    expect(trace.counters.statistics).toBe(before);
  });

  it('stop the run with a FormulaError when a value overflows (d ^ 1e308), never a non-finite output', () => {
    // z = 3·1 − 1·1 = 2, so the first edge's coefficient is 3 / 2 and 1.5 ^ 1e308 overflows.
    const net = sequential([2], [linear(2, 1, { weight: [3, -1], bias: false })]);
    const t = compile(net).trace({ shape: [1, 2], data: Float32Array.from([1, 1]) }, 'float64');
    expect(() => t.relevance({ semiring: real, composite: 'epsilon', annotate: 'expr:d ^ 1e308' })).toThrow(
      FormulaError,
    );
    expect(() => t.relevance({ semiring: real, composite: 'epsilon', annotate: 'expr:d ^ 1e308' })).toThrow(
      /gives Infinity/,
    );
    const fine = t.relevance({ semiring: real, composite: 'epsilon', annotate: 'expr:d ^ 2' });
    // d = (3, −1) / stab(2) with ε = 1e-6, squared.
    expect(fine.values[0]).toBeCloseTo(2.25, 5);
    expect(fine.values[1]).toBeCloseTo(0.25, 5);
  });
});
