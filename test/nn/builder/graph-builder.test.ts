import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, NotFoundError, ShapeError } from '../../../src/core/errors.js';
import {
  adaptiveAvgPool2d,
  add,
  concat,
  conv2d,
  flatten,
  GraphBuilder,
  graph,
  linear,
  relu,
} from '../../../src/nn/builder/index.js';
import { forward } from '../../../src/nn/forward.js';
import { randomTensor, rngOf } from '../support.js';

/** The zennit fixture's residual network: y = relu(conv(x)) + x in a block. */
const resnet = graph(
  [3, 8, 8],
  (g) => {
    const c0 = g.apply(conv2d(3, 4, 3, { padding: 1 }), g.input, { name: 'conv0' });
    const r0 = g.apply(relu(), c0, { name: 'relu0' });
    const c = g.apply(conv2d(4, 4, 3, { padding: 1 }), r0, { name: 'block.conv' });
    const r = g.apply(relu(), c, { name: 'block.relu' });
    const sum = g.apply(add(), [r, r0], { name: 'block' });
    const pooled = g.apply(adaptiveAvgPool2d(1), sum, { name: 'pool' });
    return g.apply(linear(4, 5), g.apply(flatten(), pooled, { name: 'flatten' }), { name: 'fc' });
  },
  { seed: 0 },
);

describe('nn/builder: graph', () => {
  it('builds a residual network whose sum adds the two branches', () => {
    expect(resnet.nodes.map((n) => n.name)).toEqual([
      'conv0',
      'relu0',
      'block.conv',
      'block.relu',
      'block',
      'pool',
      'flatten',
      'fc',
    ]);
    expect(resnet.output).toBe('fc');
    const acts = forward(resnet, randomTensor(rngOf(1), [2, 3, 8, 8]));
    const sum = acts.get('block').data;
    const a = acts.get('block.relu').data;
    const b = acts.get('relu0').data;
    expect(Array.from(sum)).toEqual(Array.from(a, (v, i) => Math.fround(v + b[i]!)));
  });

  it('concatenates branches along the channel axis', () => {
    const model = graph([2, 4, 4], (g) => {
      const a = g.apply(conv2d(2, 3, 1), g.input, { name: 'a' });
      const b = g.apply(conv2d(2, 5, 3, { padding: 1 }), g.input, { name: 'b' });
      return g.apply(concat(0), [a, b], { name: 'cat' });
    });
    expect(model.shapes.get('cat')).toEqual([8, 4, 4]);
  });

  it('names unnamed nodes <op>_<index> and lets nodes share a layer', () => {
    const g = new GraphBuilder([4]);
    const h = g.apply(linear(4, 4), g.input);
    const out = g.apply(relu(), h, { name: 'act', layer: 'block' });
    expect([h, out]).toEqual(['dense_0', 'act']);
    expect(g.shape(h)).toEqual([4]);
    expect(g.build(out).nodes.map((n) => n.layer)).toEqual(['dense_0', 'block']);
  });

  it('reports a mistake at the call that made it', () => {
    const g = new GraphBuilder([4]);
    const h = g.apply(linear(4, 3), g.input, { name: 'fc' });
    expect(() => g.apply(add(), [h, g.input], { name: 'sum' })).toThrow(ShapeError);
    expect(() => g.apply(relu(), 'missing')).toThrow(NotFoundError);
    expect(() => g.apply(relu(), h, { name: 'fc' })).toThrow(InvalidArgumentError);
    expect(() => g.apply(relu(), h, { name: 'input' })).toThrow(/already used/);
    expect(() => g.shape('missing')).toThrow(NotFoundError);
    expect(() => new GraphBuilder([0, 3])).toThrow(InvalidArgumentError);
  });
});
