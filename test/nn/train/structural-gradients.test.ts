import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  add,
  concat,
  conv2d,
  dropout,
  flatten,
  graph,
  identity,
  linear,
  pad,
  relu,
  view,
} from '../../../src/nn/builder/index.js';
import type { Model } from '../../../src/nn/graph.js';
import { expectGradientsMatch, randomCase } from './finite-differences.js';

/** Pads of a [C, H, W] tensor: begins then ends, −1 crops, each in [−1, 2]. */
const arbPads = fc.array(fc.integer({ min: -1, max: 2 }), { minLength: 6, maxLength: 6 });

interface StructuralSpec {
  /** The axis of the first concatenation (0 channels, 1 height, 2 width). */
  readonly axis: number;
  /** Begin and end pad of that axis for the padded branch. */
  readonly along: readonly [number, number];
  /** Pads of every axis for the second padded branch. */
  readonly pads: readonly number[];
  readonly value: number;
}

/**
 * stem = conv(x); cat = concat_axis(relu(stem), pad_axis(stem), stem); two 1×1 convs of cat added
 * (a residual sum; cat and stem feed several nodes, so their gradients accumulate); that sum
 * through dropout, identity and view, concatenated with a fully padded (or cropped) relu(stem)
 * flattened; then a dense layer to 3 classes.
 */
function structuralNet(spec: StructuralSpec, seed: number): Model | undefined {
  const onAxis = [0, 0, 0, 0, 0, 0];
  onAxis[spec.axis] = spec.along[0];
  onAxis[spec.axis + 3] = spec.along[1];
  try {
    return graph(
      [2, 4, 5],
      (g) => {
        const stem = g.apply(conv2d(2, 2, 3, { padding: 1 }), g.input, { name: 'stem' });
        const r = g.apply(relu(), stem, { name: 'relu' });
        const padded = g.apply(pad(onAxis, spec.value), stem, { name: 'pad' });
        const cat = g.apply(concat(spec.axis), [r, padded, stem], { name: 'cat' });
        const channels = g.shape(cat)[0]!;
        const left = g.apply(conv2d(channels, 2, 1), cat, { name: 'left' });
        const right = g.apply(conv2d(channels, 2, 1), cat, { name: 'right' });
        const sum = g.apply(add(), [left, right], { name: 'sum' });
        const kept = g.apply(identity(), g.apply(dropout(), sum, { name: 'dropout' }), { name: 'identity' });
        const flat = g.apply(view([-1]), kept, { name: 'view' });
        const other = g.apply(flatten(), g.apply(pad(spec.pads, spec.value), r, { name: 'pad2' }), {
          name: 'flatten',
        });
        const both = g.apply(concat(0), [flat, other], { name: 'cat2' });
        return g.apply(linear(g.shape(both)[0]!, 3), both, { name: 'fc' });
      },
      { seed },
    );
  } catch {
    return undefined; // a crop that empties an axis
  }
}

describe('the structural backward passes', () => {
  it('match central finite differences through pad, concat, add, dropout, identity and reshapes', () => {
    let checked = 0;
    fc.assert(
      fc.property(
        fc.record({
          axis: fc.integer({ min: 0, max: 2 }),
          along: fc.tuple(fc.integer({ min: -1, max: 2 }), fc.integer({ min: -1, max: 2 })),
          pads: arbPads,
          value: fc.double({ min: -2, max: 2, noNaN: true }),
        }),
        fc.integer({ min: 1, max: 3 }),
        fc.nat(1000),
        fc.nat(1000),
        (spec, batch, seed, dataSeed) => {
          const model = structuralNet(spec, seed);
          fc.pre(model !== undefined);
          checked += expectGradientsMatch(randomCase(model!, batch, dataSeed)).checked;
        },
      ),
      { seed: 0x57a7, numRuns: 40 },
    );
    expect(checked).toBeGreaterThan(2000);
  });
});
