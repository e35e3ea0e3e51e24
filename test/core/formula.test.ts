import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  compileFormula,
  FormulaError,
  type FormulaSignature,
  InvalidArgumentError,
  loadMathjs,
  MAX_FORMULA_LENGTH,
} from '../../src/core/index.js';

const SIGNATURE: FormulaSignature = {
  where: 'test',
  symbols: [
    ['d', 'number'],
    ['layer', 'string'],
  ],
};
const run = (source: string, d: number, layer = 'fc1') =>
  compileFormula(source, SIGNATURE).evaluate([d, layer]);

// mathjs loads once (about a second); the time limits below are per formula after that.
beforeAll(async () => {
  await loadMathjs();
});

describe('compileFormula', () => {
  it('types a comparison as boolean and arithmetic as number', () => {
    expect(compileFormula('d >= 1e-9', SIGNATURE).type).toBe('boolean');
    expect(compileFormula('abs(d) / 2', SIGNATURE).type).toBe('number');
    expect(compileFormula('layer == "fc1" ? d > 0.01 : d > 0', SIGNATURE).type).toBe('boolean');
  });

  it('compares exactly, as JavaScript does (mathjs would call 1 and 1 + 1e-13 equal)', () => {
    expect(run('d == 1', 1 + 1e-13)).toBe(false);
    expect(run('d >= 1e-9', 1e-9 * (1 - 2 ** -52))).toBe(false);
    fc.assert(
      fc.property(fc.double({ noNaN: true }), fc.double({ noNaN: true, noDefaultInfinity: true }), (d, t) => {
        expect(compileFormula(`d >= ${t}`, SIGNATURE).evaluate([d, 'x'])).toBe(d >= t);
      }),
      { seed: 0x5eed, numRuns: 300 },
    );
  });

  it('evaluates arithmetic, functions and branches by their mathjs definitions', () => {
    expect(run('2d + 1', 3)).toBe(7);
    expect(run('d mod 3', -1)).toBe(2);
    expect(run('round(d)', -2.5)).toBe(-3);
    expect(run('log(d, 2)', 8)).toBeCloseTo(3, 15);
    expect(run('max(d, 0) ^ 2', -4)).toBe(0);
    expect(run('layer == "fc1" ? d > 0.01 : d > 0', 0.005, 'fc1')).toBe(false);
    expect(run('layer == "fc1" ? d > 0.01 : d > 0', 0.005, 'fc2')).toBe(true);
    expect(run('not (d > 0) or d == 2', 2)).toBe(true);
  });

  it('reports the symbols it reads', () => {
    expect([...compileFormula('abs(d) > 0', SIGNATURE).uses]).toEqual(['d']);
  });
});

/** Formulas that must be refused, each with a word the message must contain. */
const HOSTILE: readonly (readonly [string, RegExp])[] = [
  ['constructor.prototype.polluted = 1', /unknown symbol "constructor"/],
  ['d.constructor', /property access/],
  ['layer["constructor"]', /indexing/],
  ['__proto__', /unknown symbol "__proto__"/],
  ['import({polluted: 1}, {override: true})', /function "import" is not allowed/],
  ['createUnit("foo")', /function "createUnit" is not allowed/],
  ['evaluate("1 + 1")', /function "evaluate" is not allowed/],
  ['parse("1")', /function "parse" is not allowed/],
  ['simplify("d + d")', /function "simplify" is not allowed/],
  ['compile("1").evaluate()', /function "compile" is not allowed/],
  ['f(x) = x', /function "f" is not allowed/],
  ['g = 2', /unknown symbol "g"/],
  ['d = 2', /assignment/],
  ['{a: 1}', /objects/],
  ['[1, 2, 3]', /matrices/],
  ['1:3', /range/],
  ['d; d', /one expression/],
  ["d'", /single quotes/],
  ['d!', /factorial/],
  ['d & 1', /bitwise/],
  ['5 cm', /unknown symbol "cm"/],
  ['abs', /must be called/],
  ['d(2)', /not a function/],
  ['abs(d, d)', /takes 1 argument/],
  ['layer', /gives a string/],
  ['d > 0 ? 1 : true', /branches/],
  ['"fc1" + 1', /must be a number/],
  ['d ? 1 : 0', /condition .* must be a boolean/],
  ['-(d > 0)', /operand of - must be a number/],
  ['1 +', /Unexpected end/],
  ['"unclosed', /not closed/],
  [`${'('.repeat(5000)}d${')'.repeat(5000)}`, /at most 2000 characters/],
  [`${'('.repeat(40)}d${')'.repeat(40)}`, /nest at most 32/],
  ['d'.repeat(100_000), /at most 2000 characters/],
  [`${'x'.repeat(100_000)}`, /at most 2000 characters/],
  ['', /empty/],
  ['d # comment', /comments/],
  ['1 < d < 2', /relational/],
];

describe('hostile formulas', () => {
  it(`refuses ${HOSTILE.length} of them with a FormulaError within 100 ms each, before running anything`, () => {
    expect(HOSTILE.length).toBeGreaterThanOrEqual(20);
    for (const [source, words] of HOSTILE) {
      const start = performance.now();
      let error: unknown;
      try {
        compileFormula(source, SIGNATURE);
      } catch (e) {
        error = e;
      }
      const elapsed = performance.now() - start;
      expect(error, source.slice(0, 40)).toBeInstanceOf(FormulaError);
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect((error as Error).message, source.slice(0, 40)).toMatch(words);
      expect(elapsed, source.slice(0, 40)).toBeLessThan(100);
    }
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('points at the position of the problem', () => {
    const at = (source: string) => {
      try {
        compileFormula(source, SIGNATURE);
      } catch (e) {
        return (e as FormulaError).position;
      }
      return -1;
    };
    expect(at('abs(d) + evaluate("1")')).toBe(9);
    expect(at('d + foo')).toBe(4);
    expect(at('d.constructor')).toBe(1);
    expect(at('d * (1 + ')).toBeGreaterThanOrEqual(8);
    expect(at('d'.repeat(MAX_FORMULA_LENGTH + 1))).toBe(MAX_FORMULA_LENGTH);
  });

  it('never evaluates a refused formula: no symbol value is read', () => {
    let reads = 0;
    const values = new Proxy([0, 'fc1'], {
      get(target, key, receiver) {
        reads++;
        return Reflect.get(target, key, receiver);
      },
    });
    for (const [source] of HOSTILE) {
      try {
        compileFormula(source, SIGNATURE).evaluate(values);
      } catch {
        // refused: evaluate was never reached
      }
    }
    expect(reads).toBe(0);
  });
});
