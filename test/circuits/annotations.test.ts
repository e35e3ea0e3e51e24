import { describe, expect, it } from 'vitest';
import { compile, resolveAnnotation } from '../../src/circuits/index.js';
import { InvalidArgumentError } from '../../src/core/errors.js';
import type { Model } from '../../src/nn/graph.js';
import {
  boolean,
  counting,
  countingExact,
  dual,
  edgeToken,
  polynomial,
  real,
  SEMIRINGS,
  tokenName,
  viterbi,
} from '../../src/semirings/index.js';
import { randomBatch, tinyNet } from '../support/random-nets.js';

const model: Model = tinyNet({
  kind: 'dense',
  seed: 11,
  stride: 1,
  pad: 0,
  dilation: 1,
  countIncludePad: false,
});
const trace = compile(model).trace(randomBatch(model, 2, 5, 0, 1), 'float64');
const layerView = (layer: string, sample = 0) => {
  const node = model.nodes.find((n) => n.layer === layer)!;
  const c = trace.coefficients(node, { composite: 'epsilon' });
  const edges: [number, number, number][] = [];
  c.forEachEdge(sample, (j, k, d) => edges.push([j, k, d]));
  const view = {
    node,
    layer,
    sample,
    inputSize: c.inputSize,
    outputSize: c.outputSize,
    forEachEdge: (emit: (j: number, k: number, d: number) => void) => {
      for (const [j, k, d] of edges) emit(j, k, d);
    },
  };
  return { view, edges };
};
const edgeInfo = (layer: string, j: number, k: number) => ({ layer, j, k, token: () => 0 });

describe('built-in annotations', () => {
  it('viterbi normalises each column by its largest |d| into [0, 1], 1 at the maximum', () => {
    const { view, edges } = layerView('dense1');
    const a = resolveAnnotation('viterbi', viterbi, model);
    const stats = a.prepare!(view);
    for (let k = 0; k < view.outputSize; k++) {
      const column = edges.filter((e) => e[1] === k);
      const values = column.map(([j, kk, d]) => a.map(d, edgeInfo('dense1', j, kk), stats));
      expect(Math.max(...values)).toBe(1);
      for (const v of values) expect(v >= 0 && v <= 1).toBe(true);
      const max = Math.max(...column.map((e) => Math.abs(e[2])));
      for (const [i, [, , d]] of column.entries()) expect(values[i]).toBeCloseTo(Math.abs(d) / max, 15);
    }
  });

  it('viterbi gives 0 on an all-zero column and neglog +∞ there', () => {
    const view = {
      ...layerView('dense1').view,
      outputSize: 1,
      forEachEdge: (emit: (j: number, k: number, d: number) => void) => emit(0, 0, 0),
    };
    const v = resolveAnnotation('viterbi', viterbi, model);
    expect(v.map(0, edgeInfo('dense1', 0, 0), v.prepare!(view))).toBe(0);
    const t = resolveAnnotation('neglog', SEMIRINGS.tropical, model);
    expect(t.map(0, edgeInfo('dense1', 0, 0), t.prepare!(view))).toBe(Number.POSITIVE_INFINITY);
  });

  it('threshold is signed, abs_threshold is not; both lift to 1/0 or to tokens', () => {
    const t = resolveAnnotation('threshold:0.5', counting, model);
    const a = resolveAnnotation('abs_threshold:0.5', countingExact, model);
    const e = edgeInfo('dense1', 0, 0);
    expect([t.map(0.5, e, undefined), t.map(-0.7, e, undefined), t.map(0.49, e, undefined)]).toEqual([
      1, 0, 0,
    ]);
    expect([a.map(-0.7, e, undefined), a.map(0.2, e, undefined)]).toEqual([1n, 0n]);
    const p = resolveAnnotation('threshold:0.5', polynomial, model);
    const id = edgeToken('dense1', 1, 2);
    const token = { layer: 'dense1', j: 1, k: 2, token: () => id };
    expect(p.map(0.1, token, undefined)).toEqual(polynomial.zero);
    expect(polynomial.equals(p.map(0.9, token, undefined), polynomial.fromToken(id))).toBe(true);
  });

  it('quantile and top_k keep the largest coefficients of each layer', () => {
    const { view, edges } = layerView('dense3');
    const sorted = edges.map((e) => e[2]).sort((x, y) => y - x);
    const top = resolveAnnotation('top_k:2', boolean, model);
    const stats = top.prepare!(view);
    const kept = edges.filter(([j, k, d]) => top.map(d, edgeInfo('dense3', j, k), stats));
    expect(kept.map((e) => e[2]).sort((x, y) => y - x)).toEqual(sorted.slice(0, 2));
    const q = resolveAnnotation('quantile:0.5', boolean, model);
    const qs = q.prepare!(view);
    const keptQ = edges.filter(([j, k, d]) => q.map(d, edgeInfo('dense3', j, k), qs)).map((e) => e[2]);
    // Nearest rank: the ⌈Q·n⌉-th smallest coefficient is the threshold; ties at it are kept too.
    const ascending = [...sorted].reverse();
    const threshold = ascending[Math.ceil(0.5 * edges.length) - 1]!;
    expect(keptQ.sort((x, y) => y - x)).toEqual(sorted.filter((d) => d >= threshold));
    expect(keptQ.length).toBeGreaterThanOrEqual(Math.ceil(edges.length / 2));
  });

  it('per-layer thresholds use the layer value or the default', () => {
    const a = resolveAnnotation({ default: 10, layers: { dense3: -10 } }, boolean, model);
    expect(a.map(0, edgeInfo('dense3', 0, 0), a.prepare!(layerView('dense3').view))).toBe(true);
    expect(a.map(0, edgeInfo('dense1', 0, 0), a.prepare!(layerView('dense1').view))).toBe(false);
    const noDefault = resolveAnnotation({ layers: { dense3: 0 } }, boolean, model);
    expect(() => noDefault.prepare!(layerView('dense1').view)).toThrow(/no threshold for layer "dense1"/);
  });

  it('the report tables cover VGG-16 layers only, and say so', () => {
    const a = resolveAnnotation('report_boolean', boolean, model);
    expect(() => a.prepare!(layerView('dense1').view)).toThrow(/VGG-16 layers/);
  });
});

describe('annotation typing and defaults', () => {
  it('refuses ill-typed lifts with a hint', () => {
    expect(() => resolveAnnotation('identity', boolean, model)).toThrow(InvalidArgumentError);
    expect(() => resolveAnnotation('identity', boolean, model)).toThrow(/use an indicator annotation/);
    expect(() => resolveAnnotation('token', real, model)).toThrow(/tokens/);
    expect(() => resolveAnnotation('nope', real, model)).toThrow(/unknown annotation "nope"/);
    expect(() => resolveAnnotation('threshold:abc', boolean, model)).toThrow(/needs one number/);
    expect(() => resolveAnnotation('viterbi:3', viterbi, model)).toThrow(/takes no parameter/);
  });

  it('gives the defaults of DESIGN.md and refuses to guess for the others', () => {
    expect(resolveAnnotation(undefined, real, model).name).toBe('identity');
    expect(resolveAnnotation(undefined, boolean, model).name).toBe('threshold:1e-9');
    expect(resolveAnnotation(undefined, counting, model).name).toBe('threshold:1e-9');
    expect(resolveAnnotation(undefined, viterbi, model).name).toBe('viterbi');
    expect(resolveAnnotation(undefined, SEMIRINGS.tropical, model).name).toBe('neglog');
    expect(resolveAnnotation(undefined, polynomial, model).name).toBe('token');
    for (const K of [countingExact, dual, SEMIRINGS.fuzzy, SEMIRINGS.rational, SEMIRINGS.security])
      expect(() => resolveAnnotation(undefined, K as never, model)).toThrow(/has no default annotation/);
  });

  it('names tokens x[layer, j, k] after the layer input and output elements', () => {
    const r = trace.relevance({ semiring: polynomial, target: 0 });
    const names = new Set(
      r.values.flatMap((p) => p.terms.flatMap((t) => t.monomial.tokens.map((tok) => tokenName(tok)))),
    );
    expect([...names].every((n) => /^x\[dense[135],\d+,\d+\]$/.test(n))).toBe(true);
    expect([...names].some((n) => n.startsWith('x[dense5,') && n.endsWith(',0]'))).toBe(true);
  });
});
