import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, ShapeError } from '../../../src/core/errors.js';
import { tensor } from '../../../src/core/tensor.js';
import type { AnyNode, OpName } from '../../../src/nn/graph.js';
import { OPS } from '../../../src/nn/ops/index.js';
import { applyOp, randomTensor, rngOf } from '../support.js';

const node = (op: 'relu' | 'flatten' | 'identity' | 'dropout'): AnyNode =>
  ({ op, name: op, layer: op, inputs: ['x'], output: 'y', attributes: {}, params: {} }) as AnyNode;

const reshapeNode = (shape: number[]): AnyNode => ({
  op: 'reshape',
  name: 'view',
  layer: 'view',
  inputs: ['x'],
  output: 'y',
  attributes: { shape },
  params: {},
});

describe('nn/ops: element-wise and reshaping operators', () => {
  it('relu zeroes the negative elements and keeps the rest', () => {
    const x = tensor([1, 5], Float32Array.from([-2, -0.5, 0, 0.5, 3]));
    expect(Array.from(applyOp(node('relu'), [x]).data)).toEqual([0, 0, 0, 0.5, 3]);
  });

  it('identity and dropout copy their input', () => {
    const x = randomTensor(rngOf(3), [2, 3, 2]);
    for (const op of ['identity', 'dropout'] as const) {
      const y = applyOp(node(op), [x]);
      expect(y.shape).toEqual(x.shape);
      expect(y.data).toEqual(x.data);
      expect(y.data).not.toBe(x.data);
    }
  });

  it('flatten joins every per-sample axis, keeping the batch axis and C order', () => {
    const x = randomTensor(rngOf(4), [2, 3, 2, 2]);
    const y = applyOp(node('flatten'), [x]);
    expect(y.shape).toEqual([2, 12]);
    expect(y.data).toEqual(x.data);
  });

  it('reshape keeps the elements in C order under the new per-sample shape', () => {
    const x = randomTensor(rngOf(5), [2, 12]);
    const y = applyOp(reshapeNode([3, 2, 2]), [x]);
    expect(y.shape).toEqual([2, 3, 2, 2]);
    expect(y.data).toEqual(x.data);
  });

  it('reshape rejects another element count, and unresolved −1 or 0 placeholders', () => {
    const x = randomTensor(rngOf(5), [1, 12]);
    expect(() => applyOp(reshapeNode([5, 2]), [x])).toThrow(ShapeError);
    expect(() => applyOp(reshapeNode([5, 2]), [x])).toThrow(/12 elements/);
    expect(() => applyOp(reshapeNode([-1, 6]), [x])).toThrow(ShapeError);
    expect(() => applyOp(reshapeNode([0, 12]), [x])).toThrow(ShapeError);
  });

  it('single-input operators reject a second input', () => {
    const x = randomTensor(rngOf(5), [1, 4]);
    expect(() => applyOp(node('relu'), [x, x])).toThrow(InvalidArgumentError);
  });
});

describe('nn/ops: the OPS table', () => {
  it('defines every operator under its own name with its connectivity', () => {
    const connectivity: Record<OpName, string> = {
      dense: 'dense',
      conv: 'conv',
      max_pool: 'pool',
      avg_pool: 'pool',
      global_avg_pool: 'pool',
      adaptive_avg_pool: 'pool',
      relu: 'identity',
      leaky_relu: 'identity',
      clip: 'identity',
      elu: 'identity',
      selu: 'identity',
      gelu: 'identity',
      gelu_tanh: 'identity',
      sigmoid: 'identity',
      tanh: 'identity',
      softplus: 'identity',
      hard_sigmoid: 'identity',
      hard_swish: 'identity',
      silu: 'identity',
      transpose: 'identity',
      slice: 'identity',
      gather: 'identity',
      expand: 'identity',
      tile: 'identity',
      reduce_mean: 'pool',
      mul: 'add',
      scale: 'identity',
      shift: 'identity',
      matmul: 'dense',
      softmax: 'dense',
      layer_norm: 'dense',
      embedding: 'identity',
      flatten: 'identity',
      reshape: 'identity',
      batch_norm: 'diagonal',
      add: 'add',
      concat: 'identity',
      pad: 'identity',
      identity: 'identity',
      dropout: 'identity',
    };
    expect(Object.keys(OPS).sort()).toEqual(Object.keys(connectivity).sort());
    for (const [op, definition] of Object.entries(OPS)) {
      expect(definition.op).toBe(op);
      expect(definition.connectivity).toBe(connectivity[op as OpName]);
    }
  });
});
