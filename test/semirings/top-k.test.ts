import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/core/errors.js';
import {
  checkSemiringLaws,
  DEFAULT_TOP_K,
  edgeToken,
  monomialOf,
  monomials,
  monomialText,
  SEMIRINGS,
  type TopK,
  type TopKSemiring,
  topK,
  topKLists,
  variable,
} from '../../src/semirings/index.js';

const SEED = 0x70b;
const [tx, ty, tz] = [variable('x'), variable('y'), variable('z')];
const entries = (list: TopK): [number, string][] => list.map((e) => [e.value, monomialText(e.witness)]);

/** Top-k lists whose values are dyadic fractions: every product is exact, ties are frequent. */
const dyadicLists = (K: TopKSemiring): fc.Arbitrary<TopK> =>
  fc.oneof(
    fc.constantFrom(K.zero, K.one),
    fc
      .array(fc.record({ value: fc.constantFrom(1, 0.75, 0.5, 0.375, 0.25, 0.125), witness: monomials() }), {
        minLength: 1,
        maxLength: K.k + 2,
      })
      .map((list) => K.fromEntries(list)),
  );

describe('top-k', () => {
  const K = topK(3);

  it('keeps the k best values with their witnesses, larger values first', () => {
    const a = K.plus(K.fromToken(tx, 0.5), K.fromToken(ty, 0.75));
    const b = K.plus(K.fromToken(tz, 0.25), K.fromToken(edgeToken('fc1', 0, 1), 0.9));
    expect(entries(K.plus(a, b))).toEqual([
      [0.9, 'x[fc1,0,1]'],
      [0.75, 'y'],
      [0.5, 'x'],
    ]);
    expect(entries(K.times(a, b))).toEqual([
      [0.75 * 0.9, 'y·x[fc1,0,1]'],
      [0.5 * 0.9, 'x·x[fc1,0,1]'],
      [0.75 * 0.25, 'y·z'],
    ]);
  });

  it('breaks ties by the witness: lower degree (a shorter path) first, then the monomial order', () => {
    const list = K.fromEntries([
      { value: 0.5, witness: monomialOf([[tz, 1]]) },
      {
        value: 0.5,
        witness: monomialOf([
          [tx, 1],
          [ty, 1],
        ]),
      },
      { value: 0.5, witness: monomialOf([[tx, 1]]) },
      { value: 0.5, witness: monomialOf([[ty, 1]]) },
    ]);
    expect(entries(list)).toEqual([
      [0.5, 'x'],
      [0.5, 'y'],
      [0.5, 'z'],
    ]);
  });

  it('multiplies witnesses as multisets of tokens, and keeps the larger value of a repeated witness', () => {
    const a = K.fromEntries([{ value: 0.5, witness: monomialOf([[tx, 1]]) }]);
    expect(entries(K.times(a, a))).toEqual([[0.25, 'x^2']]);
    const twice = K.plus(K.fromToken(tx, 0.25), K.fromToken(tx, 0.5));
    expect(entries(twice)).toEqual([[0.5, 'x']]);
    const xy = K.plus(K.fromToken(tx, 0.5), K.fromToken(ty, 0.5));
    expect(entries(K.times(xy, xy))).toEqual([
      [0.25, 'x^2'],
      [0.25, 'x·y'],
      [0.25, 'y^2'],
    ]);
  });

  it('drops entries of value 0, which are no path, and products that underflow to 0', () => {
    expect(K.fromToken(tx, 0)).toEqual([]);
    const tiny = K.fromToken(tx, 1e-200);
    expect(K.times(tiny, tiny)).toEqual([]);
  });

  it('shows values with their witnesses, [] for zero', () => {
    expect(K.show(K.zero)).toBe('[]');
    expect(K.show(K.one)).toBe('[1.00000: 1]');
    expect(K.show(K.plus(K.fromToken(tx, 0.5), K.fromToken(ty, 0.25)))).toBe('[0.500000: x, 0.250000: y]');
    expect(K.toNumber!(K.zero)).toBe(0);
    expect(K.toNumber!(K.fromToken(tx, 0.5))).toBe(0.5);
  });

  it('refuses values outside [0, 1] and a k that is not a positive integer', () => {
    for (const value of [-0.1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])
      expect(() => K.fromToken(tx, value)).toThrow(InvalidArgumentError);
    expect(() => K.fromToken(tx, 2)).toThrow(/top_k: value 2 of witness x must be in \[0, 1\]/);
    for (const k of [0, -1, 1.5, Number.NaN])
      expect(() => topK(k)).toThrow(/topK: k must be a positive integer/);
  });

  it('is registered as top_k with k = 3, and is absorptive only for k = 1', () => {
    expect(SEMIRINGS.top_k.k).toBe(DEFAULT_TOP_K);
    expect(DEFAULT_TOP_K).toBe(3);
    expect([K.idempotent, K.absorptive, K.commutative]).toEqual([true, false, true]);
    expect(topK(1).absorptive).toBe(true);
    // For k ≥ 2, 1 ⊕ a keeps a's entries next to the empty path's.
    expect(K.plus(K.one, K.fromToken(tx, 0.5)).length).toBe(2);
  });

  for (const k of [1, 2, 5])
    it(`satisfies the laws exactly, with equals, on exactly representable values (k = ${k})`, () => {
      const Kk = topK(k);
      const exact = { ...Kk, approxEquals: undefined };
      const report = checkSemiringLaws(exact, dyadicLists(Kk), { seed: SEED, runs: 400 });
      expect(report.failures.map((f) => f.message)).toEqual([]);
      if (k === 1) expect(report.checked).toContain('plus is absorptive');
    });

  for (const k of [1, 2, 5])
    it(`satisfies the laws up to rounding on any values in [0, 1] (k = ${k})`, () => {
      const Kk = topK(k);
      const report = checkSemiringLaws(Kk, topKLists(Kk), { seed: SEED, runs: 400 });
      expect(report.failures.map((f) => f.message)).toEqual([]);
    });

  it('needs the tolerance only for rounding: exact equality breaks on associativity of rounded products', () => {
    const a = K.fromToken(tx, 0.1);
    const b = K.fromToken(ty, 0.2);
    const c = K.fromToken(tz, 0.3);
    const left = K.times(K.times(a, b), c);
    const right = K.times(a, K.times(b, c));
    expect(left[0]!.value).not.toBe(right[0]!.value);
    expect(K.equals(left, right)).toBe(false);
    expect(K.approxEquals!(left, right, [a, b, c], 1e-12)).toBe(true);
  });

  it('tolerates reordering among values tied within the tolerance, but not a different witness of a clear value', () => {
    const w = (t: number) => monomialOf([[t, 1]]);
    const near = 0.5 * (1 + 1e-15);
    const left: TopK = [
      { value: near, witness: w(ty) },
      { value: 0.5, witness: w(tx) },
    ];
    const right: TopK = [
      { value: near, witness: w(tx) },
      { value: 0.5, witness: w(ty) },
    ];
    expect(K.equals(left, right)).toBe(false);
    expect(K.approxEquals!(left, right, [], 1e-9)).toBe(true);
    const other: TopK = [
      { value: near, witness: w(tz) },
      { value: 0.5, witness: w(ty) },
    ];
    expect(K.approxEquals!(left, other, [], 1e-9)).toBe(false);
    expect(
      K.approxEquals!([{ value: 0.75, witness: w(tx) }], [{ value: 0.75, witness: w(ty) }], [], 1e-9),
    ).toBe(false);
    expect(K.approxEquals!(left, left.slice(0, 1), [], 1e-9)).toBe(false);
  });
});
