import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, ShapeError } from '../../../src/core/errors.js';
import { type DType, tensor } from '../../../src/core/tensor.js';
import type { Node } from '../../../src/nn/graph.js';
import { applyOp, expectClose, RTOL, randomTensor, rngOf } from '../support.js';
import { adaptiveAvgPoolRef } from './reference.js';

const adaptive = (oh: number, ow: number): Node<'adaptive_avg_pool'> => ({
  op: 'adaptive_avg_pool',
  name: 'avgpool',
  layer: 'avgpool',
  inputs: ['x'],
  output: 'y',
  attributes: { outputSize: [oh, ow] },
  params: {},
});

const globalPool: Node<'global_avg_pool'> = {
  op: 'global_avg_pool',
  name: 'pool',
  layer: 'pool',
  inputs: ['x'],
  output: 'y',
  attributes: {},
  params: {},
};

describe('nn/ops/adaptive-avg-pool', () => {
  for (const dtype of ['float32', 'float64'] as DType[])
    it(`equals PyTorch's windows [⌊i·H/oh⌋, ⌈(i+1)·H/oh⌉) in ${dtype}, larger outputs included`, () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 9 }),
          fc.integer({ min: 1, max: 9 }),
          fc.integer({ min: 1, max: 9 }),
          fc.integer({ min: 1, max: 9 }),
          fc.integer({ min: 0, max: 2 ** 31 - 1 }),
          (h, w, oh, ow, seed) => {
            const x = randomTensor(rngOf(seed), [2, 2, h, w], dtype);
            expectClose(applyOp(adaptive(oh, ow), [x]), adaptiveAvgPoolRef(x, oh, ow), RTOL[dtype]);
          },
        ),
        { seed: 7003, numRuns: 200 },
      );
    });

  it('overlaps windows when the output size does not divide the input (5 → 3: rows 0–1, 1–3, 3–4)', () => {
    const x = tensor([1, 1, 5, 1], Float64Array.from([1, 2, 3, 4, 5]));
    expect(Array.from(applyOp(adaptive(3, 1), [x]).data)).toEqual([1.5, 3, 4.5]);
  });

  it('rejects a non-positive output size', () => {
    expect(() => applyOp(adaptive(0, 1), [randomTensor(rngOf(1), [1, 1, 3, 3])])).toThrow(
      InvalidArgumentError,
    );
  });
});

describe('nn/ops/global-avg-pool', () => {
  it('averages each channel to [C, 1, 1] and equals adaptive pooling to 1×1', () => {
    const x = randomTensor(rngOf(5), [2, 3, 4, 5], 'float64');
    const y = applyOp(globalPool, [x]);
    expect(y.shape).toEqual([2, 3, 1, 1]);
    expectClose(y, adaptiveAvgPoolRef(x, 1, 1), 1e-12);
  });

  it('rejects an input without spatial axes', () => {
    expect(() => applyOp(globalPool, [randomTensor(rngOf(1), [1, 4])])).toThrow(ShapeError);
  });
});
