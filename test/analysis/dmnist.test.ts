import { beforeAll, describe, expect, it } from 'vitest';
import {
  combineOverImages,
  DMNIST_SIZES,
  type DmnistData,
  dmnistExperiment,
  KLRP_KEYS,
  lowerHalfShares,
} from '../../src/analysis/index.js';

describe('analysis/dmnist (quick run on the shipped two-digit MLP)', () => {
  let data: DmnistData;
  beforeAll(async () => {
    ({ data } = await dmnistExperiment({ quick: true }));
  }, 60_000);

  it("reaches the report's 94.9 % on the images it used", () => {
    expect(data.settings.testImages).toBe(DMNIST_SIZES.quick.testImages);
    expect(data.accuracy).toBeGreaterThanOrEqual(0.949);
  });

  it('gives every semiring shares between 0 and 1', () => {
    expect(Object.keys(data.lowerHalf)).toEqual(KLRP_KEYS);
    for (const key of KLRP_KEYS)
      for (const share of Object.values(data.lowerHalf[key])) {
        expect(share).toBeGreaterThanOrEqual(0);
        expect(share).toBeLessThanOrEqual(1);
      }
  });

  it('agrees with the homomorphisms: 𝔹 and ℕ have one mask, Viterbi and tropical one relevance share', () => {
    expect(data.lowerHalf.counting.maskPixels).toBe(data.lowerHalf.boolean.maskPixels);
    expect(data.lowerHalf.tropical.maskPixels).toBe(data.lowerHalf.viterbi.maskPixels);
    expect(data.lowerHalf.tropical.relevance).toBeCloseTo(data.lowerHalf.viterbi.relevance, 6);
  });

  it('combines 56 × 28 maps', () => {
    for (const key of KLRP_KEYS) expect(data.combined[key]).toHaveLength(56 * 28);
  });
});

describe('lowerHalfShares and combineOverImages', () => {
  const pixels = 56 * 28;
  // Two maps: the first with 3 pixels on top and 1 below, the second with 1 below only.
  const maps = new Float64Array(2 * pixels);
  maps.set([2, 2, 2], 0);
  maps[pixels - 1] = 2;
  maps[2 * pixels - 1] = 4;

  it('count mask pixels and relevance in the lower half', () => {
    expect(lowerHalfShares(maps, 'counting')).toEqual({ maskPixels: 2 / 5, relevance: 6 / 12 });
  });

  it('take ℕ as a mean and 𝔹 as an OR over the images', () => {
    const mean = combineOverImages(maps, 'counting');
    expect([mean[0], mean[pixels - 1]]).toEqual([1, 3]);
    expect(combineOverImages(maps, 'boolean')[pixels - 1]).toBe(4);
  });

  it('count tropical relevance by its Viterbi image exp(−R), +∞ being absent', () => {
    const tropical = Float64Array.from({ length: pixels }, (_, i) =>
      i === 0 || i === pixels - 1 ? 0 : Infinity,
    );
    expect(lowerHalfShares(tropical, 'tropical')).toEqual({ maskPixels: 0.5, relevance: 0.5 });
  });
});
