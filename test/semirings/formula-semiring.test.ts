import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/circuits/index.js';
import { FormulaError, InvalidArgumentError, loadMathjs } from '../../src/core/index.js';
import { loadMnist, loadShippedModel } from '../../src/nn/index.js';
import {
  checkSemiringLaws,
  defineSemiring,
  defineSemiringFromFormulas,
  type SemiringFormulas,
  SemiringLawError,
  viterbi,
} from '../../src/semirings/index.js';

beforeAll(async () => {
  await loadMathjs();
});

const MAX_TIMES: SemiringFormulas = {
  name: 'max_times',
  zero: '0',
  one: '1',
  plus: 'max(a, b)',
  times: 'a * b',
  carrier: { min: 0, max: 1 },
  flags: { commutative: true, idempotent: true },
};

const refusal = (spec: SemiringFormulas): Error => {
  try {
    defineSemiringFromFormulas(spec);
  } catch (error) {
    return error as Error;
  }
  throw new Error(`${spec.name} was accepted`);
};

describe('defineSemiringFromFormulas', () => {
  it('accepts max-times over [0, 1], whose laws and declared flags hold', () => {
    const K = defineSemiringFromFormulas(MAX_TIMES);
    expect([K.zero, K.one, K.plus(0.25, 0.5), K.times(0.5, 0.5)]).toEqual([0, 1, 0.5, 0.25]);
    expect([K.commutative, K.idempotent, K.absorptive]).toEqual([true, true, false]);
    expect(checkSemiringLaws(K, K.values(), { seed: 7 }).failures).toEqual([]);
    fc.assert(
      fc.property(K.values(), (v) => v >= 0 && v <= 1),
      { seed: 7 },
    );
  });

  it('accepts (+, ×) over the integers and the naturals', () => {
    for (const carrier of ['integers', 'naturals'] as const) {
      const K = defineSemiringFromFormulas({
        name: 'sum_product',
        zero: 0,
        one: '1',
        plus: 'a + b',
        times: 'a * b',
        carrier,
        flags: { commutative: true },
      });
      expect(K.plus(2, 3)).toBe(5);
    }
  });

  it('refuses plus: a - b, naming the law and a counterexample', () => {
    const error = refusal({ ...MAX_TIMES, name: 'minus_times', plus: 'a - b', carrier: 'reals' });
    expect(error).toBeInstanceOf(SemiringLawError);
    expect(error.message).toMatch(/plus is commutative: on \(-?[\d.e+-]+, -?[\d.e+-]+\) one side is/);
    const report = (error as SemiringLawError).report;
    const commutative = report.failures.find((f) => f.law === 'plus is commutative')!;
    const [a, b] = commutative.counterexample as number[];
    expect(a! - b!).not.toBe(b! - a!);
  });

  it('refuses plus: a - b on [0, 1] too: it leaves the carrier and breaks the laws', () => {
    const error = refusal({ ...MAX_TIMES, name: 'minus_times', plus: 'a - b' });
    expect(error).toBeInstanceOf(SemiringLawError);
    expect(error.message).toMatch(/plus is (associative|commutative)/);
    expect(error.message).toMatch(/outside the carrier \[0, 1\]|one side is/);
  });

  it('refuses a flag that does not hold and a zero that does not annihilate', () => {
    expect(
      refusal({ ...MAX_TIMES, name: 'sum_times', plus: 'min(a + b, 1)', flags: { idempotent: true } })
        .message,
    ).toMatch(/plus is idempotent/);
    const maxPlus = refusal({
      ...MAX_TIMES,
      name: 'max_plus',
      times: 'a + b',
      one: '0',
      carrier: 'naturals',
    });
    expect(maxPlus.message).toMatch(/zero annihilates under times/);
  });

  it('refuses malformed files with what to fix', () => {
    const cases: [Partial<SemiringFormulas>, RegExp][] = [
      [{ name: 'Max Times' }, /snake_case/],
      [{ carrier: { min: 1, max: 0 } }, /"carrier" must be/],
      [{ carrier: 'complex' as never }, /"carrier" must be/],
      [{ zero: '2' }, /"zero" is 2, not a value of the carrier \[0, 1\]/],
      [{ plus: 'a > b' }, /must give a number/],
      [{ plus: 'max(a, c)' }, /unknown symbol "c"/],
      [{ times: 'import(a)' }, /function "import" is not allowed/],
      [{ times: 3 as never }, /must be a formula string/],
    ];
    for (const [change, words] of cases) {
      const error = refusal({ ...MAX_TIMES, ...change });
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect(error.message).toMatch(words);
    }
  });

  it('stops an overflow with a FormulaError instead of giving Infinity', () => {
    const K = defineSemiringFromFormulas({
      ...MAX_TIMES,
      name: 'real',
      plus: 'a + b',
      carrier: 'reals',
      flags: {},
    });
    expect(() => K.times(1e200, 1e200)).toThrow(FormulaError);
    expect(() => K.fromNumber!(Number.POSITIVE_INFINITY)).toThrow(InvalidArgumentError);
  });
});

describe('a semiring from formulas in a trace', () => {
  const { images } = loadMnist('test', { limit: 2 });
  const trace = compile(loadShippedModel('mlp')).trace(images);

  it('max-times over [0, 1] with expr:abs(d) / colmax is Viterbi within 1e-12 on the shipped MLP', () => {
    const K = defineSemiringFromFormulas(MAX_TIMES);
    const mine = trace.relevance({ semiring: K, annotate: 'expr:abs(d) / colmax', checkLaws: true });
    const built = trace.relevance({ semiring: viterbi, annotate: 'viterbi' });
    expect(mine.shape).toEqual(built.shape);
    const diff = mine.values.reduce((m, v, i) => Math.max(m, Math.abs(v - (built.values[i] as number))), 0);
    expect(diff).toBeLessThanOrEqual(1e-12);
    expect(Math.max(...mine.values)).toBeGreaterThan(0);
  });

  it('checkLaws: true checks a built-in semiring, and refuses a user semiring that breaks a law', () => {
    expect(() => trace.relevance({ semiring: 'viterbi', checkLaws: true })).not.toThrow();
    const broken = defineSemiring<number>({
      name: 'broken',
      zero: 0,
      one: 1,
      plus: (a, b) => a - b,
      times: (a, b) => a * b,
      equals: (a, b) => a === b,
      fromNumber: (v) => v,
    });
    const values = fc.integer({ min: -5, max: 5 });
    expect(() => trace.relevance({ semiring: broken, annotate: 'identity', checkLaws: values })).toThrow(
      /plus is commutative/,
    );
    expect(() => trace.relevance({ semiring: broken, annotate: 'identity', checkLaws: true })).toThrow(
      /declares no carrier values/,
    );
  });
});
