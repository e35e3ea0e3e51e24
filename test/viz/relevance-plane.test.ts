import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, NotFoundError, ShapeError } from '../../src/core/errors.js';
import { AGGREGATION_NAMES, type Aggregation, relevancePlane } from '../../src/viz/index.js';

/** Three channels of a 1 × 2 image: pixel 0 has (1, −3, 2), pixel 1 has (0, 0, 4). */
const threeChannels = { shape: [3, 1, 2], data: Float32Array.of(1, 0, -3, 0, 2, 4) };

const expected: Record<Aggregation, [number, number]> = {
  sum: [0, 4],
  mean: [0, 4 / 3],
  max: [2, 4],
  min: [-3, 0],
  max_abs: [-3, 4],
  or: [1, 1],
  and: [1, 0],
};

describe('relevancePlane', () => {
  it('offers the documented aggregations', () => {
    expect(AGGREGATION_NAMES).toEqual(Object.keys(expected));
  });

  for (const [name, values] of Object.entries(expected))
    it(`combines channels by ${name}`, () => {
      const plane = relevancePlane(threeChannels, name as Aggregation);
      expect([plane.height, plane.width]).toEqual([1, 2]);
      expect([...plane.data]).toEqual(values.map((v) => expect.closeTo(v, 12)));
    });

  it('max_abs keeps the first channel on ties of magnitude', () => {
    expect([...relevancePlane({ shape: [2, 1, 1], data: [2, -2] }, 'max_abs').data]).toEqual([2]);
    expect([...relevancePlane({ shape: [2, 1, 1], data: [-2, 2] }, 'max_abs').data]).toEqual([-2]);
  });

  it('accepts [H, W], [C, H, W] and a batch of one, and reads C order', () => {
    const data = Float64Array.of(1, 2, 3, 4, 5, 6);
    for (const shape of [
      [2, 3],
      [1, 2, 3],
      [1, 1, 2, 3],
    ]) {
      const plane = relevancePlane({ shape, data });
      expect([plane.height, plane.width]).toEqual([2, 3]);
      expect([...plane.data]).toEqual([1, 2, 3, 4, 5, 6]);
    }
  });

  it('reads Boolean maps stored as bytes', () => {
    const plane = relevancePlane({ shape: [2, 1, 2], data: Uint8Array.of(0, 1, 0, 0) }, 'or');
    expect([...plane.data]).toEqual([0, 1]);
  });

  it('propagates NaN through numeric aggregations and refuses it in Boolean ones', () => {
    const withNaN = { shape: [2, 1, 1], data: [Number.NaN, 1] };
    for (const name of ['sum', 'max', 'min', 'max_abs'] as const)
      expect(relevancePlane(withNaN, name).data[0], name).toBeNaN();
    expect(() => relevancePlane(withNaN, 'or')).toThrow(InvalidArgumentError);
  });

  it('refuses other shapes with a hint', () => {
    expect(() => relevancePlane({ shape: [1, 784], data: new Float32Array(784) })).not.toThrow();
    expect(() => relevancePlane({ shape: [784], data: new Float32Array(784) })).toThrow(ShapeError);
    expect(() => relevancePlane({ shape: [784], data: new Float32Array(784) })).toThrow(
      /reshape a flat input/,
    );
    expect(() => relevancePlane({ shape: [2, 1, 28, 28], data: new Float32Array(1568) })).toThrow(
      /sliceBatch/,
    );
    expect(() => relevancePlane({ shape: [2, 2], data: new Float32Array(3) })).toThrow(
      /4 elements.*3 elements/,
    );
    expect(() => relevancePlane({ shape: [0, 2, 2], data: [] })).toThrow(/at least one channel/);
  });

  it('names the known aggregations when asked for an unknown one', () => {
    expect(() => relevancePlane(threeChannels, 'median')).toThrow(NotFoundError);
    expect(() => relevancePlane(threeChannels, 'median')).toThrow(/aggregation "median".*sum, mean, max/);
  });
});
