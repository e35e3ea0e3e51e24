import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/core/errors.js';
import { Rng } from '../../src/core/rng.js';

const draw = (rng: Rng, n: number, f: (r: Rng) => number) => Array.from({ length: n }, () => f(rng));

describe('core/rng', () => {
  it('produces the published xoshiro128** outputs from the state (1, 2, 3, 4)', () => {
    const rng = Rng.fromState([1, 2, 3, 4]);
    expect(draw(rng, 6, (r) => r.nextUint32())).toEqual([
      11520, 0, 5927040, 70819200, 2031721883, 1637235492,
    ]);
  });

  it('repeats its sequence for a seed and for a saved state', () => {
    expect(draw(new Rng(42), 20, (r) => r.next())).toEqual(draw(new Rng(42), 20, (r) => r.next()));
    expect(draw(new Rng(42), 20, (r) => r.next())).not.toEqual(draw(new Rng(43), 20, (r) => r.next()));
    const rng = new Rng(7);
    rng.next();
    const resumed = Rng.fromState(rng.state());
    expect(draw(resumed, 5, (r) => r.nextUint32())).toEqual(draw(rng, 5, (r) => r.nextUint32()));
  });

  it('draws uniform floats in [low, high) with the right mean', () => {
    const values = draw(new Rng(1), 20000, (r) => r.uniform(-2, 3));
    expect(Math.min(...values)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...values)).toBeLessThan(3);
    const mean = values.reduce((a, v) => a + v, 0) / values.length;
    // standard error of the mean: 5/√12/√20000 ≈ 0.0102; allow 4 of them
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.041);
  });

  it('draws normal values with mean and standard deviation as asked', () => {
    const values = draw(new Rng(2), 20000, (r) => r.normal(1, 2));
    const mean = values.reduce((a, v) => a + v, 0) / values.length;
    const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1));
    expect(Math.abs(mean - 1)).toBeLessThan(4 * (2 / Math.sqrt(20000)));
    expect(Math.abs(sd - 2)).toBeLessThan(0.06);
    expect(values.every(Number.isFinite)).toBe(true);
  });

  it('draws every integer of [low, high) and nothing else', () => {
    const values = draw(new Rng(3), 2000, (r) => r.int(-3, 4));
    expect([...new Set(values)].sort((a, b) => a - b)).toEqual([-3, -2, -1, 0, 1, 2, 3]);
  });

  it('shuffles into a permutation, deterministically', () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const a = new Rng(4).shuffle([...items]);
    expect([...a].sort((x, y) => x - y)).toEqual(items);
    expect(a).not.toEqual(items);
    expect(new Rng(4).shuffle([...items])).toEqual(a);
  });

  it('rejects bad seeds, states and ranges', () => {
    expect(() => new Rng(1.5)).toThrow(InvalidArgumentError);
    expect(() => Rng.fromState([0, 0, 0, 0])).toThrow(/not all zero/);
    expect(() => new Rng(1).int(3, 3)).toThrow(/low < high/);
  });
});
