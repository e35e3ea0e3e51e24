import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  FAITHFULNESS_KEYS,
  FAITHFULNESS_SIZES,
  type FaithfulnessData,
  faithfulnessExperiment,
  InputFlips,
  morfOrder,
  morfRun,
} from '../../src/analysis/index.js';
import { Rng } from '../../src/core/index.js';
import { loadMnist } from '../../src/nn/datasets/index.js';
import { forward } from '../../src/nn/index.js';
import { loadShippedModel } from '../../src/nn/zoo/index.js';

const model = loadShippedModel('mlp');

describe('analysis/faithfulness (quick run on the shipped MLP)', () => {
  let data: FaithfulnessData;
  beforeAll(async () => {
    ({ data } = await faithfulnessExperiment({ quick: true, seed: 11 }));
  }, 60_000);

  it('has an AOPC and a curve of L + 1 values for every order', () => {
    expect(Object.keys(data.aopc)).toEqual([...FAITHFULNESS_KEYS]);
    for (const key of FAITHFULNESS_KEYS) {
      expect(data.curves[key].logit).toHaveLength(FAITHFULNESS_SIZES.quick.steps + 1);
      expect(data.aopc[key].bySeed).toHaveLength(5);
    }
    expect(data.settings.seeds).toEqual([11, 12, 13, 14, 15]);
  });

  it('starts every curve at the unflipped images’ mean true-class logit', () => {
    const test = loadMnist('test', { limit: FAITHFULNESS_SIZES.quick.images });
    const logits = forward(model, test.images).output.data;
    let sum = 0;
    for (let n = 0; n < test.labels.length; n++) sum += logits[n * 10 + test.labels[n]!]!;
    for (const key of FAITHFULNESS_KEYS)
      expect(data.curves[key].logit[0]).toBeCloseTo(sum / test.labels.length, 4);
  });

  it('reproduces the random baseline’s AOPC from its seeds', () => {
    const test = loadMnist('test', { limit: FAITHFULNESS_SIZES.quick.images });
    const flips = new InputFlips(model, test.images.data, test.labels.length);
    const again = data.settings.seeds.map(
      (s) => morfRun(model, flips, test.labels, undefined, s, FAITHFULNESS_SIZES.quick.steps).aopc,
    );
    expect(again).toEqual(data.aopc.random.bySeed);
  });

  it('finds real LRP more faithful than a random order', () => {
    expect(data.aopc.real.mean).toBeGreaterThan(data.aopc.random.mean + 3 * data.aopc.random.spread);
  });

  it('gives Viterbi and tropical the same order (tropical = −log Viterbi)', () => {
    expect(data.aopc.tropical.bySeed).toEqual(data.aopc.viterbi.bySeed);
  });
});

describe('morfOrder', () => {
  it('takes the most relevant pixels first, ties in the order of the seed', () => {
    const r = Float64Array.from([0, 5, 1, 5, 0, 2]);
    const order = morfOrder(r, 0, 6, 6, new Rng(1));
    expect(order.slice(0, 2).sort()).toEqual([1, 3]);
    expect(order.slice(2, 4)).toEqual([5, 2]);
    expect(morfOrder(r, 0, 6, 6, new Rng(1))).toEqual(order);
    expect(morfOrder(r, 0, 6, 3, new Rng(1), true).slice(0, 2).sort()).toEqual([0, 4]);
  });
});

describe('InputFlips', () => {
  it('gives the logits of a full forward pass of the changed images, whatever is changed', () => {
    const test = loadMnist('test', { limit: 20 });
    const flips = new InputFlips(model, test.images.data, 20);
    const change = fc.record({
      n: fc.integer({ min: 0, max: 19 }),
      p: fc.integer({ min: 0, max: 783 }),
      value: fc.option(fc.double({ min: 0, max: 1, noNaN: true })),
    });
    fc.assert(
      fc.property(fc.array(change, { maxLength: 300 }), (changes) => {
        flips.reset();
        for (const { n, p, value } of changes) {
          if (value === null) flips.flip(n, p);
          else flips.set(n, p, value);
        }
        const full = forward(model, { shape: [20, 1, 28, 28], data: flips.images }).output.data;
        const fast = flips.logits();
        expect(fast.length).toBe(full.length);
        for (let i = 0; i < full.length; i++) expect(Math.abs(fast[i]! - full[i]!)).toBeLessThan(1e-3);
      }),
      { seed: 0xf11b, numRuns: 30 },
    );
    flips.reset();
    expect(flips.images).toEqual(test.images.data);
  });
});
