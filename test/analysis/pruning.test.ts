import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  PRUNED_LAYER,
  PRUNING_METHODS,
  PRUNING_SIZES,
  PrunedEvaluator,
  type PruningData,
  pruneNeurons,
  pruningExperiment,
  rankAscending,
  removalSteps,
} from '../../src/analysis/index.js';
import { InvalidArgumentError } from '../../src/core/index.js';
import { loadMnist } from '../../src/nn/datasets/index.js';
import { evaluateModel } from '../../src/nn/train/index.js';
import { loadShippedModel } from '../../src/nn/zoo/index.js';

const model = loadShippedModel('mlp');
const test = loadMnist('test', { limit: PRUNING_SIZES.quick.testImages });

describe('analysis/pruning (quick run on the shipped MLP)', () => {
  let data: PruningData;
  beforeAll(async () => {
    ({ data } = await pruningExperiment({ quick: true, seed: 3 }));
  }, 60_000);

  it('starts every curve at the unpruned model’s accuracy and loss', () => {
    const unpruned = evaluateModel(model, test);
    expect(data.removed[0]).toBe(0);
    for (const method of PRUNING_METHODS) {
      expect(data.methods[method].accuracy[0]).toBeCloseTo(unpruned.accuracy, 12);
      expect(data.methods[method].loss[0]).toBeCloseTo(unpruned.loss, 5);
    }
  });

  it('has one value per step in every curve, spreads for the random orders only', () => {
    expect(data.removed).toEqual(removalSteps(300, PRUNING_SIZES.quick.stride));
    for (const method of PRUNING_METHODS) {
      const curve = data.methods[method];
      expect(curve.accuracy).toHaveLength(data.removed.length);
      expect(curve.loss).toHaveLength(data.removed.length);
      expect(curve.accuracySpread !== undefined).toBe(method === 'random');
    }
    expect(data.methods.random.accuracySpread).toHaveLength(data.removed.length);
    expect(data.settings.randomSeeds).toEqual([4, 5, 6, 7, 8]);
  });

  it('ranks every neuron once per method', () => {
    for (const method of PRUNING_METHODS)
      expect([...data.orders[method]].sort((a, b) => a - b)).toEqual(
        Array.from({ length: 300 }, (_, i) => i),
      );
  });

  it('loses accuracy when almost every neuron is gone', () => {
    for (const method of PRUNING_METHODS)
      expect(data.methods[method].accuracy.at(-1)!).toBeLessThan(data.methods[method].accuracy[0]!);
  });
});

describe('removalSteps', () => {
  it("gives the report's 0, 1, 5, 9, … 297 for 300 neurons", () => {
    const steps = removalSteps(300, 4);
    expect(steps.slice(0, 4)).toEqual([0, 1, 5, 9]);
    expect(steps.at(-1)).toBe(297);
    expect(steps).toHaveLength(76);
  });
});

describe('pruneNeurons and PrunedEvaluator', () => {
  const small = loadMnist('test', { limit: 300 });

  for (const keepBias of [false, true])
    it(`evaluate the same model for any set of removed neurons (keepBias ${keepBias})`, () => {
      const evaluator = new PrunedEvaluator(model, PRUNED_LAYER, small, { keepBias });
      fc.assert(
        fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 299 }), { maxLength: 300 }), (removed) => {
          const fast = evaluator.evaluate(removed);
          const slow = evaluateModel(pruneNeurons(model, PRUNED_LAYER, removed, { keepBias }), small);
          expect(fast.accuracy).toBe(slow.accuracy);
          expect(fast.loss).toBeCloseTo(slow.loss, 4);
        }),
        { seed: 0x9e0, numRuns: 25 },
      );
    });

  it('leave the given model unchanged', () => {
    const before = evaluateModel(model, small);
    pruneNeurons(
      model,
      PRUNED_LAYER,
      Array.from({ length: 200 }, (_, i) => i),
    );
    expect(evaluateModel(model, small)).toEqual(before);
  });

  it('refuse a neuron outside the layer, and a layer that is not dense', () => {
    expect(() => pruneNeurons(model, PRUNED_LAYER, [300])).toThrow(InvalidArgumentError);
    expect(() => pruneNeurons(model, '2', [0])).toThrow(/not a single dense layer/);
  });
});

describe('rankAscending', () => {
  it('orders a permutation by score, reproducibly from its seed', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 40 }), fc.nat(), (scores, seed) => {
        const order = rankAscending(scores, seed);
        expect([...order].sort((a, b) => a - b)).toEqual(scores.map((_, i) => i));
        for (let i = 1; i < order.length; i++)
          expect(scores[order[i]!]!).toBeGreaterThanOrEqual(scores[order[i - 1]!]!);
        expect(rankAscending(scores, seed)).toEqual(order);
      }),
      { seed: 0x5eed },
    );
  });
});
