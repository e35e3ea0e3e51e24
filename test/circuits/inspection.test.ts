import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bestPaths,
  compile,
  decodeCircuit,
  decodeTrace,
  encodeCircuit,
  encodeTrace,
  expand,
  inputPolynomials,
  monomialCounts,
  toDot,
  toGraphologyJson,
  topKPaths,
} from '../../src/circuits/index.js';
import { FormatError, LimitError } from '../../src/core/errors.js';
import { loadMnist } from '../../src/nn/datasets/index.js';
import { loadShippedModel } from '../../src/nn/zoo/index.js';
import { polynomial, real, viterbi } from '../../src/semirings/index.js';
import { randomBatch, tinyNet } from '../support/random-nets.js';

describe('symbolic inspection on the shipped MNIST MLP', () => {
  const model = loadShippedModel('mlp');
  const digit = loadMnist('test', { limit: 1 });
  const trace = compile(model).trace(digit.images);
  // A lit pixel whose relevant sub-circuit under threshold:0.01 is small enough to expand.
  const lit = [...digit.images.data.keys()].filter((i) => digit.images.data[i]! > 0.3);
  const pick = lit
    .map((input) => ({
      input,
      expanded: expand(trace, { annotate: 'threshold:0.01', input, limit: 20_000 }),
    }))
    .find(({ expanded }) => expanded.size > 3 && expanded.size < 5_000)!;

  it('expands a pixel’s relevant sub-circuit, and refuses one over the limit with its size', () => {
    expect(pick).toBeDefined();
    expect(() => expand(trace, { limit: 1000 })).toThrow(LimitError);
    expect(() => expand(trace, { limit: 1000 })).toThrow(/up to \d+ elements, over the limit of 1000/);
  });

  it('counting under Θ ≡ 1 on the sub-circuit equals the number of monomials of its ℕ[X] polynomial', () => {
    const name = `R[input,${pick.input}]`;
    const counted = monomialCounts(pick.expanded).get(name)!;
    const p = inputPolynomials(pick.expanded).get(name)!;
    expect(counted).toBeGreaterThan(0);
    expect(p.terms.length).toBe(counted);
    expect(p.terms.every((t) => t.coefficient === 1n)).toBe(true);
    expect(() => inputPolynomials(pick.expanded, counted - 1)).toThrow(LimitError);
  });

  it('refuses ℕ[X] relevance of the whole net before building it, naming the number of paths', () => {
    expect(() => trace.relevance({ semiring: 'polynomial' })).toThrow(LimitError);
    expect(() => trace.relevance({ semiring: 'why', limit: 10 })).toThrow(
      /relevance in why: result would have up to \d+ elements, over the limit of 10/,
    );
    // A small enough sub-circuit (the few paths whose every coefficient is ≥ 0.05) is built.
    const few = trace.relevance({ semiring: polynomial, annotate: 'threshold:0.05' });
    expect(few.values.some((p) => p.terms.length > 0)).toBe(true);
  });

  it('exports the relevant sub-circuit as DOT with exactly its edges, and as graphology JSON', () => {
    const dot = toDot(pick.expanded);
    expect(dot.split('\n').filter((line) => line.includes(' -> ')).length).toBe(pick.expanded.size);
    const json = toGraphologyJson(pick.expanded) as { edges: unknown[]; nodes: unknown[] };
    expect(json.edges.length).toBe(pick.expanded.size);
    expect(json.nodes.length).toBe(pick.expanded.graph.order);
  });

  it('finds every pixel’s best path, whose product of annotated coefficients is its Viterbi relevance', () => {
    const paths = bestPaths(trace, { composite: 'epsilon' });
    const vit = trace.relevance({ semiring: viterbi }).values;
    let checked = 0;
    for (const [i, v] of vit.entries()) {
      expect(paths.values[i]).toBeCloseTo(v, 14);
      const path = paths.path(i);
      if (v === 0) {
        expect(path).toBeUndefined();
        continue;
      }
      const product = path!.steps.reduce((p, s) => p * s.theta, 1);
      expect(product).toBeCloseTo(v, 14);
      expect(path!.steps[0]!.from).toBe(`R[input,${i}]`);
      expect(path!.steps.at(-1)!.to).toMatch(/^R\[5,\d\]$/);
      checked++;
    }
    expect(checked).toBeGreaterThan(50);
  });

  it('lists the top-k paths of a pixel, the best first and equal to its best path', () => {
    const paths = bestPaths(trace, { composite: 'epsilon' });
    const best = paths.path(pick.input)!;
    const top = topKPaths(trace, pick.input, 3, { limit: 400_000 });
    expect(top.length).toBe(3);
    expect(top[0]!.value).toBeCloseTo(best.value, 14);
    expect(top[0]!.tokens).toEqual(best.steps.filter((s) => s.token !== null).map((s) => s.token));
    expect(top[1]!.value).toBeLessThanOrEqual(top[0]!.value);
  });
});

describe('serialisation of circuits and traces', () => {
  const model = tinyNet({
    kind: 'residual',
    seed: 3,
    stride: 1,
    pad: 0,
    dilation: 1,
    countIncludePad: false,
  });
  const trace = compile(model).trace(randomBatch(model, 2, 7, 0, 1), 'float64');

  it('round-trips exactly, and a loaded trace gives identical relevances', () => {
    const circuit = decodeCircuit(encodeCircuit(compile(model)));
    expect(circuit.graph.export()).toEqual(compile(model).graph.export());
    const loaded = decodeTrace(encodeTrace(trace));
    expect(loaded.dtype).toBe('float64');
    for (const semiring of ['real', 'boolean', 'counting', 'viterbi', 'tropical', 'polynomial'])
      expect(loaded.relevance({ semiring }).values).toEqual(trace.relevance({ semiring }).values);
    expect(loaded.relevance({ semiring: real, composite: 'epsilon_gamma_box' }).values).toEqual(
      trace.relevance({ semiring: real, composite: 'epsilon_gamma_box' }).values,
    );
  });

  it('refuses random bytes, truncations and hostile documents with typed errors, polluting nothing', () => {
    const bytes = encodeTrace(trace);
    for (let cut = 0; cut < bytes.length; cut += Math.max(1, Math.floor(bytes.length / 200)))
      expect(() => decodeTrace(bytes.subarray(0, cut))).toThrow(FormatError);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (random) => {
        expect(() => decodeTrace(random)).toThrow(FormatError);
        expect(() => decodeCircuit(random)).toThrow(FormatError);
      }),
      { seed: 0x5e7, numRuns: 200 },
    );
    const key = new TextEncoder().encode('__proto__');
    const polluted = new TextEncoder().encode('polluted');
    const hostile = Uint8Array.from([
      0x81,
      0xa0 | key.length,
      ...key,
      0x81,
      0xa0 | polluted.length,
      ...polluted,
      0xc3,
    ]);
    expect(() => decodeTrace(hostile)).toThrow(FormatError);
    expect(() => decodeCircuit(hostile)).toThrow(FormatError);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
