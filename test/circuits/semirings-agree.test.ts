import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Annotation, compile, resolveAnnotation } from '../../src/circuits/index.js';
import { argmaxPerSample, lrp } from '../../src/nn/lrp/index.js';
import {
  boolean,
  counting,
  countingExact,
  dual,
  dualNumber,
  evaluate,
  fuzzy,
  lukasiewicz,
  maxPlus,
  monomialOf,
  polynomial,
  polynomialOf,
  rational,
  real,
  SEMIRINGS,
  type Semiring,
  tropical,
  viterbi,
} from '../../src/semirings/index.js';
import { arbNetSpec, randomBatch, tinyNet } from '../support/random-nets.js';
import { enumeratePaths } from './paths.js';

const COMPOSITES = [
  'epsilon',
  'epsilon_plus',
  'epsilon_plus_flat',
  'epsilon_gamma_box',
  'epsilon_alpha2_beta1',
  'epsilon_alpha2_beta1_flat',
];

describe('ℝ with the identity annotation', () => {
  it('equals lrp() for every composite on random dense, conv, residual and padded-pool nets', () => {
    fc.assert(
      fc.property(arbNetSpec(), fc.constantFrom(...COMPOSITES), (spec, composite) => {
        const model = tinyNet(spec);
        const x = randomBatch(model, 2, spec.seed + 1, 0, 1);
        const r = compile(model).trace(x, 'float64').relevance({ composite, semiring: real });
        const expected = lrp(model, x, { composite, dtype: 'float64' });
        expect(r.shape).toEqual(expected.shape);
        const scale = Math.max(1e-12, ...Array.from(expected.data, Math.abs));
        for (const [i, v] of r.values.entries())
          expect(Math.abs(v - expected.data[i]!)).toBeLessThanOrEqual(1e-12 * scale);
      }),
      { seed: 0x5e11, numRuns: 60 },
    );
  });
});

/** Every commutative built-in with the annotation it is checked under. */
const COMMUTATIVE: [string, Semiring<unknown>, string | Annotation<unknown>][] = [
  ['real', real, 'identity'],
  ['rational', rational, 'identity'],
  ['boolean', boolean, 'threshold:1e-9'],
  ['counting', counting, 'threshold:1e-9'],
  ['counting_exact', countingExact, 'abs_threshold:0.05'],
  ['viterbi', viterbi, 'viterbi'],
  ['tropical', tropical, 'neglog'],
  ['max_plus', maxPlus, 'identity'],
  ['fuzzy', fuzzy, 'viterbi'],
  ['lukasiewicz', lukasiewicz, 'viterbi'],
  [
    'security',
    SEMIRINGS.security,
    { name: 'sign_level', map: (d: number) => (d > 0 ? 'public' : d < 0 ? 'secret' : 'unavailable') },
  ],
  [
    'dual',
    dual,
    {
      name: 'd_with_derivative',
      map: (d: number, edge: { k: number }) => dualNumber(d, edge.k === 0 ? 1 : 0),
    },
  ],
  ['polynomial', SEMIRINGS.polynomial, 'token'],
  ['bool_polynomial', SEMIRINGS.bool_polynomial, 'token'],
  ['why', SEMIRINGS.why, 'threshold:0'],
  ['posbool', SEMIRINGS.posbool, 'token'],
  ['lineage', SEMIRINGS.lineage, 'abs_threshold:0.1'],
  ['top_k', SEMIRINGS.top_k, 'viterbi'],
] as never;

describe('the generic evaluator', () => {
  it('covers every commutative semiring of the registry', () => {
    const names = Object.entries(SEMIRINGS)
      .filter(([, K]) => K.commutative)
      .map(([name]) => name)
      .sort();
    expect(COMMUTATIVE.map(([name]) => name).sort()).toEqual(names);
  });

  for (const [name, K, annotate] of COMMUTATIVE)
    it(`in ${name}, equals the ℕ[X] polynomial of the enumerated paths evaluated under Θ`, () => {
      fc.assert(
        fc.property(arbNetSpec(), (spec) => {
          const model = tinyNet(spec);
          const x = randomBatch(model, 1, spec.seed + 2, 0, 1);
          const trace = compile(model).trace(x, 'float64');
          const composite = 'epsilon';
          const target = argmaxPerSample(trace.activations.output)[0]!;
          const actual = trace.relevance({ semiring: K, annotate, composite, target, evaluator: 'generic' });
          // Θ of every token, from the annotation's own prepare/map on each layer's coefficients.
          const annotation = resolveAnnotation(annotate as never, K, model) as Annotation<unknown>;
          const valuation = new Map<number, unknown>();
          const paths = enumeratePaths(trace, composite, 0, target);
          const statsOf = new Map<string, unknown>();
          for (const node of model.nodes) {
            const c = trace.coefficients(node, { composite });
            if (!c.tokenized) continue;
            statsOf.set(
              node.layer,
              annotation.prepare?.({
                node,
                layer: node.layer,
                sample: 0,
                inputSize: c.inputSize,
                outputSize: c.outputSize,
                forEachEdge: (emit) => c.forEachEdge(0, emit),
              }),
            );
          }
          const monomials = paths.map((list) =>
            list.map((path) => {
              for (const e of path)
                if (e.token !== undefined && !valuation.has(e.token))
                  valuation.set(
                    e.token,
                    annotation.map(
                      e.d,
                      { layer: e.layer, j: e.j, k: e.k, token: () => e.token! },
                      statsOf.get(e.layer),
                    ),
                  );
              return monomialOf(path.filter((e) => e.token !== undefined).map((e) => [e.token!, 1] as const));
            }),
          );
          monomials.forEach((list, i) => {
            const p = polynomialOf(list.map((m) => [m, 1n] as const));
            const expected = evaluate(p, K, (t) => valuation.get(t) as never);
            const got = actual.values[i];
            const same =
              K.equals(got, expected) || (K.approxEquals?.(got, expected, [got, expected], 1e-9) ?? false);
            expect(same, `input ${i}: ${K.show(got)} vs ${K.show(expected)}`).toBe(true);
          });
        }),
        { seed: 0xa7d5, numRuns: name === 'polynomial' || name === 'top_k' ? 25 : 15 },
      );
    });
});

describe('homomorphisms between the relevances', () => {
  it('counting > 0 exactly where Boolean is true, under the same threshold', () => {
    fc.assert(
      fc.property(
        arbNetSpec(),
        fc.constantFrom('threshold:1e-9', 'abs_threshold:0.05', 'quantile:0.5', 'top_k:3'),
        (spec, annotate) => {
          const model = tinyNet(spec);
          const trace = compile(model).trace(randomBatch(model, 2, spec.seed, 0, 1), 'float64');
          const b = trace.relevance({ semiring: boolean, annotate });
          const c = trace.relevance({ semiring: counting, annotate });
          expect(c.values.map((v) => v > 0)).toEqual(b.values);
        },
      ),
      { seed: 0xc0, numRuns: 40 },
    );
  });

  it('Viterbi = exp(−tropical) in float64', () => {
    fc.assert(
      fc.property(arbNetSpec(), (spec) => {
        const model = tinyNet(spec);
        const trace = compile(model).trace(randomBatch(model, 2, spec.seed, 0, 1), 'float64');
        const v = trace.relevance({ semiring: viterbi });
        const t = trace.relevance({ semiring: tropical });
        for (const [i, cost] of t.values.entries()) expect(Math.exp(-cost)).toBeCloseTo(v.values[i]!, 12);
      }),
      { seed: 0x7e, numRuns: 40 },
    );
  });

  it('with threshold:1e-9, Boolean marks exactly the inputs with a path whose every coefficient is ≥ 1e-9', () => {
    fc.assert(
      fc.property(arbNetSpec(), (spec) => {
        const model = tinyNet(spec);
        const trace = compile(model).trace(randomBatch(model, 1, spec.seed, 0, 1), 'float64');
        const target = argmaxPerSample(trace.activations.output)[0]!;
        const marked = trace.relevance({ semiring: boolean, annotate: 'threshold:1e-9', target }).values;
        const paths = enumeratePaths(trace, 'epsilon', 0, target);
        const expected = paths.map((list) =>
          list.some((path) => path.every((e) => e.token === undefined || e.d >= 1e-9)),
        );
        expect(marked).toEqual(expected);
      }),
      { seed: 0xb001, numRuns: 60 },
    );
  });

  it('ℕ[X] relevance is the polynomial of the paths, and counting under Θ ≡ 1 counts them', () => {
    const model = tinyNet({ kind: 'dense', seed: 3, stride: 1, pad: 0, dilation: 1, countIncludePad: false });
    const trace = compile(model).trace(randomBatch(model, 1, 4, 0, 1), 'float64');
    const target = argmaxPerSample(trace.activations.output)[0]!;
    const P = trace.relevance({ semiring: polynomial, target });
    const all = trace.relevance({ semiring: counting, annotate: { name: 'one', map: () => 1 }, target });
    const paths = enumeratePaths(trace, 'epsilon', 0, target);
    paths.forEach((list, i) => {
      const p = P.values[i]!;
      expect(p.terms.reduce((s, t) => s + t.coefficient, 0n)).toBe(BigInt(list.length));
      expect(all.values[i]).toBe(list.length);
    });
  });
});
