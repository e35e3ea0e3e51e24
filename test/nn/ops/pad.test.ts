import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, ShapeError } from '../../../src/core/errors.js';
import { sizeOf, tensor } from '../../../src/core/tensor.js';
import type { Node } from '../../../src/nn/graph.js';
import { applyOp, randomTensor, rngOf } from '../support.js';

const padNode = (pads: number[], value = 0): Node<'pad'> => ({
  op: 'pad',
  name: 'pad',
  layer: '5',
  inputs: ['x'],
  output: 'y',
  attributes: { pads, value },
  params: {},
});

/** The naive definition: y[i + b] = x[i] where inside, `value` elsewhere, by multi-indices. */
function padRef(x: { shape: readonly number[]; data: ArrayLike<number> }, pads: number[], value: number) {
  const rank = x.shape.length - 1;
  const shape = x.shape.map((d, a) => (a === 0 ? d : d + pads[a - 1]! + pads[a - 1 + rank]!));
  const data = new Float64Array(sizeOf(shape)).fill(value);
  const index = (i: number, s: readonly number[]) => {
    const multi: number[] = [];
    for (let a = s.length - 1; a >= 0; a--) {
      multi.unshift(i % s[a]!);
      i = Math.floor(i / s[a]!);
    }
    return multi;
  };
  for (let i = 0; i < x.data.length; i++) {
    const target = index(i, x.shape).map((c, a) => (a === 0 ? c : c + pads[a - 1]!));
    if (target.some((c, a) => c < 0 || c >= shape[a]!)) continue;
    data[target.reduce((flat, c, a) => flat * shape[a]! + c, 0)] = x.data[i]!;
  }
  return { shape, data };
}

describe('nn/ops/pad', () => {
  it('places the input at the begin offsets and fills the rest, cropping for negative pads', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.double({ min: -2, max: 2, noNaN: true }),
        (shape, seed, value) => {
          const rng = rngOf(seed);
          const pads = [...shape, ...shape].map((d) => rng.int(-Math.floor((d - 1) / 2), 3));
          const x = randomTensor(rng, [2, ...shape], 'float64');
          const expected = padRef(x, pads, value);
          const y = applyOp(padNode(pads, value), [x]);
          expect(y.shape).toEqual(expected.shape);
          expect(Array.from(y.data)).toEqual(Array.from(expected.data));
        },
      ),
      { seed: 7006, numRuns: 200 },
    );
  });

  it('pads an image by (top, left) = (1, 0) and (bottom, right) = (0, 2) with a constant', () => {
    const x = tensor([1, 1, 1, 2], Float32Array.from([1, 2]));
    const y = applyOp(padNode([0, 1, 0, 0, 0, 2], -1), [x]);
    expect(y.shape).toEqual([1, 1, 2, 4]);
    expect(Array.from(y.data)).toEqual([-1, -1, -1, -1, 1, 2, -1, -1]);
  });

  it('rejects pads of the wrong length, a crop to nothing and a non-finite value', () => {
    const x = randomTensor(rngOf(1), [1, 2, 3]);
    expect(() => applyOp(padNode([1, 1]), [x])).toThrow(InvalidArgumentError);
    expect(() => applyOp(padNode([0, -2, 0, -1]), [x])).toThrow(ShapeError);
    expect(() => applyOp(padNode([0, 0, 0, 0], Number.NaN), [x])).toThrow(/finite/);
  });
});
