import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../src/core/index.js';
import { loadMnist, loadTwoDigitMnist, TWO_DIGIT_IMAGE_SHAPE } from '../../../src/nn/datasets/index.js';

describe('loadTwoDigitMnist', () => {
  const mnist = loadMnist('test', { limit: 200 });
  const two = loadTwoDigitMnist('test', { limit: 200 });

  it('stacks the labelled digit on top of a partner digit, 56 × 28', () => {
    expect(two.images.shape).toEqual([200, ...TWO_DIGIT_IMAGE_SHAPE]);
    const digit = 28 * 28;
    for (const n of [0, 17, 199]) {
      const top = two.images.data.subarray(2 * n * digit, (2 * n + 1) * digit);
      const bottom = two.images.data.subarray((2 * n + 1) * digit, (2 * n + 2) * digit);
      expect(top).toEqual(mnist.images.data.subarray(n * digit, (n + 1) * digit));
      const p = two.partner[n]!;
      expect(bottom).toEqual(mnist.images.data.subarray(p * digit, (p + 1) * digit));
      expect(two.labels[n]).toBe(mnist.labels[n]);
      expect(two.lowerLabels[n]).toBe(mnist.labels[p]);
    }
  });

  it('draws the partners from the seed: the same seed gives the same set, another seed another', () => {
    expect(loadTwoDigitMnist('test', { limit: 200 }).partner).toEqual(two.partner);
    expect(loadTwoDigitMnist('test', { limit: 200, seed: 99 }).partner).not.toEqual(two.partner);
  });

  it('pairs labels independently: the lower digit agrees with the label about one time in ten', () => {
    const full = loadTwoDigitMnist('test');
    let same = 0;
    for (let i = 0; i < full.labels.length; i++) if (full.labels[i] === full.lowerLabels[i]) same++;
    expect(same / full.labels.length).toBeGreaterThan(0.08);
    expect(same / full.labels.length).toBeLessThan(0.12);
  });

  it('refuses a seed that is not an integer', () => {
    expect(() => loadTwoDigitMnist('test', { limit: 1, seed: 0.5 })).toThrow(InvalidArgumentError);
  });
});
