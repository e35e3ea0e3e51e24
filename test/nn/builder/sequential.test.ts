import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, ShapeError } from '../../../src/core/errors.js';
import {
  adaptiveAvgPool2d,
  avgPool2d,
  batchNorm,
  conv2d,
  dropout,
  flatten,
  globalAvgPool2d,
  identity,
  linear,
  maxPool2d,
  pad,
  relu,
  sequential,
  view,
} from '../../../src/nn/builder/index.js';

describe('nn/builder: sequential', () => {
  it("names layers '0', '1', '2', … as nn.Sequential names its children", () => {
    const model = sequential([784], [linear(784, 300), relu(), linear(300, 100), relu(), linear(100, 10)]);
    expect(model.nodes.map((n) => n.layer)).toEqual(['0', '1', '2', '3', '4']);
    expect(model.nodes.map((n) => n.op)).toEqual(['dense', 'relu', 'dense', 'relu', 'dense']);
    expect(model.input).toBe('input');
    expect(model.output).toBe('4');
    expect(model.shapes.get('4')).toEqual([10]);
  });

  it('takes names given per layer, and unique node names follow them', () => {
    const model = sequential([4], [linear(4, 3), relu(), linear(3, 2)], { names: ['fc1', 'act', 'fc2'] });
    expect(model.nodes.map((n) => [n.name, n.layer, n.output])).toEqual([
      ['fc1', 'fc1', 'fc1'],
      ['act', 'act', 'act'],
      ['fc2', 'fc2', 'fc2'],
    ]);
    expect(() => sequential([4], [linear(4, 3), relu()], { names: ['a'] })).toThrow(InvalidArgumentError);
    expect(() => sequential([4], [linear(4, 3), relu()], { names: ['a', 'a'] })).toThrow(
      /"a" is already used/,
    );
  });

  it('builds a VGG-style feature extractor with every layer kind', () => {
    const model = sequential(
      [3, 16, 16],
      [
        conv2d(3, 8, 3, { padding: 1 }),
        batchNorm(8),
        relu(),
        maxPool2d(2),
        conv2d(8, 8, 3, { padding: [1, 1], groups: 2, dilation: 1, stride: 1 }),
        relu(),
        avgPool2d(3, { stride: 2, padding: 1, ceilMode: true }),
        pad([0, 1, 1, 0, 0, 0]),
        adaptiveAvgPool2d([2, 3]),
        globalAvgPool2d(),
        flatten(),
        dropout(),
        identity(),
        view([2, -1]),
        flatten(),
        linear(8, 5),
      ],
    );
    expect(model.shapes.get('3')).toEqual([8, 8, 8]);
    expect(model.shapes.get('6')).toEqual([8, 5, 5]); // ⌈(8 + 2 − 2 − 1)/2⌉ + 1 = 5, last start 8 < 9
    expect(model.shapes.get('7')).toEqual([8, 6, 6]); // begins (0, 1, 1), ends (0, 0, 0)
    expect(model.shapes.get('8')).toEqual([8, 2, 3]);
    expect(model.shapes.get('13')).toEqual([2, 4]);
    expect(model.shapes.get('15')).toEqual([5]);
    const pool = model.nodes[6]!;
    expect(pool.op === 'avg_pool' && pool.attributes.countIncludePad).toBe(true);
    const max = model.nodes[3]!;
    expect(max.op === 'max_pool' && max.attributes.strides).toEqual([2, 2]);
  });

  it('reports a layer that does not fit its input with a ShapeError naming the layer', () => {
    const build = () => sequential([784], [linear(784, 300), relu(), linear(200, 10)]);
    expect(build).toThrow(ShapeError);
    expect(build).toThrow(/node "2" \(dense, layer "2"\)/);
    expect(() => sequential([6], [view([4, -1])])).toThrow(ShapeError);
  });

  it('rejects bad layer arguments when the layer is made', () => {
    expect(() => linear(0, 3)).toThrow(InvalidArgumentError);
    expect(() => conv2d(3, 4, 3, { groups: 2 })).toThrow(/groups/);
    expect(() => conv2d(3, 4, [3, 0])).toThrow(/kernel/);
    expect(() => maxPool2d(2, { padding: [1, 2, 3] })).toThrow(/padding/);
    expect(() => batchNorm(3, { epsilon: -1 })).toThrow(/epsilon/);
    expect(() => view([-1, -1])).toThrow(/at most one −1/);
    expect(() => sequential([4], [])).toThrow(/at least one layer/);
  });
});
