/**
 * The layer form of the Viterbi, tropical, 𝔹 and ℕ kernels (kernels/linear-kernel.ts) against
 * their plain twin, the per-edge kernel loop (`evaluator: 'per_edge'`, itself tied to the generic
 * evaluator in kernels.test.ts), on random conv nets (stride, padding, dilation, groups, pooling,
 * residual sums) and batches: Viterbi and tropical within 1e-6 relative, 𝔹 and ℕ identical.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/circuits/index.js';
import { Rng } from '../../src/core/rng.js';
import type { Model } from '../../src/nn/graph.js';
import { createModel } from '../../src/nn/model.js';
import { loadShippedModel } from '../../src/nn/zoo/index.js';
import { NetBuilder, randomBatch } from '../support/random-nets.js';

interface ConvNetSpec {
  readonly seed: number;
  readonly channels: number;
  readonly side: number;
  readonly kernel: number;
  readonly stride: number;
  readonly pad: number;
  readonly dilation: number;
  readonly grouped: boolean;
  readonly pool: 'max' | 'avg' | 'none';
  readonly residual: boolean;
}

const arbConvNet: fc.Arbitrary<ConvNetSpec> = fc.record({
  seed: fc.integer({ min: 0, max: 1 << 30 }),
  channels: fc.constantFrom(2, 4),
  side: fc.integer({ min: 6, max: 9 }),
  kernel: fc.integer({ min: 1, max: 3 }),
  stride: fc.integer({ min: 1, max: 2 }),
  pad: fc.integer({ min: 0, max: 2 }),
  dilation: fc.integer({ min: 1, max: 2 }),
  grouped: fc.boolean(),
  pool: fc.constantFrom('max', 'avg', 'none'),
  residual: fc.boolean(),
});

/** conv → relu → grouped conv (same size) [+ skip] → relu → pool → flatten → dense → relu → dense. */
function convNet(spec: ConvNetSpec): Model {
  const b = new NetBuilder(new Rng(spec.seed));
  const { channels: c, side, kernel: k, stride, pad, dilation } = spec;
  const first = b.relu(b.conv('t0', c, 4, k, { stride, pad, dilation }));
  const s1 = Math.floor((side + 2 * pad - dilation * (k - 1) - 1) / stride) + 1;
  const second = b.conv(first, 4, 4, 3, { pad: 1, group: spec.grouped ? 2 : 1 });
  const sum = b.relu(spec.residual ? b.add(second, first) : second);
  const pooled =
    spec.pool === 'none' || s1 < 2
      ? sum
      : spec.pool === 'max'
        ? b.maxPool(sum)
        : b.avgPool(sum, 2, 2, 0, true);
  const s2 = pooled === sum ? s1 : Math.floor(s1 / 2);
  const width = 4 * s2 * s2;
  const hidden = b.relu(b.dense(b.flatten(pooled), width, 6));
  return createModel({
    input: 't0',
    inputShape: [c, side, side],
    output: b.dense(hidden, 6, 3),
    nodes: b.nodes,
  });
}

const COMPOSITES = [
  'epsilon',
  'epsilon_plus',
  'epsilon_plus_flat',
  'epsilon_gamma_box',
  'epsilon_alpha2_beta1',
];

/** |a − b| ≤ 1e-6 · max(|a|, |b|), infinities equal; values within 1e-12 of 0 count as 0. */
function expectClose(fast: ArrayLike<number>, plain: ArrayLike<number>): void {
  expect(fast.length).toBe(plain.length);
  for (let i = 0; i < plain.length; i++) {
    const a = fast[i]!;
    const b = plain[i]!;
    if (!Number.isFinite(b) || !Number.isFinite(a)) {
      expect(a).toBe(b);
      continue;
    }
    expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-6 * Math.max(Math.abs(a), Math.abs(b)) + 1e-12);
  }
}

describe('the layer form of the semiring kernels', () => {
  for (const semiring of ['viterbi', 'tropical'])
    it(`${semiring} is within 1e-6 relative of the per-edge loop on random conv nets and batches`, () => {
      fc.assert(
        fc.property(arbConvNet, fc.constantFrom(...COMPOSITES), fc.boolean(), (spec, composite, f32) => {
          const model = convNet(spec);
          const x = randomBatch(model, 3, spec.seed + 1, composite === 'epsilon' ? -1 : 0, 1);
          const trace = compile(model).trace(x, f32 ? 'float32' : 'float64');
          const fast = trace.relevance({ semiring, composite }).data!;
          const plain = trace.relevance({ semiring, composite, evaluator: 'per_edge' }).data!;
          expectClose(fast, plain);
          // Not vacuous: some relevance reaches the input.
          const zero = semiring === 'viterbi' ? 0 : Number.POSITIVE_INFINITY;
          expect(plain.some((v) => v !== zero)).toBe(true);
        }),
        { seed: 0x51ab + semiring.length, numRuns: 60 },
      );
    });

  for (const semiring of ['boolean', 'counting'])
    it(`${semiring} is identical to the per-edge loop, thresholds on the coefficients included`, () => {
      let boundaryEdges = 0;
      fc.assert(
        fc.property(
          arbConvNet,
          fc.constantFrom('epsilon', 'epsilon_plus'),
          fc.boolean(),
          fc.boolean(),
          fc.nat(),
          (spec, composite, f32, absolute, pick) => {
            const model = convNet(spec);
            const trace = compile(model).trace(
              randomBatch(model, 2, spec.seed + 2, -1, 1),
              f32 ? 'float32' : 'float64',
            );
            // A threshold equal to one of the first conv's coefficients: the boundary case d = τ.
            const conv = model.nodes[0]!;
            const c = trace.coefficients(conv, { composite });
            const ds: number[] = [];
            c.forEachEdge(0, (_j, _k, d) => ds.push(d));
            const tau = ds[pick % ds.length]!;
            const t = absolute ? Math.abs(tau) : tau;
            for (const d of ds)
              if (Math.abs((absolute ? Math.abs(d) : d) - t) <= 1e-6 * Math.abs(t)) boundaryEdges++;
            const annotate = `${absolute ? 'abs_threshold' : 'threshold'}:${t}`;
            for (const a of [annotate, 'threshold:1e-9']) {
              const fast = trace.relevance({ semiring, composite, annotate: a }).data!;
              const plain = trace.relevance({ semiring, composite, annotate: a, evaluator: 'per_edge' })
                .data!;
              expect(Array.from(fast)).toEqual(Array.from(plain));
            }
          },
        ),
        { seed: 0xb001 + semiring.length, numRuns: 60 },
      );
      // The boundary was exercised: edges with d within 1e-6 relative of τ (at least the one τ
      // was taken from in each run), and they made no difference.
      expect(boundaryEdges).toBeGreaterThanOrEqual(60);
    });

  it('counting > 0 exactly where Boolean is 1 (the homomorphism), through the layer form', () => {
    fc.assert(
      fc.property(arbConvNet, (spec) => {
        const model = convNet(spec);
        const trace = compile(model).trace(randomBatch(model, 2, spec.seed + 3, 0, 1));
        const n = trace.relevance({ semiring: 'counting' }).data!;
        const bool = trace.relevance({ semiring: 'boolean' }).data!;
        expect(Array.from(n, (v) => (v > 0 ? 1 : 0))).toEqual(Array.from(bool));
      }),
      { seed: 0x40b, numRuns: 30 },
    );
  });

  it('knocked-out edges and neurons give the per-edge loop’s answer (their steps go edge by edge)', () => {
    fc.assert(
      fc.property(arbConvNet, fc.nat(), (spec, pick) => {
        const model = convNet(spec);
        const circuit = compile(model);
        const x = randomBatch(model, 2, spec.seed + 4, -1, 1);
        const conv = model.nodes[0]!;
        const c = circuit.trace(x).coefficients(conv);
        const edges: { layer: string; j: number; k: number }[] = [];
        c.forEachEdge(0, (j, k) => {
          if (edges.length < 40 && (j + k + pick) % 3 === 0) edges.push({ layer: conv.layer, j, k });
        });
        const cut = circuit.without({ edges, neurons: [{ layer: model.nodes[2]!.layer, index: pick % 4 }] });
        const trace = cut.trace(x);
        for (const semiring of ['boolean', 'counting', 'viterbi', 'tropical']) {
          const fast = trace.relevance({ semiring }).data!;
          const plain = trace.relevance({ semiring, evaluator: 'per_edge' }).data!;
          expectClose(fast, plain);
        }
      }),
      { seed: 0xc07, numRuns: 20 },
    );
  });

  it('counts each visited step once, whichever loop runs it', () => {
    const model = convNet({
      seed: 7,
      channels: 2,
      side: 7,
      kernel: 3,
      stride: 1,
      pad: 1,
      dilation: 1,
      grouped: true,
      pool: 'avg',
      residual: true,
    });
    const x = randomBatch(model, 2, 8, 0, 1);
    for (const composite of ['epsilon', 'epsilon_gamma_box'])
      for (const semiring of ['boolean', 'viterbi']) {
        const steps = (evaluator: 'auto' | 'per_edge') => {
          const trace = compile(model).trace(x);
          trace.relevance({ semiring, composite, evaluator });
          return trace.counters.nodeSteps;
        };
        expect(steps('auto')).toBe(steps('per_edge'));
      }
  });

  it('gives the per-edge answer on the shipped CNN and MLP at batch 4', async () => {
    const { loadMnist } = await import('../../src/nn/datasets/index.js');
    const { images } = loadMnist('test', { limit: 4 });
    for (const name of ['mlp', 'cnn'] as const) {
      const trace = compile(loadShippedModel(name)).trace(images);
      for (const semiring of ['boolean', 'counting', 'viterbi', 'tropical']) {
        const fast = trace.relevance({ semiring }).data!;
        const plain = trace.relevance({ semiring, evaluator: 'per_edge' }).data!;
        if (semiring === 'boolean' || semiring === 'counting')
          expect(Array.from(fast)).toEqual(Array.from(plain));
        else expectClose(fast, plain);
      }
    }
  });
});
