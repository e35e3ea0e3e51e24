import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile } from '../../../src/circuits/index.js';
import { Rng } from '../../../src/core/rng.js';
import type { AnyNode, Model } from '../../../src/nn/graph.js';
import {
  customComposite,
  forgetModifiedParameters,
  gamma,
  type LinearNode,
  type LinearRule,
  linearLayerOf,
  lrp,
  zBox,
  zPlus,
} from '../../../src/nn/lrp/index.js';
import { createModel } from '../../../src/nn/model.js';

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
});
