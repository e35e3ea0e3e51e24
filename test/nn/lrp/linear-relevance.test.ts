import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DType, FloatArray } from '../../../src/core/tensor.js';
import type { LinearNode } from '../../../src/nn/lrp/index.js';
import { identityParam, linearLayerOf, linearStatistics, zPlus } from '../../../src/nn/lrp/index.js';

// Inputs with −0, subnormals and ties at 0; `relu` keeps them ≥ 0 (−0 included), as after a ReLU.
const value = fc.oneof(
  { weight: 4, arbitrary: fc.double({ min: -4, max: 4, noNaN: true }) },
  { weight: 3, arbitrary: fc.constantFrom(0, -0, 5e-324, -5e-324, 1e-45, -1e-45) },
);

const dense = (nIn: number, nOut: number, weights: readonly number[]): LinearNode =>
  ({
    op: 'dense',
    name: 'fc',
    layer: 'fc',
    inputs: ['x'],
    output: 'z',
    attributes: {},
    params: {
      weight: { shape: [nOut, nIn], data: Float32Array.from(weights) },
      bias: { shape: [nOut], data: new Float32Array(nOut) },
    },
  }) as LinearNode;

const bits = (data: ArrayLike<number>): string[] =>
  Array.from(data, (v) => (Object.is(v, -0) ? '-0' : String(v)));

describe('nn/lrp/linear-relevance', () => {
  for (const dtype of ['float32', 'float64'] as DType[])
    it(`gives z⁺ the inputs a⁺ and a⁻ = min(a, 0) bit for bit, and marks an all-zero a⁻, in ${dtype}`, () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 6 }),
          fc.integer({ min: 1, max: 3 }),
          fc.integer({ min: 1, max: 2 }),
          fc.boolean(),
          fc.infiniteStream(value),
          (nIn, nOut, batch, relu, stream) => {
            const draws = [...stream.take(batch * nIn + nIn * nOut)];
            const inputs = draws.slice(0, batch * nIn).map((v) => (relu && v < 0 ? -v : v));
            const data: FloatArray =
              dtype === 'float32' ? Float32Array.from(inputs) : Float64Array.from(inputs);
            const layer = linearLayerOf(dense(nIn, nOut, draws.slice(batch * nIn)), [nIn], [nOut]);
            const z = layer.forward(data, batch, identityParam, identityParam, dtype);
            const stats = linearStatistics(
              layer,
              zPlus(),
              { shape: [batch, nIn], data },
              { shape: [batch, nOut], data: z },
            );
            const [plus, minus] = stats.groups[0]!.terms;
            const negative = Array.from(data, (v) => Math.min(v, 0));
            expect(bits(minus!.input)).toEqual(bits(negative));
            expect(minus!.zero).toBe(negative.every((v) => v === 0));
            // a⁺ is a itself where a has no negative element (−0 kept), max(a, 0) otherwise.
            const positive = data.some((v) => v < 0)
              ? Array.from(data, (v) => Math.max(v, 0))
              : Array.from(data);
            expect(bits(plus!.input)).toEqual(bits(positive));
          },
        ),
        { seed: 6201, numRuns: 500 },
      );
    });
});
