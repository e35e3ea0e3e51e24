import { describe, expect, it } from 'vitest';
import { type Progress, relevanceOf } from '../../src/analysis/index.js';
import { loadMnist } from '../../src/nn/datasets/index.js';
import { loadShippedModel } from '../../src/nn/zoo/index.js';

describe('relevanceOf', () => {
  const model = loadShippedModel('mlp');
  const test = loadMnist('test', { limit: 12 });
  const requests = {
    boolean: { semiring: 'boolean' },
    viterbi: { semiring: 'viterbi', layer: '1' },
  } as const;
  const counter = (): Progress & { steps: number } => {
    const p = { steps: 0, start() {}, finish() {}, advance: (n = 1) => (p.steps += n) };
    return p;
  };

  it('explains every image for its own target, one step per image and request', () => {
    const progress = counter();
    const r = relevanceOf(model, test.images.data, test.labels, 12, requests, progress);
    expect(r.boolean).toHaveLength(12 * 784);
    expect(r.viterbi).toHaveLength(12 * 300);
    expect(progress.steps).toBe(24);
  });

  it('keeps results under a data key and returns the same arrays for the same key', () => {
    const first = relevanceOf(model, test.images.data, test.labels, 12, requests, counter(), 'test/memo');
    const progress = counter();
    const again = relevanceOf(model, test.images.data, test.labels, 12, requests, progress, 'test/memo');
    expect(again.boolean).toBe(first.boolean);
    expect(again.viterbi).toBe(first.viterbi);
    expect(progress.steps).toBe(24);
    expect(relevanceOf(model, test.images.data, test.labels, 12, requests, counter()).boolean).toEqual(
      first.boolean,
    );
  });
});
