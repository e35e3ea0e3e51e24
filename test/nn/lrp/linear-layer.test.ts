import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile } from '../../../src/circuits/index.js';
import { Rng } from '../../../src/core/rng.js';
import { denseAdjoint } from '../../../src/nn/adjoints/index.js';
import type { AnyNode, Model } from '../../../src/nn/graph.js';
import {
  customComposite,
  forgetModifiedParameters,
  gamma,
  type LinearNode,
  type LinearRule,
  linearLayerOf,
  lrp,
  oneParam,
  zBox,
  zeroParam,
  zPlus,
} from '../../../src/nn/lrp/index.js';
import { createModel } from '../../../src/nn/model.js';
import { opOf } from '../../../src/nn/ops/index.js';
import { denseNode } from '../support.js';

/** A two-layer dense network with weights drawn from `seed`. */
function twoLayers(seed: number): Model {
  const rng = new Rng(seed);
  const dense = (name: string, input: string, output: string, nIn: number, nOut: number): AnyNode =>
    ({
      op: 'dense',
      name,
      layer: name,
      inputs: [input],
      output,
      attributes: {},
      params: {
        weight: { shape: [nOut, nIn], data: rng.uniformArray(nOut * nIn, -1, 1) },
        bias: { shape: [nOut], data: rng.uniformArray(nOut, -0.2, 0.2) },
      },
    }) as AnyNode;
  return createModel({
    input: 'x',
    inputShape: [6],
    output: 'z',
    nodes: [
      dense('fc1', 'x', 'h', 6, 5),
      {
        op: 'relu',
        name: 'act',
        layer: 'act',
        inputs: ['h'],
        output: 'r',
        attributes: {},
        params: {},
      } as AnyNode,
      dense('fc2', 'r', 'z', 5, 3),
    ],
  });
}

const RULES: [string, LinearRule][] = [
  ['zplus', zPlus()],
  ['gamma', gamma({ gamma: 0.25 })],
  ['zbox', zBox({ low: -1, high: 1 })],
];

describe('modified parameters are computed once per layer', () => {
  it('one layer per node and shapes, made anew after forgetModifiedParameters', () => {
    const model = twoLayers(1);
    const node = model.nodes[0] as LinearNode;
    const first = linearLayerOf(node, [6], [5]);
    expect(linearLayerOf(node, [6], [5])).toBe(first);
    expect(linearLayerOf(node, [3, 2], [5])).not.toBe(first);
    forgetModifiedParameters();
    expect(linearLayerOf(node, [6], [5])).not.toBe(first);
  });

  it.each(RULES)(
    '%s: after weights change in place and are forgotten, relevance is that of the new weights',
    (_, rule) => {
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 1 << 30 }),
          fc.integer({ min: 0, max: 1 << 30 }),
          (seedA, seedB) => {
            // Two draws of one seed are one network: nothing would change.
            fc.pre(seedA !== seedB);
            const model = twoLayers(seedA);
            const rng = new Rng(seedB);
            const x = { shape: [2, 6], data: Float64Array.from({ length: 12 }, () => rng.uniform(-1, 1)) };
            const options = {
              composite: customComposite({ ops: { dense: rule } }),
              dtype: 'float64' as const,
            };
            const circuit = compile(model);
            const before = lrp(model, x, options).data.slice();
            circuit.trace(x, 'float64').relevance({ semiring: 'real', composite: options.composite });
            // New weights written into the same arrays, as an optimiser does.
            const other = twoLayers(seedB);
            model.nodes.forEach((node, i) => {
              for (const key of ['weight', 'bias'] as const) {
                const p = (node.params as Record<string, { data: Float32Array }>)[key];
                if (p)
                  p.data.set((other.nodes[i]!.params as Record<string, { data: Float32Array }>)[key]!.data);
              }
            });
            forgetModifiedParameters();
            const after = lrp(model, x, options).data;
            const fresh = lrp(other, x, options).data;
            expect(Array.from(after)).toEqual(Array.from(fresh));
            expect(
              Array.from(
                circuit.trace(x, 'float64').relevance({ semiring: 'real', composite: options.composite })
                  .values,
              ),
            ).toEqual(Array.from(fresh));
            // The check can fail: the two networks' relevance differs.
            expect(Array.from(after)).not.toEqual(Array.from(before));
          },
        ),
        { numRuns: 20 },
      );
    },
  );

  it('sums where every weight is 1 (flat): the same bits as the product with a matrix of ones', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 90 }),
        fc.integer({ min: 1, max: 70 }),
        fc.constantFrom('float32' as const, 'float64' as const),
        fc.boolean(),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (rows, nIn, nOut, dtype, used, seed) => {
          const rng = new Rng(seed);
          const of = (n: number) =>
            dtype === 'float32' ? rng.uniformArray(n, -1, 1) : Float64Array.from(rng.uniformArray(n, -1, 1));
          const node = denseNode(rng, nIn, nOut);
          const layer = linearLayerOf(node, [nIn], [nOut]);
          const ones = {
            ...node,
            params: {
              weight: { shape: [nOut, nIn], data: new Float32Array(nOut * nIn).fill(1) },
              bias: { shape: [nOut], data: new Float32Array(nOut) },
            },
          };
          // Forward: Σ_j in_j, as the dense forward of the ones matrix (bias 0) computes it.
          const x = of(rows * nIn);
          const expected =
            dtype === 'float32' ? new Float32Array(rows * nOut) : new Float64Array(rows * nOut);
          opOf(ones).forward(ones, [{ shape: [rows, nIn], data: x }], {
            shape: [rows, nOut],
            data: expected,
          });
          expect(layer.forward(x, rows, oneParam, zeroParam, dtype)).toEqual(expected);
          // Adjoint into a fresh c (LRP's case: sums) and into a used one (the product).
          const s = of(rows * nOut);
          const c0 = used ? of(rows * nIn) : of(rows * nIn).fill(0);
          const c = c0.slice();
          layer.adjoint(s, oneParam, c);
          const product = c0.slice();
          denseAdjoint(ones, s, product, layer.param('weight', oneParam, dtype));
          expect(c).toEqual(product);
        },
      ),
      { numRuns: 150 },
    );
  });
});
