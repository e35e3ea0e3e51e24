import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  boolean,
  checkSemiringLaws,
  countingExact,
  defineSemiring,
  Fraction,
  finiteReals,
  fuzzy,
  lawValuesOf,
  product,
  rational,
  real,
  SEMIRING_NAMES,
  SEMIRINGS,
  type Semiring,
  security,
  securityLevels,
  unitInterval,
  viterbi,
} from '../../src/semirings/index.js';

const SEED = 0x5eed;

/** Every registered semiring with the generator of its carrier that `checkLaws: true` uses. */
const BUILT_INS = SEMIRING_NAMES.map(
  (name) =>
    [name, SEMIRINGS[name], lawValuesOf(SEMIRINGS[name] as Semiring<unknown>)] as unknown as [
      string,
      Semiring<never>,
      fc.Arbitrary<never>,
    ],
);

describe('the built-in semirings', () => {
  it('cover the registry, name for name', () => {
    expect(BUILT_INS.map(([name]) => name).sort()).toEqual(Object.keys(SEMIRINGS).sort());
    for (const [name, K] of BUILT_INS) expect(K.name).toBe(name);
  });

  for (const [name, K, values] of BUILT_INS)
    it(`${name} satisfies the semiring laws and every declared flag`, () => {
      const report = checkSemiringLaws(K, values, { seed: SEED, runs: 500 });
      expect(report.failures.map((f) => f.message)).toEqual([]);
      expect(report.counterexample).toBeUndefined();
      expect(report.checked).toContain('times distributes over plus on the right');
      if (K.idempotent) expect(report.checked).toContain('plus is idempotent');
      if (K.absorptive) expect(report.checked).toContain('plus is absorptive');
    });

  it('checks rational and exact counting exactly, with no tolerance', () => {
    expect(rational.approxEquals).toBeUndefined();
    expect(countingExact.approxEquals).toBeUndefined();
    // One part in 10^40 is a difference an exact carrier must see.
    const nearlyOne = rational.plus(rational.one, new Fraction(1n, 10n ** 40n));
    expect(rational.equals(nearlyOne, rational.one)).toBe(false);
    expect(countingExact.equals(10n ** 40n + 1n, 10n ** 40n)).toBe(false);
  });

  it('products of built-ins satisfy the laws, with flags that hold in both components', () => {
    const rb = product(real, boolean);
    expect([rb.idempotent, rb.absorptive, rb.commutative]).toEqual([false, false, true]);
    expect(checkSemiringLaws(rb, fc.tuple(finiteReals(), fc.boolean()), { seed: SEED }).failures).toEqual([]);
    const vf = product(viterbi, fuzzy);
    expect([vf.idempotent, vf.absorptive]).toEqual([true, true]);
    expect(checkSemiringLaws(vf, fc.tuple(unitInterval(), unitInterval()), { seed: SEED }).failures).toEqual(
      [],
    );
  });

  it('security semirings over any ordered levels satisfy the laws', () => {
    const levels = ['low', 'mid', 'high'];
    const K = security(levels);
    expect(K.one).toBe('low');
    expect(K.times('low', 'high')).toBe('high');
    expect(K.plus('mid', 'high')).toBe('mid');
    expect(checkSemiringLaws(K, securityLevels(levels), { seed: SEED }).failures).toEqual([]);
  });
});

describe('checkSemiringLaws on broken semirings', () => {
  it('names "plus is commutative" when ⊕ keeps its left operand', () => {
    const leftPlus = defineSemiring<number>({
      name: 'left_plus',
      zero: 0,
      one: 1,
      plus: (a) => a,
      times: (a, b) => a * b,
      equals: (a, b) => a === b,
      commutative: true,
    });
    const report = checkSemiringLaws(leftPlus, fc.integer({ min: -5, max: 5 }), { seed: SEED });
    expect(report.law).toBe('plus is commutative');
    const [a, b] = report.counterexample!;
    expect(leftPlus.plus(a!, b!)).not.toBe(leftPlus.plus(b!, a!));
  });

  it('names distributivity when ⊗ (max) does not distribute over ⊕ (+)', () => {
    const plusMax = defineSemiring<number>({
      name: 'plus_max',
      zero: 0,
      one: 0,
      plus: (a, b) => a + b,
      times: (a, b) => Math.max(a, b),
      equals: (a, b) => a === b,
      commutative: true,
    });
    const report = checkSemiringLaws(plusMax, fc.integer({ min: 0, max: 9 }), { seed: SEED });
    expect(report.law).toBe('times distributes over plus on the left');
    expect(report.failures.map((f) => f.law)).toContain('times distributes over plus on the right');
  });

  it('names "zero annihilates under times" when 0 ⊗ a = a', () => {
    // (ℕ, max, +, 0, 0) satisfies every law but annihilation: 0 + a = a.
    const maxPlusFromZero = defineSemiring<number>({
      name: 'max_plus_from_zero',
      zero: 0,
      one: 0,
      plus: (a, b) => Math.max(a, b),
      times: (a, b) => a + b,
      equals: (a, b) => a === b,
      commutative: true,
      idempotent: true,
    });
    const report = checkSemiringLaws(maxPlusFromZero, fc.nat(100), { seed: SEED });
    expect(report.failures.map((f) => f.law)).toEqual(['zero annihilates under times']);
    expect(report.failures[0]!.message).toMatch(/zero annihilates under times: on \(\d+\)/);
  });

  it('catches a flag that is declared but false', () => {
    const report = checkSemiringLaws({ ...real, idempotent: true, absorptive: true }, finiteReals(), {
      seed: SEED,
    });
    expect(report.failures.map((f) => f.law)).toEqual(['plus is idempotent', 'plus is absorptive']);
  });

  it('catches non-commutative ⊗ only when commutativity is declared', () => {
    // 2×2 matrices of small integers: a genuine non-commutative semiring.
    type M = readonly [number, number, number, number];
    const matrices = defineSemiring<M>({
      name: 'matrices',
      zero: [0, 0, 0, 0],
      one: [1, 0, 0, 1],
      plus: (a, b) => [a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3]],
      times: (a, b) => [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
      ],
      equals: (a, b) => a.every((x, i) => x === b[i]),
    });
    const entries = fc.integer({ min: -3, max: 3 });
    const values = fc.tuple(entries, entries, entries, entries) as fc.Arbitrary<M>;
    expect(checkSemiringLaws(matrices, values, { seed: SEED }).failures).toEqual([]);
    const claimed = checkSemiringLaws({ ...matrices, commutative: true }, values, { seed: SEED });
    expect(claimed.law).toBe('times is commutative');
  });

  it('reports an operation that throws as a failure of the law it was checking', () => {
    const throwing = defineSemiring<number>({
      ...real,
      name: 'throwing',
      times: (a, b) => {
        if (a === 2 && b === 2) throw new Error('boom');
        return a * b;
      },
    });
    const report = checkSemiringLaws(throwing, fc.integer({ min: 0, max: 3 }), { seed: SEED });
    expect(report.law).toBe('times is associative');
    expect(report.failures[0]!.message).toMatch(/threw boom/);
  });
});

describe('defineSemiring', () => {
  it('completes a user semiring with false flags, and the README example passes the checker', () => {
    const maxTimes = defineSemiring<number>({
      name: 'max_times',
      zero: 0,
      one: 1,
      plus: Math.max,
      times: (a, b) => a * b,
      equals: (a, b) => a === b,
      commutative: true,
      idempotent: true,
    });
    expect(maxTimes.absorptive).toBe(false);
    expect(maxTimes.show(3)).toBe('3');
    const report = checkSemiringLaws(maxTimes, fc.integer({ min: 0, max: 1000 }));
    expect(report.law).toBeUndefined();
    expect(report.counterexample).toBeUndefined();
  });
});
