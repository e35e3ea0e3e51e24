import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/core/errors.js';
import { type Normalization, unitPosition, valueRange } from '../../src/viz/index.js';

const SEED = 0x0e0a;

const finite = fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true });
const maps = fc.array(finite, { minLength: 1, maxLength: 40 });
/** Values on a 1/1000 grid, so that every non-zero one is resolvable against the largest. */
const gridMaps = fc.array(
  fc.integer({ min: -1e6, max: 1e6 }).map((n) => n / 1000),
  { minLength: 1, maxLength: 40 },
);

describe('symmetric normalisation', () => {
  it('keeps the sign: negative values fall below the centre, positive above, zero on it', () => {
    fc.assert(
      fc.property(gridMaps, (values) => {
        const range = valueRange(values, 'symmetric');
        expect(range.low).toBe(-range.high);
        for (const v of values) {
          const t = unitPosition(v, range);
          if (v > 0) expect(t).toBeGreaterThan(0.5);
          else if (v < 0) expect(t).toBeLessThan(0.5);
          else expect(t).toBe(0.5);
        }
      }),
      { seed: SEED },
    );
  });

  it('sends the largest magnitude to an end of the colour map', () => {
    const range = valueRange(Float32Array.of(-4, 1, 2), 'symmetric');
    expect(range).toEqual({ low: -4, high: 4 });
    expect(unitPosition(-4, range)).toBe(0);
    expect(unitPosition(2, range)).toBe(0.75);
  });

  it('maps an all-zero map to the centre, with a usable unit range', () => {
    const range = valueRange(new Float64Array(9), 'symmetric');
    expect(range).toEqual({ low: -1, high: 1 });
    expect(unitPosition(0, range)).toBe(0.5);
  });
});

describe('minmax and max normalisation', () => {
  it('minmax sends the minimum to 0 and the maximum to 1', () => {
    fc.assert(
      fc.property(maps, (values) => {
        const range = valueRange(values, 'minmax');
        const min = Math.min(...values);
        const max = Math.max(...values);
        expect(unitPosition(min, range)).toBe(0);
        if (max > min) expect(unitPosition(max, range)).toBe(1);
        for (const v of values) expect(unitPosition(v, range)).toBeGreaterThanOrEqual(0);
      }),
      { seed: SEED },
    );
  });

  it('minmax draws a constant map at its low end', () => {
    const range = valueRange([3, 3, 3], 'minmax');
    expect(range).toEqual({ low: 3, high: 4 });
    expect(unitPosition(3, range)).toBe(0);
  });

  it('max keeps 0 at the low end whatever the smallest value is', () => {
    expect(valueRange([5, 7, 10], 'max')).toEqual({ low: 0, high: 10 });
    expect(unitPosition(5, valueRange([5, 7, 10], 'max'))).toBe(0.5);
    expect(valueRange([0, 0], 'max')).toEqual({ low: 0, high: 1 });
    expect(unitPosition(-2, valueRange([-2, 4], 'max'))).toBe(0);
  });

  it('none is the unit range, a fixed range is itself', () => {
    expect(valueRange([100], 'none')).toEqual({ low: 0, high: 1 });
    expect(valueRange([100], { low: -2, high: 2 })).toEqual({ low: -2, high: 2 });
  });
});

describe('non-finite values', () => {
  it('do not widen the range; ±∞ are drawn at the far ends', () => {
    const values = [Number.POSITIVE_INFINITY, 1, 3, Number.NEGATIVE_INFINITY];
    for (const mode of ['symmetric', 'minmax', 'max'] as const) {
      const range = valueRange(values, mode);
      expect(Number.isFinite(range.low) && Number.isFinite(range.high)).toBe(true);
      expect(unitPosition(Number.POSITIVE_INFINITY, range)).toBe(1);
      expect(unitPosition(Number.NEGATIVE_INFINITY, range)).toBe(0);
    }
    expect(valueRange(values, 'minmax')).toEqual({ low: 1, high: 3 });
  });

  it('a map with no finite value still gets a usable range', () => {
    const allInfinite = [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY];
    expect(valueRange(allInfinite, 'minmax')).toEqual({ low: 0, high: 1 });
    expect(valueRange(allInfinite, 'symmetric')).toEqual({ low: -1, high: 1 });
  });

  it('NaN has no position: it stays NaN and does not disturb the range', () => {
    expect(valueRange([Number.NaN, 2, -1], 'symmetric')).toEqual({ low: -2, high: 2 });
    expect(unitPosition(Number.NaN, { low: 0, high: 1 })).toBeNaN();
  });
});

describe('valueRange over several maps', () => {
  it('is the range of their concatenation', () => {
    fc.assert(
      fc.property(maps, maps, fc.constantFrom<Normalization>('symmetric', 'minmax', 'max'), (a, b, mode) => {
        expect(valueRange([Float64Array.from(a), Float64Array.from(b)], mode)).toEqual(
          valueRange([...a, ...b], mode),
        );
      }),
      { seed: SEED },
    );
  });

  it('refuses unknown names and empty or non-finite fixed ranges', () => {
    expect(() => valueRange([1], 'log' as Normalization)).toThrow(InvalidArgumentError);
    expect(() => valueRange([1], 'log' as Normalization)).toThrow(/symmetric, minmax, max, none/);
    expect(() => valueRange([1], { low: 1, high: 1 })).toThrow(/low < high/);
    expect(() => valueRange([1], { low: 0, high: Number.POSITIVE_INFINITY })).toThrow(InvalidArgumentError);
  });
});
