import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, ShapeError } from '../../../src/core/errors.js';
import { tensor } from '../../../src/core/tensor.js';
import type { Node } from '../../../src/nn/graph.js';
import { applyOp, randomTensor, rngOf } from '../support.js';

const concatNode = (axis: number): Node<'concat'> => ({
  op: 'concat',
  name: 'cat',
  layer: 'cat',
  inputs: ['a', 'b'],
  output: 'y',
  attributes: { axis },
  params: {},
});

describe('nn/ops/concat', () => {
  it('concatenates along a per-sample axis, sample by sample', () => {
    // a: [2, 2, 1] per batch of 2; b: [2, 1, 1]; along per-sample axis 1.
    const a = tensor([2, 2, 1], Float32Array.from([1, 2, 3, 4]));
    const b = tensor([2, 1, 1], Float32Array.from([10, 20]));
    const y = applyOp(concatNode(0), [a, b]);
    expect(y.shape).toEqual([2, 3, 1]);
    expect(Array.from(y.data)).toEqual([1, 2, 10, 3, 4, 20]);
  });

  it('concatenates channels of images and inner axes alike', () => {
    const a = tensor([1, 2, 2], Float32Array.from([1, 2, 3, 4]));
    const b = tensor([1, 2, 1], Float32Array.from([5, 6]));
    const y = applyOp(concatNode(1), [a, b]);
    expect(y.shape).toEqual([1, 2, 3]);
    expect(Array.from(y.data)).toEqual([1, 2, 5, 3, 4, 6]);
  });

  it('rejects shapes that differ off the axis, and an axis out of range', () => {
    const a = randomTensor(rngOf(1), [1, 2, 3]);
    const b = randomTensor(rngOf(2), [1, 3, 3]);
    expect(() => applyOp(concatNode(1), [a, b])).toThrow(ShapeError);
    expect(() => applyOp(concatNode(2), [a, a])).toThrow(InvalidArgumentError);
    expect(() => applyOp(concatNode(-1), [a, a])).toThrow(/axis must be an integer in \[0, 2\)/);
  });
});
