import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile, KERNELS } from '../../src/circuits/index.js';
import { loadMnist } from '../../src/nn/datasets/index.js';
import { layerNames } from '../../src/nn/layers.js';
import { loadShippedModel } from '../../src/nn/zoo/index.js';
import { boolean, counting, real, tropical, viterbi } from '../../src/semirings/index.js';
import { arbNetSpec, randomBatch, tinyNet } from '../support/random-nets.js';

/** Each kernel semiring with the annotations it is checked under. */
const CASES: [string, unknown, string[]][] = [
  ['real', real, ['identity', 'threshold:0']],
  ['boolean', boolean, ['threshold:1e-9', 'abs_threshold:0.05', 'quantile:0.7', 'top_k:3']],
  ['counting', counting, ['threshold:1e-9', 'abs_threshold:0.1', 'top_k:4']],
  ['viterbi', viterbi, ['viterbi', 'threshold:0']],
  ['tropical', tropical, ['neglog']],
];

const COMPOSITES = ['epsilon', 'epsilon_plus_flat', 'epsilon_gamma_box', 'epsilon_alpha2_beta1'];

describe('the semiring kernels', () => {
  it('exist for exactly the K-LRP set', () => {
    expect([...KERNELS.keys()].map((K) => K.name).sort()).toEqual([
      'boolean',
      'counting',
      'real',
      'tropical',
      'viterbi',
    ]);
  });

  for (const [name, K, annotations] of CASES)
    it(`${name} equals the generic gate-level evaluator on random nets`, () => {
      fc.assert(
        fc.property(
          arbNetSpec(),
          fc.constantFrom(...annotations),
          fc.constantFrom(...COMPOSITES),
          fc.constantFrom('winner', 'proportional', 'average') as fc.Arbitrary<
            'winner' | 'proportional' | 'average'
          >,
          (spec, annotate, composite, maxPool) => {
            const model = tinyNet(spec);
            const trace = compile(model).trace(randomBatch(model, 3, spec.seed + 9, 0, 1), 'float64');
            for (const layer of [undefined, layerNames(model)[1]!]) {
              const options = {
                semiring: K as never,
                annotate,
                composite,
                maxPool,
                ...(layer ? { layer } : {}),
              };
              const slow = trace.relevance({ ...options, evaluator: 'generic' as const });
              expect(slow.data).toBeUndefined();
              // The per-edge loop equals the gate-level evaluator exactly; the kernel's factored and
              // layer forms compute the same maths in another order: numbers agree within 1e-6
              // relative (ℝ within 1e-12), 0/1 flags and path counts exactly.
              for (const evaluator of ['per_edge', 'auto'] as const) {
                const fast = trace.relevance({ ...options, evaluator });
                expect(fast.shape).toEqual(slow.shape);
                expect(fast.data).toBeInstanceOf(Float64Array);
                if (name === 'real') {
                  const scale = Math.max(1e-12, ...slow.values.map((v) => Math.abs(v as number)));
                  for (const [i, v] of fast.values.entries())
                    expect(Math.abs((v as number) - (slow.values[i] as number))).toBeLessThanOrEqual(
                      1e-12 * scale,
                    );
                } else if (evaluator === 'auto' && name !== 'boolean' && name !== 'counting')
                  for (const [i, v] of fast.values.entries()) {
                    const a = v as number;
                    const b = slow.values[i] as number;
                    if (!Number.isFinite(a) || !Number.isFinite(b)) expect(a).toBe(b);
                    else
                      expect(Math.abs(a - b)).toBeLessThanOrEqual(
                        1e-6 * Math.max(Math.abs(a), Math.abs(b)) + 1e-12,
                      );
                  }
                else expect(fast.values).toEqual(slow.values);
              }
            }
          },
        ),
        { seed: 0x4e11 + name.length, numRuns: 40 },
      );
    });
});

describe('laziness', () => {
  const model = loadShippedModel('mlp');
  const images = loadMnist('test', { limit: 4 }).images;

  it('runs one forward pass and each layer’s statistics once per composite, for 10 classes × 5 semirings', () => {
    const trace = compile(model).trace(images);
    for (let target = 0; target < 10; target++)
      for (const semiring of ['real', 'boolean', 'counting', 'viterbi', 'tropical'])
        trace.relevance({ semiring, target });
    expect(trace.counters.forwardPasses).toBe(1);
    // ℝ takes epsilon_plus_flat by default and the other four epsilon: two composites.
    expect(trace.counters.statistics).toBe(2 * model.nodes.length);
    expect(trace.counters.evaluations).toBe(50);
    // Repeated requests come from the memo and compute nothing.
    const before = { ...trace.counters };
    const again = trace.relevance({ semiring: 'viterbi', target: 3 });
    expect(again).toBe(trace.relevance({ semiring: 'viterbi', target: 3 }));
    expect(trace.counters.memoHits).toBe(before.memoHits + 2);
    expect(trace.counters.evaluations).toBe(before.evaluations);
    expect(trace.counters.nodeSteps).toBe(before.nodeSteps);
  });

  it('computes only the layers above the one asked for', () => {
    const trace = compile(model).trace(images);
    // The model is flatten, dense, relu, dense, relu, dense; the last dense is layer '5'.
    trace.relevance({ semiring: 'boolean', layer: '4' });
    expect(trace.counters.statistics).toBe(1);
    expect(trace.counters.nodeSteps).toBe(1);
    trace.relevance({ semiring: 'boolean' });
    expect(trace.counters.statistics).toBe(model.nodes.length);
  });
});

describe('Boolean relevance on the shipped MNIST MLP', () => {
  it('marks only lit pixels, and at least half of the bright ones, for 100 test digits', () => {
    const model = loadShippedModel('mlp');
    const test = loadMnist('test', { limit: 100 });
    const r = compile(model)
      .trace(test.images)
      .relevance({ semiring: 'boolean', composite: 'epsilon', annotate: 'threshold:1e-9' });
    let bright = 0;
    let brightMarked = 0;
    r.values.forEach((marked, i) => {
      const x = test.images.data[i]!;
      if (marked) expect(x).toBeGreaterThan(0);
      if (x > 0.5) {
        bright++;
        if (marked) brightMarked++;
      }
    });
    expect(bright).toBeGreaterThan(5000);
    expect(brightMarked / bright).toBeGreaterThanOrEqual(0.5);
  });
});
