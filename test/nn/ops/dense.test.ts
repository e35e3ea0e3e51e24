import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, ShapeError } from '../../../src/core/errors.js';
import type { DType } from '../../../src/core/tensor.js';
import type { Node } from '../../../src/nn/graph.js';
import { applyOp, expectClose, RTOL, randomParam, randomTensor, rngOf } from '../support.js';
import { denseRef } from './reference.js';

const denseNode = (seed: number, nIn: number, nOut: number): Node<'dense'> => {
  const rng = rngOf(seed);
  return {
    op: 'dense',
    name: 'fc',
    layer: 'classifier.0',
    inputs: ['x'],
    output: 'y',
    attributes: {},
    params: { weight: randomParam(rng, [nOut, nIn]), bias: randomParam(rng, [nOut]) },
  };
};

describe('nn/ops/dense', () => {
  for (const dtype of ['float32', 'float64'] as DType[])
    it(`equals z = x·Wᵀ + b over the last axis in ${dtype}, for inputs [in] and [..., in]`, () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 40 }),
          fc.integer({ min: 1, max: 12 }),
          fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }),
          fc.integer({ min: 1, max: 3 }),
          fc.integer({ min: 0, max: 2 ** 31 - 1 }),
          (nIn, nOut, lead, batch, seed) => {
            const node = denseNode(seed, nIn, nOut);
            const x = randomTensor(rngOf(seed + 1), [batch, ...lead, nIn], dtype);
            expectClose(applyOp(node, [x]), denseRef(x, node.params.weight, node.params.bias), RTOL[dtype]);
          },
        ),
        { seed: 7004, numRuns: 200 },
      );
    });

  it('rejects an input whose last axis does not match the weight, naming node and layer', () => {
    const node = denseNode(1, 4, 2);
    const run = () => applyOp(node, [randomTensor(rngOf(1), [1, 5])]);
    expect(run).toThrow(ShapeError);
    expect(run).toThrow(/node "fc" \(dense, layer "classifier.0"\).*\[\.\.\., 4\].*\[5\]/);
  });

  it('rejects a bias of the wrong length and a missing weight', () => {
    const node = denseNode(1, 4, 2);
    const badBias = { ...node, params: { ...node.params, bias: randomParam(rngOf(2), [3]) } };
    expect(() => applyOp(badBias, [randomTensor(rngOf(1), [1, 4])])).toThrow(
      /parameter "bias".*\[2\].*\[3\]/,
    );
    const noWeight = { ...node, params: { bias: node.params.bias } } as unknown as Node<'dense'>;
    expect(() => applyOp(noWeight, [randomTensor(rngOf(1), [1, 4])])).toThrow(ShapeError);
  });

  it('rejects two inputs', () => {
    const node = denseNode(1, 4, 2);
    const x = randomTensor(rngOf(1), [1, 4]);
    expect(() => applyOp(node, [x, x])).toThrow(InvalidArgumentError);
  });
});
