import { describe, expect, it } from 'vitest';
import { loadMnist } from '../../../src/nn/datasets/index.js';
import { evaluateModel } from '../../../src/nn/train/index.js';
import { loadShippedModel, mlp } from '../../../src/nn/zoo/index.js';

describe('the shipped MNIST MLP', () => {
  const model = loadShippedModel('mlp');

  it("has the report's architecture, 784-300-100-10 with ReLU", () => {
    const dense = model.nodes.filter((n) => n.op === 'dense').map((n) => n.params.weight?.shape);
    expect(dense).toEqual([
      [300, 784],
      [100, 300],
      [10, 100],
    ]);
    expect(model.nodes.map((n) => n.op)).toEqual(mlp().nodes.map((n) => n.op));
    expect(model.shapes.get(model.input)).toEqual([1, 28, 28]);
  });

  it('reaches at least 97.5 % on the 10,000 MNIST test images', () => {
    const test = loadMnist('test');
    const { accuracy, samples } = evaluateModel(model, test);
    expect(samples).toBe(10_000);
    expect(accuracy).toBeGreaterThanOrEqual(0.975);
  });
});
