import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Rng } from '../../../src/core/rng.js';
import { maxAbs, type Tensor } from '../../../src/core/tensor.js';
import {
  add,
  batchNorm,
  conv2d,
  flatten,
  graph,
  type Layer,
  linear,
  maxPool2d,
  relu,
  sequential,
} from '../../../src/nn/builder/index.js';
import { foldBatchNorm } from '../../../src/nn/canonize/index.js';
import { forward, predict } from '../../../src/nn/forward.js';
import type { Model, Node } from '../../../src/nn/graph.js';
import { randomTensor, rngOf } from '../support.js';

/** BatchNorm statistics: random and non-trivial, or dyadic so that the folded float32 parameters are exact. */
type Stats = 'random' | 'dyadic';

function randomBatchNorm(rng: Rng, channels: number, stats: Stats): Layer {
  const values = (f: () => number) => Array.from({ length: channels }, f);
  if (stats === 'random')
    return batchNorm(channels, {
      scale: values(() => rng.uniform(0.2, 2) * (rng.next() < 0.3 ? -1 : 1)),
      bias: values(() => rng.uniform(-1, 1)),
      mean: values(() => rng.uniform(-1, 1)),
      variance: values(() => rng.uniform(0.1, 3)),
      epsilon: [1e-5, 1e-3, 0.1][rng.int(0, 3)]!,
    });
  // s = ±2^j / 2^k exactly: σ² + ε = 4^k with ε = 2^-10; μ, β (and the producer's bias) on a 2^-8 grid.
  const epsilon = 2 ** -10;
  const grid = () => rng.int(-512, 513) / 256;
  return batchNorm(channels, {
    scale: values(() => 2 ** rng.int(-1, 2) * (rng.next() < 0.3 ? -1 : 1)),
    bias: values(grid),
    mean: values(grid),
    variance: values(() => 4 ** rng.int(-1, 2) - epsilon),
    epsilon,
  });
}

const gridBias = (rng: Rng, n: number) => Array.from({ length: n }, () => rng.int(-512, 513) / 256);

/** A random MLP or CNN with a BatchNorm after every dense and conv layer but the last. */
const arbModel = (stats: Stats) =>
  fc
    .record({
      cnn: fc.boolean(),
      widths: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 3 }),
      seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    })
    .map(({ cnn, widths, seed }): { model: Model; inputShape: number[]; seed: number } => {
      const rng = rngOf(seed);
      const bias = (n: number) => (stats === 'dyadic' ? gridBias(rng, n) : undefined);
      const layers: Layer[] = [];
      let width = cnn ? 2 : 5;
      for (const w of widths) {
        layers.push(
          cnn ? conv2d(width, w, 3, { padding: 1, bias: bias(w) }) : linear(width, w, { bias: bias(w) }),
        );
        layers.push(randomBatchNorm(rng, w, stats), relu());
        width = w;
      }
      if (cnn) layers.push(maxPool2d(2), flatten());
      layers.push(linear(cnn ? width * 4 : width, 3, { bias: bias(3) }), randomBatchNorm(rng, 3, stats));
      const inputShape = cnn ? [2, 4, 4] : [5];
      return { model: sequential(inputShape, layers, { seed }), inputShape, seed };
    });

const batchNorms = (model: Model) => model.nodes.filter((n) => n.op === 'batch_norm').length;

function expectLogitsKept(model: Model, folded: Model, x: Tensor, rtol: number): void {
  const before = predict(model, x);
  const after = predict(folded, x);
  expect(after.shape).toEqual(before.shape);
  const scale = maxAbs(before.data);
  for (let i = 0; i < before.data.length; i++)
    expect(Math.abs(after.data[i]! - before.data[i]!)).toBeLessThanOrEqual(rtol * scale);
}

describe('nn/canonize/batch-norm: foldBatchNorm', () => {
  it('merges every BatchNorm after a dense or conv layer and leaves float32 logits unchanged', () => {
    fc.assert(
      fc.property(arbModel('random'), ({ model, inputShape, seed }) => {
        const folded = foldBatchNorm(model);
        expect(batchNorms(folded)).toBe(0);
        expect(folded.nodes).toHaveLength(model.nodes.length - batchNorms(model));
        expectLogitsKept(model, folded, randomTensor(rngOf(seed + 1), [3, ...inputShape]), 1e-5);
      }),
      { seed: 0xb4, numRuns: 150 },
    );
  });

  it('leaves float64 logits unchanged to 1e-10 when the folded parameters are exact in float32', () => {
    fc.assert(
      fc.property(arbModel('dyadic'), ({ model, inputShape, seed }) => {
        const x = randomTensor(rngOf(seed + 1), [3, ...inputShape], 'float64');
        expectLogitsKept(model, foldBatchNorm(model), x, 1e-10);
      }),
      { seed: 0xb5, numRuns: 150 },
    );
  });

  it("folds with the BatchNorm's own ε in float64, storing W·s and (b − μ)·s + β as float32", () => {
    const model = sequential(
      [2, 3, 3],
      [conv2d(2, 2, 2, { seed: 4 }), randomBatchNorm(rngOf(5), 2, 'random')],
    );
    const conv = model.nodes[0] as Node<'conv'>;
    const bn = model.nodes[1] as Node<'batch_norm'>;
    const merged = foldBatchNorm(model).nodes[0] as Node<'conv'>;
    for (let o = 0; o < 2; o++) {
      const s = bn.params.scale.data[o]! / Math.sqrt(bn.params.variance.data[o]! + bn.attributes.epsilon);
      for (let i = o * 8; i < (o + 1) * 8; i++)
        expect(merged.params.weight.data[i]).toBe(Math.fround(conv.params.weight.data[i]! * s));
      const b = (conv.params.bias.data[o]! - bn.params.mean.data[o]!) * s + bn.params.bias.data[o]!;
      expect(merged.params.bias.data[o]).toBe(Math.fround(b));
    }
  });

  it("keeps the merged node's name and layer and gives it the BatchNorm's output tensor", () => {
    const model = sequential([4], [linear(4, 3), batchNorm(3), relu()], { names: ['fc', 'bn', 'act'] });
    const folded = foldBatchNorm(model);
    expect(folded.nodes.map((n) => [n.name, n.layer, n.op, n.inputs, n.output])).toEqual([
      ['fc', 'fc', 'dense', ['input'], 'bn'],
      ['act', 'act', 'relu', ['bn'], 'act'],
    ]);
  });

  it('folds a chain of BatchNorms into one producer', () => {
    const rng = rngOf(6);
    const model = sequential(
      [3],
      [linear(3, 4), randomBatchNorm(rng, 4, 'random'), randomBatchNorm(rng, 4, 'random')],
    );
    const folded = foldBatchNorm(model);
    expect(folded.nodes.map((n) => n.op)).toEqual(['dense']);
    expectLogitsKept(model, folded, randomTensor(rngOf(7), [2, 3]), 1e-5);
  });

  it('keeps a BatchNorm after a ReLU, on the model input, or after a dense layer with a [T, units] output', () => {
    const rng = rngOf(8);
    const cases: [Model, number[]][] = [
      [sequential([4], [linear(4, 3), relu(), randomBatchNorm(rng, 3, 'random')]), [4]],
      [sequential([4], [randomBatchNorm(rng, 4, 'random'), linear(4, 2)]), [4]],
      [sequential([3, 4], [linear(4, 5), randomBatchNorm(rng, 3, 'random')]), [3, 4]],
    ];
    for (const [model, shape] of cases) {
      const folded = foldBatchNorm(model);
      expect(batchNorms(folded)).toBe(1);
      expectLogitsKept(model, folded, randomTensor(rngOf(9), [2, ...shape]), 0);
    }
  });

  it('keeps a BatchNorm whose producer also feeds another node or is the model output', () => {
    const rng = rngOf(10);
    const residual = graph([2, 4, 4], (g) => {
      const c = g.apply(conv2d(2, 2, 3, { padding: 1 }), g.input, { name: 'conv' });
      const b = g.apply(randomBatchNorm(rng, 2, 'random'), c, { name: 'bn' });
      return g.apply(add(), [b, c], { name: 'sum' });
    });
    expect(batchNorms(foldBatchNorm(residual))).toBe(1);
    const dangling = graph([4], (g) => {
      const h = g.apply(linear(4, 3), g.input, { name: 'fc' });
      g.apply(randomBatchNorm(rng, 3, 'random'), h, { name: 'bn' });
      return h;
    });
    const folded = foldBatchNorm(dangling);
    expect(batchNorms(folded)).toBe(1);
    expectLogitsKept(dangling, folded, randomTensor(rngOf(11), [2, 4]), 0);
  });

  it('returns a new model and leaves the given one untouched', () => {
    const model = sequential([4], [linear(4, 3), batchNorm(3, { scale: [2, 3, 4] })]);
    const weights = Float32Array.from((model.nodes[0] as Node<'dense'>).params.weight.data);
    const folded = foldBatchNorm(model);
    expect(folded).not.toBe(model);
    expect(model.nodes).toHaveLength(2);
    expect((model.nodes[0] as Node<'dense'>).params.weight.data).toEqual(weights);
    expect(forward(folded, randomTensor(rngOf(12), [1, 4])).has('1')).toBe(true);
  });
});
