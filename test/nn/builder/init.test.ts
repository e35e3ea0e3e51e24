import { describe, expect, it } from 'vitest';
import { ShapeError } from '../../../src/core/errors.js';
import {
  batchNorm,
  conv2d,
  defaultInitBound,
  linear,
  relu,
  sequential,
} from '../../../src/nn/builder/index.js';
import type { Model, Node } from '../../../src/nn/graph.js';

const params = (model: Model, i: number) => (model.nodes[i] as Node<'dense'> | Node<'conv'>).params;

/** Checks that values lie in [−bound, bound] (after float32 rounding) and spread over most of it. */
function expectUniformIn(data: Float32Array, bound: number): void {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of data) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  expect(lo).toBeGreaterThanOrEqual(-Math.fround(bound));
  expect(hi).toBeLessThanOrEqual(Math.fround(bound));
  expect(lo).toBeLessThan(-0.9 * bound);
  expect(hi).toBeGreaterThan(0.9 * bound);
}

describe('nn/builder: default initialisation', () => {
  it("draws linear weights and biases from U(−1/√in, 1/√in), PyTorch's default", () => {
    const model = sequential([300], [linear(300, 200)]);
    expect(defaultInitBound(300)).toBeCloseTo(1 / Math.sqrt(300), 15);
    expectUniformIn(params(model, 0).weight.data, 1 / Math.sqrt(300));
    expectUniformIn(params(model, 0).bias.data, 1 / Math.sqrt(300));
    // the mean of 60,000 uniform draws is within 4 standard errors of 0
    const w = params(model, 0).weight.data;
    const mean = w.reduce((a, v) => a + v, 0) / w.length;
    expect(Math.abs(mean)).toBeLessThan((4 * (1 / Math.sqrt(300))) / Math.sqrt(3 * w.length));
  });

  it('uses fan_in = in_channels/groups·kh·kw for convolutions', () => {
    const model = sequential([8, 5, 5], [conv2d(8, 64, [3, 2], { groups: 4 })]);
    expect(params(model, 0).weight.shape).toEqual([64, 2, 3, 2]);
    expectUniformIn(params(model, 0).weight.data, 1 / Math.sqrt(12));
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const build = (seed: number) => sequential([10], [linear(10, 5), relu(), linear(5, 2)], { seed });
    expect(params(build(1), 2).weight.data).toEqual(params(build(1), 2).weight.data);
    expect(params(build(1), 0).weight.data).not.toEqual(params(build(2), 0).weight.data);
  });

  it('gives a layer with its own seed the same parameters wherever it stands', () => {
    const alone = sequential([10], [linear(10, 5, { seed: 9 })], { seed: 1 });
    const later = sequential([10], [linear(10, 10), relu(), linear(10, 5, { seed: 9 })], { seed: 2 });
    expect(params(later, 2).weight.data).toEqual(params(alone, 0).weight.data);
  });

  it('takes explicit weights and biases, and bias false as zeros', () => {
    const model = sequential([2], [linear(2, 2, { weight: [1, 2, 3, 4], bias: false })]);
    expect(Array.from(params(model, 0).weight.data)).toEqual([1, 2, 3, 4]);
    expect(Array.from(params(model, 0).bias.data)).toEqual([0, 0]);
    expect(() => sequential([2], [linear(2, 2, { weight: [1, 2, 3] })])).toThrow(ShapeError);
    expect(() => sequential([2], [linear(2, 2, { bias: [1, Number.NaN] })])).toThrow(/finite/);
  });

  it('defaults BatchNorm to γ = 1, β = 0, μ = 0, σ² = 1 and ε = 1e-5', () => {
    const model = sequential([3], [batchNorm(3, { mean: [1, 2, 3] })]);
    const bn = model.nodes[0] as Node<'batch_norm'>;
    expect(Array.from(bn.params.scale.data)).toEqual([1, 1, 1]);
    expect(Array.from(bn.params.bias.data)).toEqual([0, 0, 0]);
    expect(Array.from(bn.params.mean.data)).toEqual([1, 2, 3]);
    expect(Array.from(bn.params.variance.data)).toEqual([1, 1, 1]);
    expect(bn.attributes.epsilon).toBe(1e-5);
  });
});
