import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../src/core/errors.js';
import { avgPool2d, graph, pad, relu } from '../../src/nn/builder/index.js';
import { consumersOf, layerNames, layerOutput, nodesOfLayer, producerOf } from '../../src/nn/layers.js';

// zennit's `5` = Pad + AvgPool: two nodes, one layer.
const model = graph([1, 4, 4], (g) => {
  const r = g.apply(relu(), g.input, { name: 'relu0', layer: '0' });
  const p = g.apply(pad([0, 1, 1, 0, 1, 1]), r, { name: '/5/Pad', layer: '5' });
  return g.apply(avgPool2d(2), p, { name: '/5/AveragePool', layer: '5' });
});

describe('nn/layers', () => {
  it('lists the distinct layer names in order', () => {
    expect(layerNames(model)).toEqual(['0', '5']);
  });

  it("takes a layer's output from its last node", () => {
    expect(nodesOfLayer(model, '5').map((n) => n.name)).toEqual(['/5/Pad', '/5/AveragePool']);
    expect(layerOutput(model, '5')).toBe('/5/AveragePool');
    expect(layerOutput(model, '0')).toBe('relu0');
  });

  it('rejects an unknown layer with a NotFoundError listing the known ones', () => {
    expect(() => layerOutput(model, '4')).toThrow(NotFoundError);
    expect(() => layerOutput(model, '4')).toThrow(/layer "4" not found; known layers: 0, 5/);
  });

  it('finds producers and consumers of tensors', () => {
    expect(producerOf(model, 'relu0')?.name).toBe('relu0');
    expect(producerOf(model, 'input')).toBeUndefined();
    expect(() => producerOf(model, 'nothing')).toThrow(NotFoundError);
    expect(consumersOf(model, 'relu0').map((n) => n.name)).toEqual(['/5/Pad']);
  });
});
