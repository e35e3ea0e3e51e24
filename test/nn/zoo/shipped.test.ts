import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../../src/core/errors.js';
import { loadMnist, loadTwoDigitMnist } from '../../../src/nn/datasets/index.js';
import { evaluateModel } from '../../../src/nn/train/index.js';
import {
  cnn,
  loadShippedModel,
  mlp,
  namedParameters,
  SHIPPED_MODELS,
  type ShippedModelName,
} from '../../../src/nn/zoo/index.js';

const test = loadMnist('test');

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
    const { accuracy, samples } = evaluateModel(model, test);
    expect(samples).toBe(10_000);
    expect(accuracy).toBeGreaterThanOrEqual(0.975);
  });
});

describe('the shipped MNIST CNN', () => {
  const model = loadShippedModel('cnn');

  it('is LeNet-like: conv 5×5 to 8, pool, conv 5×5 to 16, pool, dense 256-64-10, named as nn.Sequential', () => {
    const layers = model.nodes.map((n) => [n.layer, n.op, model.shapes.get(n.output)]);
    expect(layers).toEqual([
      ['0', 'conv', [8, 24, 24]],
      ['1', 'relu', [8, 24, 24]],
      ['2', 'max_pool', [8, 12, 12]],
      ['3', 'conv', [16, 8, 8]],
      ['4', 'relu', [16, 8, 8]],
      ['5', 'max_pool', [16, 4, 4]],
      ['6', 'flatten', [256]],
      ['7', 'dense', [64]],
      ['8', 'relu', [64]],
      ['9', 'dense', [10]],
    ]);
    const shapes = (m: typeof model) => [...namedParameters(m)].map(([name, t]) => [name, t.shape]);
    expect(shapes(model)).toEqual([
      ['0.weight', [8, 1, 5, 5]],
      ['0.bias', [8]],
      ['3.weight', [16, 8, 5, 5]],
      ['3.bias', [16]],
      ['7.weight', [64, 256]],
      ['7.bias', [64]],
      ['9.weight', [10, 64]],
      ['9.bias', [10]],
    ]);
    expect(shapes(cnn())).toEqual(shapes(model));
    expect(model.nodes.map((n) => n.attributes)).toEqual(cnn().nodes.map((n) => n.attributes));
    expect(model.shapes.get(model.input)).toEqual([1, 28, 28]);
  });

  it('reaches at least 98.5 % on the 10,000 MNIST test images', () => {
    const { accuracy, samples } = evaluateModel(model, test);
    expect(samples).toBe(10_000);
    expect(accuracy).toBeGreaterThanOrEqual(0.985);
  });
});

describe('the shipped two-digit MLP (dmnist)', () => {
  const model = loadShippedModel('dmnist');

  it("has the report's architecture, 1568-600-200-10 with ReLU, on 56 × 28 images", () => {
    const dense = model.nodes.filter((n) => n.op === 'dense').map((n) => n.params.weight?.shape);
    expect(dense).toEqual([
      [600, 1568],
      [200, 600],
      [10, 200],
    ]);
    expect(model.shapes.get(model.input)).toEqual([1, 56, 28]);
  });

  it("reaches the report's 94.9 % on the 10,000 two-digit test images", () => {
    const { accuracy, samples } = evaluateModel(model, loadTwoDigitMnist('test'));
    expect(samples).toBe(10_000);
    expect(accuracy).toBeGreaterThanOrEqual(0.949);
  });
});

describe('SHIPPED_MODELS', () => {
  it('describes every file in models/ and builds each architecture untrained', () => {
    expect(Object.keys(SHIPPED_MODELS).sort()).toEqual(['cnn', 'dmnist', 'mlp']);
    for (const name of Object.keys(SHIPPED_MODELS) as ShippedModelName[]) {
      const recipe = SHIPPED_MODELS[name];
      const shipped = loadShippedModel(name);
      expect(recipe.architecture().nodes.map((n) => n.op)).toEqual(shipped.nodes.map((n) => n.op));
      // The shipped parameters are trained: they differ from the recipe's initial ones.
      const initial = namedParameters(recipe.architecture());
      for (const [param, t] of namedParameters(shipped)) expect(t.data).not.toEqual(initial.get(param)!.data);
    }
  });

  it('refuses an unknown name with the known ones', () => {
    expect(() => loadShippedModel('resnet' as ShippedModelName)).toThrow(NotFoundError);
    expect(() => loadShippedModel('resnet' as ShippedModelName)).toThrow(
      /known shipped models: mlp, cnn, dmnist/,
    );
  });
});
