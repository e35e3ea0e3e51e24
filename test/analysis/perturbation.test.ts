import { beforeAll, describe, expect, it } from 'vitest';
import {
  ATTACK_METHODS,
  ATTACK_SIZES,
  type AttackData,
  attackExperiment,
  drawPixels,
  guideWeights,
  OCCLUSION_SIZES,
  type OcclusionData,
  occlusionExperiment,
  occlusionZone,
} from '../../src/analysis/index.js';
import { Rng } from '../../src/core/index.js';
import { loadMnist } from '../../src/nn/datasets/index.js';
import { evaluateModel } from '../../src/nn/train/index.js';
import { loadShippedModel } from '../../src/nn/zoo/index.js';

const model = loadShippedModel('mlp');

describe('analysis/occlusion (quick run on the shipped MLP)', () => {
  let data: OcclusionData;
  const test = loadMnist('test', { limit: OCCLUSION_SIZES.quick.images });
  beforeAll(async () => {
    ({ data } = await occlusionExperiment({ quick: true }));
  }, 60_000);

  it("measures drops from the model's accuracy, one per position, for all and every class", () => {
    expect(data.accuracy.all).toBe(evaluateModel(model, test).accuracy);
    expect(Object.keys(data.drop).sort()).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'all']);
    for (const [group, drop] of Object.entries(data.drop)) {
      expect(drop).toHaveLength(784);
      for (const d of drop) {
        expect(d).toBeLessThanOrEqual(data.accuracy[group]! + 1e-12);
        expect(d).toBeGreaterThanOrEqual(data.accuracy[group]! - 1 - 1e-12);
      }
    }
  });

  it('makes the overall drop the class drops weighted by the class sizes', () => {
    const sizes = Array.from({ length: 10 }, (_, c) => test.labels.filter((l) => l === c).length);
    for (const p of [0, 300, 406, 783]) {
      const weighted = sizes.reduce((s, n, c) => s + (n * data.drop[String(c)]![p]!) / test.labels.length, 0);
      expect(data.drop.all![p]).toBeCloseTo(weighted, 12);
    }
  });

  it('hurts the accuracy somewhere in the middle of the image', () => {
    expect(Math.max(...data.drop.all!)).toBeGreaterThan(0);
  });
});

describe('occlusionZone', () => {
  it('covers rows y−2 … y+1 and columns x−2 … x+1, clipped at the borders', () => {
    expect(occlusionZone(0, 0)).toEqual([0, 1, 28, 29]);
    expect(occlusionZone(10, 10)).toHaveLength(16);
    expect(occlusionZone(10, 10)[0]).toBe(8 * 28 + 8);
    expect(occlusionZone(27, 27)).toEqual([
      25 * 28 + 25,
      25 * 28 + 26,
      25 * 28 + 27,
      26 * 28 + 25,
      26 * 28 + 26,
      26 * 28 + 27,
      27 * 28 + 25,
      27 * 28 + 26,
      27 * 28 + 27,
    ]);
  });
});

describe('analysis/attack (quick run on the shipped MLP)', () => {
  let data: AttackData;
  beforeAll(async () => {
    ({ data } = await attackExperiment({ quick: true, seed: 2 }));
  }, 60_000);

  it("starts every method at the model's accuracy and has one value per step", () => {
    const test = loadMnist('test', { limit: ATTACK_SIZES.quick.images });
    const accuracy = evaluateModel(model, test).accuracy;
    expect(data.flipped).toEqual(Array.from({ length: ATTACK_SIZES.quick.steps + 1 }, (_, k) => 5 * k));
    for (const method of ATTACK_METHODS) {
      expect(data.methods[method].accuracy[0]).toBe(accuracy);
      expect(data.methods[method].accuracy).toHaveLength(data.flipped.length);
      expect(data.methods[method].accuracySpread).toHaveLength(data.flipped.length);
    }
    expect(data.settings.seeds).toEqual([2, 3, 4]);
  });
});

describe('drawPixels', () => {
  it('draws unflipped pixels only, each once, and marks them', () => {
    const flipped = new Uint8Array(10);
    flipped[3] = 1;
    const zero = new Float64Array(10);
    const drawn = drawPixels(zero, 0, guideWeights(zero, 0), flipped, 9, new Rng(1));
    expect([...drawn].sort((a, b) => a - b)).toEqual([0, 1, 2, 4, 5, 6, 7, 8, 9]);
    expect(Array.from(flipped)).toEqual(new Array(10).fill(1));
    expect(drawPixels(zero, 0, guideWeights(zero, 0), flipped, 1, new Rng(1))).toEqual([]);
  });

  it('prefers the least relevant pixels as η grows', () => {
    const r = Float64Array.from({ length: 20 }, (_, p) => p / 20);
    const rng = new Rng(5);
    const sharp = guideWeights(r, 200);
    const drawn = Array.from(
      { length: 200 },
      () => drawPixels(r, 200, sharp, new Uint8Array(20), 1, rng)[0]!,
    );
    expect(drawn.filter((p) => p === 0).length).toBeGreaterThan(190);
    const flat = guideWeights(r, 0);
    const uniform = Array.from({ length: 400 }, () => drawPixels(r, 0, flat, new Uint8Array(20), 1, rng)[0]!);
    expect(new Set(uniform).size).toBe(20);
  });

  it('recomputes underflowed weights from the least relevant unflipped pixel', () => {
    // With η = 20000 every weight but pixel 0's underflows; once 0 is flipped, 1 is the least relevant.
    const r = Float64Array.from({ length: 20 }, (_, p) => p / 20);
    const weights = guideWeights(r, 20_000);
    expect(weights.filter((w) => w > 0)).toHaveLength(1);
    expect(drawPixels(r, 20_000, weights, new Uint8Array(20), 3, new Rng(1))).toEqual([0, 1, 2]);
  });
});
