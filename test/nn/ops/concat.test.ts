import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, ShapeError } from '../../../src/core/errors.js';
import { tensor } from '../../../src/core/tensor.js';
import { forward } from '../../../src/nn/forward.js';
import type { Node } from '../../../src/nn/graph.js';
import { lrp } from '../../../src/nn/lrp/index.js';
import { importOnnx } from '../../../src/nn/onnx/index.js';
import { buildModel, constantNode, floatTensor, intAttr, intTensor, node } from '../onnx/onnx-builder.js';
import { applyOp, randomTensor, rngOf } from '../support.js';
import { expectKernelsMatchGeneric } from './semiring-checks.js';

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

describe('ONNX Concat of activations and constants (a class token)', () => {
  // x [N, 2, 3]; a token [1, 1, 3] expanded to the batch; concatenated before (or after) x.
  const model = (order: 'before' | 'after' | 'between' | 'unexpanded') => {
    const expanded = order === 'unexpanded' ? 'token' : 'tokens';
    const inputs =
      order === 'before' ? [expanded, 'x'] : order === 'between' ? ['x', expanded, 'x'] : ['x', expanded];
    return buildModel({
      opset: 17,
      input: ['N', 2, 3],
      nodes: [
        node('Shape', ['x'], ['s']),
        constantNode('i0', intTensor('', [1], [0])),
        node('Gather', ['s', 'i0'], ['n']),
        constantNode('ones', intTensor('', [2], [1, 1])),
        node('Concat', ['n', 'ones'], ['target'], [intAttr('axis', 0)]),
        node('Expand', ['token', 'target'], ['tokens']),
        node('Concat', inputs, ['y'], [intAttr('axis', 1)], '/cat/Concat'),
      ],
      initializers: [floatTensor('token', [1, 1, 3], [0.5, -1, 2])],
    });
  };
  const input = tensor([2, 2, 3], Float64Array.from([1, 2, 3, 4, 5, 6, -1, -2, -3, -4, -5, -6]));

  it('equals the concatenation, for any batch, with the token before or after', () => {
    const before = importOnnx(model('before'));
    expect(before.nodes.map((n) => n.op)).toEqual(['pad', 'shift']);
    expect(Array.from(forward(before, input).output.data)).toEqual([
      0.5, -1, 2, 1, 2, 3, 4, 5, 6, 0.5, -1, 2, -1, -2, -3, -4, -5, -6,
    ]);
    const one = tensor([1, 2, 3], Float64Array.from([1, 2, 3, 4, 5, 6]));
    const after = forward(importOnnx(model('after')), one).output;
    expect(after.shape).toEqual([1, 3, 3]);
    expect(Array.from(after.data)).toEqual([1, 2, 3, 4, 5, 6, 0.5, -1, 2]);
  });

  it('gives the token no relevance and the activation its own unchanged', () => {
    const m = importOnnx(model('before'));
    const seed = lrp(m, input, { composite: 'epsilon', dtype: 'float64', layer: 'cat' }).data;
    const atX = lrp(m, input, { composite: 'epsilon', dtype: 'float64' }).data;
    for (let n = 0; n < 2; n++) for (let i = 0; i < 6; i++) expect(atX[n * 6 + i]).toBe(seed[n * 9 + 3 + i]);
    expectKernelsMatchGeneric(m, input);
  });

  it('refuses a constant between activations, or one not expanded to the batch', () => {
    expect(() => importOnnx(model('between'))).toThrow(/constants between them/);
    expect(() => importOnnx(model('unexpanded'))).toThrow(
      /not one float tensor \[1, …\] expanded to the batch size/,
    );
  });
});
