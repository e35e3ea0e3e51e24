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
import { type Annotation, compile, resolveAnnotation } from '../../src/circuits/index.js';
import { main } from '../../src/cli/main.js';
import { InvalidArgumentError } from '../../src/core/errors.js';
import { writeNpyFile } from '../../src/core/npy.js';
import type { FloatArray, Tensor } from '../../src/core/tensor.js';
import {
  add,
  conv2d,
  flatten,
  globalAvgPool2d,
  graph,
  linear,
  sequential,
} from '../../src/nn/builder/index.js';
import { loadMnist } from '../../src/nn/datasets/index.js';
import type { Model } from '../../src/nn/graph.js';
import { layerNames, layerOutput } from '../../src/nn/layers.js';
import { lrp } from '../../src/nn/lrp/index.js';
import { importOnnx } from '../../src/nn/onnx/index.js';
import { loadShippedModel } from '../../src/nn/zoo/index.js';
import { boolean, counting, real, type Semiring, tropical, viterbi } from '../../src/semirings/index.js';
import { expectSemiringValues } from '../support/close.js';
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
      const layer = layerNames(model)[2]!;
      for (const dtype of ['float32', 'float64'] as const) {
        const trace = compile(model).trace(x, dtype);
        for (const [c, composite] of COMPOSITES.entries()) {
          const expected = lrp(model, x, { composite, dtype });
          const atLayer = Float64Array.from(lrp(model, x, { composite, dtype, layer }).data);
          // Half the composites ask for the layer first, so the input is reached by resuming.
          if (c % 2 === 1)
            expect(trace.relevance({ semiring: 'real', composite, layer }).data).toEqual(atLayer);
          const got = trace.relevance({ semiring: 'real', composite });
          expect(got.shape).toEqual(expected.shape);
          expect(got.data).toEqual(Float64Array.from(expected.data));
          expect(trace.relevance({ semiring: 'real', composite, layer }).data).toEqual(atLayer);
        }
      }
    });

  it('provlrp explain writes the bytes of lrp(), with and without --semiring real', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'provlrp-engine-'));
    const { model, x } = resnet();
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
      const reference = join(dir, `lrp-${composite}.npy`);
      const R = lrp(model, x, { composite });
      writeNpyFile(reference, { dtype: 'float32', shape: R.shape, data: R.data as Float32Array });
      expect(readFileSync(outputs[0]!)).toEqual(readFileSync(reference));
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
    [viterbi as Semiring<never>, 'viterbi'],
    [tropical as Semiring<never>, 'neglog'],
    [real as Semiring<never>, 'identity'],
  ];
  const models: [string, () => { model: Model; x: Tensor }, number][] = [
    [
      'the shipped MLP',
      () => ({ model: loadShippedModel('mlp'), x: loadMnist('test', { limit: 2 }).images }),
      4,
    ],
    [
      'the shipped CNN',
      () => ({ model: loadShippedModel('cnn'), x: loadMnist('test', { limit: 2 }).images }),
      3,
    ],
    ['the fixtures’ ResNet (residual sums)', resnet, 2],
  ];
  for (const [name, make, runs] of models)
    it(`on ${name}: without() equals the full circuit under a zeroing annotation, in 𝔹, ℕ, Viterbi, tropical and ℝ`, () => {
      const { model, x } = make();
      const circuit = compile(model);
      const full = circuit.trace(x, 'float64');
      // A hidden linear layer to knock neurons out of (its output), and the next tokenised layer,
      // whose real edges (in layer coordinates, from sample 0) the edge knock-outs pick from.
      const tokenised = circuit.plan.steps.filter((s) => s.tokens === true);
      const [lowerStep, upperStep] = [tokenised[0]!, tokenised[1]!];
      const [lower, upper] = [lowerStep.node.layer, upperStep.node.layer];
      const lowerSize = circuit.plan.size(layerOutput(model, lower));
      const inputSize = circuit.plan.size(model.input);
      const upperEdges: [number, number][] = [];
      full.coefficients(upperStep.node, { composite: 'epsilon' }).forEachEdge(0, (j, k) => {
        const jl = upperStep.toLayer(j);
        if (jl >= 0) upperEdges.push([jl, k]);
      });
      let changed = 0;
      fc.assert(
        fc.property(
          fc.uniqueArray(fc.nat(lowerSize - 1), { minLength: 1, maxLength: 8 }),
          fc.uniqueArray(fc.nat(upperEdges.length - 1), { maxLength: 6 }),
          fc.uniqueArray(fc.nat(inputSize - 1), { maxLength: 3 }),
          (neurons, picks, inputs) => {
            const edges = picks.map((p) => ({ layer: upper, j: upperEdges[p]![0], k: upperEdges[p]![1] }));
            const restricted = circuit.without({
              neurons: [
                ...neurons.map((index) => ({ layer: lower, index })),
                ...inputs.map((index) => ({ layer: 'input', index })),
              ],
              edges,
            });
            const knocked = new Set(neurons);
            const knockedInputs = new Set(inputs);
            const removedEdge = new Set(edges.map((e) => `${e.j},${e.k}`));
            const cut = restricted.trace(x, 'float64');
            expect(cut.activations.output.data).toEqual(full.activations.output.data);
            const unrestricted = full.relevance({ semiring: 'real', annotate: 'identity' }).values;
            const cutReal = cut.relevance({ semiring: 'real', annotate: 'identity' }).values;
            if (cutReal.some((v, i) => v !== unrestricted[i] && !knockedInputs.has(i % inputSize))) changed++;
            for (const [K, annotate] of SEMIRINGS) {
              // Edges into a knocked-out neuron are the lower layer's edges to it; zeroing them is
              // what zeroing its relevance does to everything below it. (The edges out of it pass
              // through structural layers, which carry no annotation: its own relevance is checked
              // on its own below.) Knocked-out inputs are 0, the rest as the full circuit's.
              const annotation = zeroing(K, model, annotate, (layer, j, k) =>
                layer === lower ? knocked.has(k) : layer === upper && removedEdge.has(`${j},${k}`),
              );
              const reference = full
                .relevance({ semiring: K, annotate: annotation, evaluator: 'generic' })
                .values.map((v, i) => (knockedInputs.has(i % inputSize) ? K.zero : v));
              for (const evaluator of ['generic', 'auto'] as const) {
                const got = cut.relevance({ semiring: K, annotate, evaluator });
                if (K === (real as Semiring<never>) && evaluator === 'auto') {
                  const scale = Math.max(1, ...reference.map((r) => Math.abs(Number(r))));
                  got.values.forEach((v, i) => {
                    expect(Math.abs(Number(v) - Number(reference[i]))).toBeLessThanOrEqual(1e-12 * scale);
                  });
                } else if (evaluator === 'auto') expectSemiringValues(K, got.values, reference);
                else expect(got.values).toEqual(reference);
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
        { numRuns: runs, seed: 0x0c0 + name.length },
      );
      // The knock-outs did something: the relevance is not the full circuit's.
      expect(changed).toBeGreaterThan(0);
    });

  it('refuses neurons and edges that do not exist or carry no tokens, naming them', () => {
    const circuit = compile(loadShippedModel('cnn'));
    const layerOf = (op: string) => circuit.plan.steps.find((s) => s.node.op === op)!.node.layer;
    expect(() => circuit.without({ neurons: [{ layer: 'nope', index: 0 }] })).toThrow(/nope/);
    expect(() => circuit.without({ neurons: [{ layer: 'input', index: 784 }] })).toThrow(/\[0, 783\]/);
    expect(() => circuit.without({ neurons: [{ layer: 'input', index: 1.5 }] })).toThrow(/integer/);
    expect(() => circuit.without({ edges: [{ layer: 'nope', j: 0, k: 0 }] })).toThrow(/nope/);
    expect(() => circuit.without({ edges: [{ layer: layerOf('relu'), j: 0, k: 0 }] })).toThrow(
      /carry tokens/,
    );
    expect(() => circuit.without({ edges: [{ layer: layerOf('max_pool'), j: 0, k: 0 }] })).toThrow(
      /max-pooling/,
    );
    const conv = layerOf('conv');
    expect(() => circuit.without({ edges: [{ layer: conv, j: 784, k: 0 }] })).toThrow(/input/);
    expect(() => circuit.without({ edges: [{ layer: conv, j: 0, k: -1 }] })).toThrow(/output/);
  });

  it('cone(t) is the relevance of target t alone, whatever the seed puts on the other classes', () => {
    const model = loadShippedModel('mlp');
    const x = loadMnist('test', { limit: 2 }).images;
    const full = compile(model).trace(x);
    const cone = compile(model).cone(3).trace(x);
    const logits = full.activations.output;
    const largest = Math.max(...Array.from(logits.data, Math.abs));
    // A seed on every class: the logits for ℝ, their magnitudes scaled into [0, 1] for Viterbi.
    const seeds = { real: logits.data, viterbi: logits.data.map((v) => Math.abs(v) / largest) };
    for (const semiring of ['real', 'viterbi'] as const) {
      const seed = { shape: logits.shape, data: seeds[semiring] };
      const only3 = { shape: logits.shape, data: seeds[semiring].map((v, i) => (i % 10 === 3 ? v : 0)) };
      const got = cone.relevance({ semiring, seed }).values;
      expect(got).toEqual(full.relevance({ semiring, seed: only3 }).values);
      expect(got).not.toEqual(full.relevance({ semiring, seed }).values);
    }
  });
});

describe('the evaluation paths', () => {
  it('treat a user annotation made by spreading a built-in one as the user’s own', () => {
    const model = loadShippedModel('mlp');
    const trace = compile(model).trace(loadMnist('test', { limit: 1 }).images);
    const silent = { ...resolveAnnotation('identity', real, model), map: () => 0 };
    expect(trace.relevance({ semiring: real, annotate: silent }).values.every((v) => v === 0)).toBe(true);
  });

  it('pass relevance to both operands of Add(x, x) in the kernels as in the generic evaluator', () => {
    const model = graph([3], (g) => {
      const h = g.apply(linear(3, 4), g.input, { name: 'fc1' });
      return g.apply(linear(4, 2), g.apply(add(), [h, h], { name: 'twice' }), { name: 'fc2' });
    });
    const trace = compile(model).trace(
      { shape: [2, 3], data: Float32Array.from([0.5, -1, 2, 1, 0.25, -0.5]) },
      'float64',
    );
    for (const semiring of ['counting', 'boolean', 'viterbi'] as const)
      expectSemiringValues(
        { name: semiring },
        trace.relevance({ semiring }).values,
        trace.relevance({ semiring, evaluator: 'generic' }).values,
      );
    const counts = trace.relevance({ semiring: 'counting', annotate: 'threshold:-1e9', layer: 'fc1' }).values;
    expect(counts.every((v) => v === 2)).toBe(true); // each neuron of fc1 reaches the output twice
  });

  it('evaluate image-sized tensors on the generic path', () => {
    const model = sequential([3, 224, 224], [conv2d(3, 1, 1), globalAvgPool2d(), flatten(), linear(1, 2)]);
    const trace = compile(model).trace({
      shape: [1, 3, 224, 224],
      data: new Float32Array(3 * 224 * 224).fill(0.5),
    });
    const user = { name: 'ones', map: () => 1 };
    const R = trace.relevance({ semiring: 'counting', annotate: user });
    expect(R.values.length).toBe(3 * 224 * 224);
    expect(R.values.every((v) => v === 1)).toBe(true);
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

  it('answers requests for layers in any order as a fresh trace answers each, holding only its frontier', () => {
    const layers = [...layerNames(model), undefined];
    // One circuit for every run: its traces reuse the accumulators earlier ones dropped.
    const circuit = compile(model);
    fc.assert(
      fc.property(
        fc.constantFrom('real', 'boolean', 'viterbi'),
        fc.array(fc.constantFrom(...layers), { minLength: 2, maxLength: 6 }),
        (semiring, order) => {
          const trace = circuit.trace(x);
          for (const layer of order) {
            const options = { semiring, ...(layer !== undefined ? { layer } : {}) };
            const R = trace.relevance(options);
            expect(Array.from(R.data!)).toEqual(Array.from(compile(model).trace(x).relevance(options).data!));
          }
        },
      ),
      { numRuns: 25 },
    );
    const trace = compile(model).trace(x, 'float32', { memoBytes: 1e9 });
    trace.relevance({ semiring: 'viterbi' });
    const entry = [...(trace as unknown as { memo: Map<string, { bytes(): number }> }).memo.values()][0]!;
    // The state holds the input's relevance (4 × 784 float64) alone, not that of every tensor.
    expect(entry.bytes()).toBe(4 * 784 * 8);
  });

  it('forgets the least recently used entries beyond its bound', () => {
    // An entry: its state, which holds the relevance of the tensors not yet passed on (the input's,
    // 4 × 784 float64 values, 25 kB), and the input's relevance (4 × 784 as float64 data and
    // values, 75 kB): two fit, three do not.
    const trace = compile(model).trace(x, 'float32', { memoBytes: 250_000 });
    const first = trace.relevance({ semiring: 'boolean', target: 0 });
    trace.relevance({ semiring: 'boolean', target: 1 });
    expect(trace.relevance({ semiring: 'boolean', target: 0 })).toBe(first); // still there, now most recent
    trace.relevance({ semiring: 'boolean', target: 2 }); // evicts target 1, the least recently used
    const hits = trace.counters.memoHits;
    expect(trace.relevance({ semiring: 'boolean', target: 0 })).toBe(first); // first in, but kept
    expect(trace.counters.memoHits).toBe(hits + 1);
    const again = trace.relevance({ semiring: 'boolean', target: 1 }); // evicted: computed anew
    expect(trace.counters.memoHits).toBe(hits + 1);
    expect(again.values).toEqual(
      compile(model).trace(x).relevance({ semiring: 'boolean', target: 1 }).values,
    );
  });
});

describe('release', () => {
  const { images } = loadMnist('test', { limit: 8 });
  const batch = (start: number, n: number): Tensor => ({
    shape: [n, 1, 28, 28],
    data: images.data.slice(start * 784, (start + n) * 784),
  });

  it('hands a trace’s arrays to its circuit, and the traces after it compute as on a fresh circuit', () => {
    for (const name of ['mlp', 'cnn'] as const) {
      const model = loadShippedModel(name);
      const layers = [...layerNames(model), undefined];
      // One circuit for every run: each trace computes in arrays the ones before it released.
      const circuit = compile(model);
      fc.assert(
        fc.property(
          fc.array(
            fc.record({
              start: fc.integer({ min: 0, max: 6 }),
              n: fc.integer({ min: 1, max: 2 }),
              semiring: fc.constantFrom('real', 'boolean', 'counting', 'tropical'),
              layer: fc.constantFrom(...layers),
              results: fc.boolean(),
            }),
            { minLength: 2, maxLength: 5 },
          ),
          (runs) => {
            const kept: { data: FloatArray; copy: number[] }[] = [];
            for (const { start, n, semiring, layer, results } of runs) {
              const x = batch(start, n);
              kept.push({ data: x.data, copy: Array.from(x.data) });
              const options = { semiring, ...(layer !== undefined ? { layer } : {}) };
              const trace = circuit.trace(x);
              const R = trace.relevance(options);
              const fresh = compile(model).trace(x).relevance(options);
              expect(Array.from(R.data!)).toEqual(Array.from(fresh.data!));
              trace.release({ results });
              if (!results) kept.push({ data: R.data!, copy: Array.from(R.data!) });
              expect(() => trace.relevance(options)).toThrow(InvalidArgumentError);
              expect(() => trace.activations).toThrow(/released/);
            }
            // The callers' inputs, and the results of a trace released without `results`, stay as
            // they were: they are the caller's, never handed out again.
            for (const { data, copy } of kept) expect(Array.from(data)).toEqual(copy);
          },
        ),
        { numRuns: 15 },
      );
      expect(circuit.arrays.heldBytes).toBeGreaterThan(0);
    }
  });

  it('leaves the pool as it was after each trace once warm: every array it gets back it gave out', () => {
    const { images } = loadMnist('test', { limit: 2 });
    for (const name of ['mlp', 'cnn'] as const)
      for (const semiring of ['real', 'boolean', 'counting', 'viterbi', 'tropical']) {
        const circuit = compile(loadShippedModel(name));
        const explain = () => circuit.trace(images).relevance({ semiring });
        explain();
        explain();
        const warm = circuit.arrays.heldBytes;
        for (let i = 0; i < 20; i++) explain();
        expect(circuit.arrays.heldBytes, `${name} ${semiring}`).toBe(warm);
      }
  });
});
