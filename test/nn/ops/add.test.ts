import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, ShapeError } from '../../../src/core/errors.js';
import type { Node } from '../../../src/nn/graph.js';
import { applyOp, randomTensor, rngOf } from '../support.js';

const addNode: Node<'add'> = {
  op: 'add',
  name: 'sum',
  layer: 'block',
  inputs: ['a', 'b'],
  output: 'y',
  attributes: {},
  params: {},
};

describe('nn/ops/add', () => {
  it('sums its inputs element by element', () => {
    const a = randomTensor(rngOf(1), [2, 3, 2, 2], 'float64');
    const b = randomTensor(rngOf(2), [2, 3, 2, 2], 'float64');
    const c = randomTensor(rngOf(3), [2, 3, 2, 2], 'float64');
    const y = applyOp({ ...addNode, inputs: ['a', 'b', 'c'] }, [a, b, c]);
    expect(y.shape).toEqual([2, 3, 2, 2]);
    expect(Array.from(y.data)).toEqual(Array.from(a.data, (v, i) => v + b.data[i]! + c.data[i]!));
  });

  it('rejects inputs of different shapes with a ShapeError naming the node', () => {
    const a = randomTensor(rngOf(1), [1, 3, 2, 2]);
    const b = randomTensor(rngOf(2), [1, 3, 2, 1]);
    expect(() => applyOp(addNode, [a, b])).toThrow(ShapeError);
    expect(() => applyOp(addNode, [a, b])).toThrow(/node "sum" \(add, layer "block"\) input 2/);
  });

  it('rejects a single input', () => {
    expect(() => applyOp(addNode, [randomTensor(rngOf(1), [1, 3])])).toThrow(InvalidArgumentError);
  });
});
