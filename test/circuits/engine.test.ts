/**
 * One engine: `lrp()` and the circuit's real relevance are the same computation, the CLI has one
 * path, knock-outs are circuits that evaluate like the full one under a zeroing annotation, and
 * the memo reuses a layer's relevance and stays within its bound.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Annotation, compile, resolveAnnotation, Trace } from '../../src/circuits/index.js';
import { main } from '../../src/cli/main.js';
import { writeNpyFile } from '../../src/core/npy.js';
import type { Tensor } from '../../src/core/tensor.js';
import { loadMnist } from '../../src/nn/datasets/index.js';
import type { Model } from '../../src/nn/graph.js';
import { layerNames, layerOutput } from '../../src/nn/layers.js';
import { lrp } from '../../src/nn/lrp/index.js';
import { importOnnx } from '../../src/nn/onnx/index.js';
import { loadShippedModel } from '../../src/nn/zoo/index.js';
import { boolean, counting, real, type Semiring } from '../../src/semirings/index.js';
import { fixtureModel, readFloat32, ZENNIT_ROOT } from '../support/zennit-fixtures.js';

const COMPOSITES = ['epsilon', 'epsilon_plus_flat', 'epsilon_gamma_box', 'epsilon_alpha2_beta1'];

function resnet(): { model: Model; x: Tensor } {
  const entry = fixtureModel('resnet');
  return {
    model: importOnnx(`${ZENNIT_ROOT}resnet/model.onnx`),
    x: { shape: entry.input.shape, data: readFloat32(`resnet/${entry.input.file}`) },
  };
}

describe('one real LRP', () => {
  const cases: [string, () => { model: Model; x: Tensor }][] = [
    [
      'the shipped CNN',
      () => ({ model: loadShippedModel('cnn'), x: loadMnist('test', { limit: 3 }).images }),
    ],
    ['the fixtures’ ResNet', resnet],
  ];
  for (const [name, make] of cases)
    it(`lrp() and trace.relevance({ semiring: 'real' }) are bit-identical on ${name}`, () => {
      const { model, x } = make();
      for (const dtype of ['float32', 'float64'] as const) {
        const trace = compile(model).trace(x, dtype);
        for (const composite of COMPOSITES) {
          const expected = lrp(model, x, { composite, dtype });
          const got = trace.relevance({ semiring: 'real', composite });
          expect(got.shape).toEqual(expected.shape);
          expect(got.data).toEqual(Float64Array.from(expected.data));
          const layer = layerNames(model)[2]!;
          expect(trace.relevance({ semiring: 'real', composite, layer }).data).toEqual(
            Float64Array.from(lrp(model, x, { composite, dtype, layer }).data),
          );
        }
      }
    });

  it('provlrp explain writes identical bytes with and without --semiring real', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'provlrp-engine-'));
    const { x } = resnet();
    const input = join(dir, 'x.npy');
    writeNpyFile(input, { dtype: 'float32', shape: x.shape, data: x.data as Float32Array });
    const silent = { out: () => {}, err: () => {} };
    for (const composite of ['epsilon_plus_flat', 'epsilon_gamma_box']) {
      const outputs = [join(dir, `plain-${composite}.npy`), join(dir, `real-${composite}.npy`)];
      const common = [
        'explain',
        `${ZENNIT_ROOT}resnet/model.onnx`,
        '--input',
        input,
        '--composite',
        composite,
      ];
      expect(await main([...common, '--out', outputs[0]!], silent)).toBe(0);
      expect(await main([...common, '--semiring', 'real', '--out', outputs[1]!], silent)).toBe(0);
      expect(readFileSync(outputs[0]!)).toEqual(readFileSync(outputs[1]!));
    }
  });
});

/** The full circuit's annotation with every knocked-out edge (and edge at a knocked-out neuron) set to 0. */
function zeroing<T>(
  K: Semiring<T>,
  model: Model,
  annotate: string,
  removed: (layer: string, j: number, k: number) => boolean,
): Annotation<T> {
  const inner = resolveAnnotation(annotate, K, model);
  return {
    name: `${inner.name} without knock-outs`,
    ...(inner.prepare ? { prepare: inner.prepare.bind(inner) } : {}),
    map: (d, edge, stats) => (removed(edge.layer, edge.j, edge.k) ? K.zero : inner.map(d, edge, stats)),
  };
}

describe('knock-outs', () => {
  const SEMIRINGS: [Semiring<never>, string][] = [
    [boolean as Semiring<never>, 'threshold:1e-9'],
    [counting as Semiring<never>, 'threshold:1e-9'],
    [real as Semiring<never>, 'identity'],
  ];
  const models: [string, Model, Tensor][] = [
    ['MLP', loadShippedModel('mlp'), loadMnist('test', { limit: 2 }).images],
    ['CNN', loadShippedModel('cnn'), loadMnist('test', { limit: 2 }).images],
  ];
  for (const [name, model, x] of models)
    it(`on the shipped ${name}: without() equals the full circuit under a zeroing annotation, in 𝔹, ℕ and ℝ`, () => {
      const circuit = compile(model);
      const layers = layerNames(model);
      // A hidden linear layer to knock neurons out of (its output), and the layer above it whose
      // edges come from those neurons.
      const tokenised = circuit.plan.steps.filter((s) => s.tokens === true).map((s) => s.node.layer);
      const [lower, upper] = [tokenised[0]!, tokenised[1]!];
      const lowerSize = circuit.plan.size(layerOutput(model, lower));
      let changed = 0;
      fc.assert(
        fc.property(
          fc.uniqueArray(fc.nat(lowerSize - 1), { minLength: 1, maxLength: 8 }),
          fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 6 }),
          (neurons, picks) => {
            const upperStep = circuit.plan.steps.find((s) => s.node.layer === upper && s.tokens === true)!;
            const upperInputs = upperStep.inputSize;
            const edges = picks.map(([j, k]) => ({
              layer: upper,
              j: j % upperInputs,
              k: k % upperStep.outputSize,
            }));
            const restricted = circuit.without({
              neurons: neurons.map((index) => ({ layer: lower, index })),
              edges,
            });
            const knocked = new Set(neurons);
            const removedEdge = new Set(edges.map((e) => `${e.j},${e.k}`));
            const full = circuit.trace(x, 'float64');
            const cut = restricted.trace(x, 'float64');
            expect(cut.activations.output.data).toEqual(full.activations.output.data);
            const unrestricted = full.relevance({ semiring: 'real', annotate: 'identity' }).values;
            if (
              cut
                .relevance({ semiring: 'real', annotate: 'identity' })
                .values.some((v, i) => v !== unrestricted[i])
            )
              changed++;
            for (const [K, annotate] of SEMIRINGS) {
              // Edges into a knocked-out neuron are the lower layer's edges to it; zeroing them is
              // what zeroing its relevance does to everything below it. (The edges out of it pass
              // through structural layers, which carry no annotation: its own relevance is checked
              // on its own below.)
              const annotation = zeroing(K, model, annotate, (layer, j, k) =>
                layer === lower ? knocked.has(k) : layer === upper && removedEdge.has(`${j},${k}`),
              );
              const reference = full.relevance({ semiring: K, annotate: annotation, evaluator: 'generic' });
              for (const evaluator of ['generic', 'auto'] as const) {
                const got = cut.relevance({ semiring: K, annotate, evaluator });
                if (K === (real as Semiring<never>) && evaluator === 'auto') {
                  const scale = Math.max(1, ...reference.values.map((r) => Math.abs(Number(r))));
                  got.values.forEach((v, i) => {
                    expect(Math.abs(Number(v) - Number(reference.values[i]))).toBeLessThanOrEqual(
                      1e-12 * scale,
                    );
                  });
                } else expect(got.values).toEqual(reference.values);
              }
              // A knocked-out neuron's own relevance is 0; the others keep the full circuit's.
              const own = cut.relevance({ semiring: K, annotate, layer: lower, evaluator: 'generic' });
              const fullOwn = full.relevance({
                semiring: K,
                annotate: annotation,
                layer: lower,
                evaluator: 'generic',
              });
              own.values.forEach((v, i) => {
                expect(v).toEqual(knocked.has(i % lowerSize) ? K.zero : fullOwn.values[i]);
              });
            }
          },
        ),
        { numRuns: 4, seed: 0x0c0 + layers.length },
      );
      // The knock-outs did something: the relevance is not the full circuit's.
      expect(changed).toBeGreaterThan(0);
    });

  it('refuses neurons and edges that do not exist, naming them', () => {
    const circuit = compile(loadShippedModel('mlp'));
    expect(() => circuit.without({ neurons: [{ layer: 'nope', index: 0 }] })).toThrow(/nope/);
    expect(() => circuit.without({ neurons: [{ layer: 'input', index: 784 }] })).toThrow(/\[0, 783\]/);
    const relu = circuit.plan.steps.find((s) => s.node.op === 'relu')!.node.layer;
    expect(() => circuit.without({ edges: [{ layer: relu, j: 0, k: 0 }] })).toThrow(/no tokenised edges/);
  });

  it('cone(t) keeps the relevance of target t and nothing of the other classes', () => {
    const model = loadShippedModel('mlp');
    const x = loadMnist('test', { limit: 2 }).images;
    const cone = compile(model).cone(3).trace(x);
    const full = compile(model).trace(x);
    expect(cone.relevance({ semiring: 'counting', target: 3 }).values).toEqual(
      full.relevance({ semiring: 'counting', target: 3 }).values,
    );
    expect(cone.relevance({ semiring: 'counting', target: 5 }).values.every((v) => v === 0)).toBe(true);
  });
});

describe('the memo', () => {
  const model = loadShippedModel('mlp');
  const x = loadMnist('test', { limit: 4 }).images;

  it('reuses a layer’s relevance when the input is asked for next', () => {
    const trace = compile(model).trace(x);
    const layer = layerNames(model)[3]!;
    const atLayer = trace.relevance({ semiring: 'viterbi', layer });
    const stepsAfterLayer = trace.counters.nodeSteps;
    const atInput = trace.relevance({ semiring: 'viterbi' });
    // Only the steps below the layer ran for the second request.
    const below = compile(model).plan.producer(layerOutput(model, layer));
    expect(trace.counters.nodeSteps - stepsAfterLayer).toBe(below + 1);
    expect(atInput.values).toEqual(compile(model).trace(x).relevance({ semiring: 'viterbi' }).values);
    expect(trace.relevance({ semiring: 'viterbi', layer })).toBe(atLayer);
  });

  it('forgets the least recently used entries beyond its bound', () => {
    // About 4 samples × (784 + 784 + 300 + 300 + 100 + 100 + 10) float64 values ≈ 76 kB per entry.
    const trace = new Trace(compile(model), x, 'float32', 200_000);
    const first = trace.relevance({ semiring: 'boolean', target: 0 });
    trace.relevance({ semiring: 'boolean', target: 1 });
    expect(trace.relevance({ semiring: 'boolean', target: 0 })).toBe(first); // still there, now most recent
    trace.relevance({ semiring: 'boolean', target: 2 });
    trace.relevance({ semiring: 'boolean', target: 3 });
    const hits = trace.counters.memoHits;
    expect(trace.relevance({ semiring: 'boolean', target: 3 })).toBeDefined();
    expect(trace.counters.memoHits).toBe(hits + 1);
    const again = trace.relevance({ semiring: 'boolean', target: 1 }); // evicted: computed anew
    expect(trace.counters.memoHits).toBe(hits + 1);
    expect(again.values).toEqual(
      compile(model).trace(x).relevance({ semiring: 'boolean', target: 1 }).values,
    );
  });
});
