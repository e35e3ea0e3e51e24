/**
 * Semirings written as formulas: `{ name, zero, one, plus, times, carrier, flags }` with mathjs
 * expressions in `a` and `b` (a semiring file on the command line, `defineSemiringFromFormulas` in
 * the API), e.g. max-times over [0, 1]:
 *   { "name": "max_times", "zero": "0", "one": "1", "plus": "max(a, b)", "times": "a * b",
 *     "carrier": { "min": 0, "max": 1 }, "flags": { "commutative": true, "idempotent": true } }
 *
 * The carrier is an interval `{ min, max }`, `integers`, `naturals` or `reals`, all numbers; the
 * law checker runs on values drawn from it before the semiring is returned, so a formula that breaks
 * a law (`plus: "a - b"` is not commutative) is refused with the law and a counterexample. Values
 * are checked as they are made: ⊕ and ⊗ must give finite numbers in the carrier, `fromNumber`
 * takes only carrier values, so an overflow stops a run with a `FormulaError`, never a non-finite
 * output. Flags fail closed (false unless declared) and each declared flag is checked.
 */
import fc from 'fast-check';
import { FormulaError, InvalidArgumentError } from '../core/errors.js';
import { compileFormula, type FormulaSignature } from '../core/formula.js';
import { assertSemiringLaws, type LawCheckOptions } from './laws.js';
import type { Semiring } from './semiring.js';
import { approxNumber } from './tolerance.js';

/** The carrier of a semiring from formulas. */
export type FormulaCarrier =
  | { readonly min: number; readonly max: number }
  | 'integers'
  | 'naturals'
  | 'reals';

/** A semiring as formulas (the semiring file's form). */
export interface SemiringFormulas {
  readonly name: string;
  /** Formulas without symbols (or numbers) for 0 and 1. */
  readonly zero: string | number;
  readonly one: string | number;
  /** Formulas in `a` and `b`. */
  readonly plus: string;
  readonly times: string;
  readonly carrier: FormulaCarrier;
  readonly flags?: {
    readonly commutative?: boolean;
    readonly idempotent?: boolean;
    readonly absorptive?: boolean;
  };
}

/** A semiring defined from formulas: numbers, with the carrier it was declared on. */
export interface FormulaSemiring extends Semiring<number> {
  readonly carrier: FormulaCarrier;
  values(): fc.Arbitrary<number>;
}

const OPERATION: Omit<FormulaSignature, 'where'> = {
  symbols: [
    ['a', 'number'],
    ['b', 'number'],
  ],
};

/** Defines a semiring from formulas and checks its laws (unless `check: false`); see the file header. */
export function defineSemiringFromFormulas(
  spec: SemiringFormulas,
  options: { readonly check?: boolean; readonly laws?: LawCheckOptions } = {},
): FormulaSemiring {
  const where = `semiring ${typeof spec?.name === 'string' ? spec.name : 'file'}`;
  if (typeof spec !== 'object' || spec === null)
    throw new InvalidArgumentError(
      'semiring file',
      'expected an object { name, zero, one, plus, times, carrier }',
    );
  if (typeof spec.name !== 'string' || !/^[a-z][a-z0-9_]*$/.test(spec.name))
    throw new InvalidArgumentError(
      'semiring file',
      `"name" must be a snake_case name, got ${JSON.stringify(spec.name)}`,
    );
  const inCarrier = carrierTest(where, spec.carrier);
  const constant = (field: 'zero' | 'one'): number => {
    const source = spec[field];
    const v = typeof source === 'number' ? source : compileOperation(where, field, source, []).evaluate([]);
    if (typeof v !== 'number' || !inCarrier(v))
      throw new InvalidArgumentError(
        where,
        `"${field}" is ${String(v)}, not a value of the carrier ${showCarrier(spec.carrier)}`,
      );
    return v;
  };
  const operation = (field: 'plus' | 'times') => {
    const f = compileOperation(where, field, spec[field], OPERATION.symbols);
    const values = [0, 0];
    return (a: number, b: number): number => {
      values[0] = a;
      values[1] = b;
      const v = f.evaluate(values) as number;
      if (!Number.isFinite(v) || !inCarrier(v))
        throw new FormulaError(
          `${where} ${field}`,
          spec[field],
          undefined,
          `it gives ${v} on (${a}, ${b}), outside the carrier ${showCarrier(spec.carrier)}`,
        );
      return v;
    };
  };
  const flags = spec.flags ?? {};
  const exact = spec.carrier === 'integers' || spec.carrier === 'naturals';
  const K: FormulaSemiring = {
    name: spec.name,
    zero: constant('zero'),
    one: constant('one'),
    plus: operation('plus'),
    times: operation('times'),
    equals: (a, b) => a === b,
    show: (a) => String(a),
    idempotent: flags.idempotent === true,
    absorptive: flags.absorptive === true,
    commutative: flags.commutative === true,
    toNumber: (a) => a,
    fromNumber: (v) => {
      if (!inCarrier(v))
        throw new InvalidArgumentError(
          where,
          `${v} is not a value of the carrier ${showCarrier(spec.carrier)}`,
        );
      return v;
    },
    ...(exact ? {} : { approxEquals: approxNumber }),
    carrier: spec.carrier,
    values: () => carrierValues(spec.carrier, K),
  };
  if (options.check !== false) assertSemiringLaws(K, K.values(), options.laws);
  return K;
}

function compileOperation(
  where: string,
  field: string,
  source: unknown,
  symbols: FormulaSignature['symbols'],
) {
  if (typeof source !== 'string')
    throw new InvalidArgumentError(
      where,
      `"${field}" must be a formula string, got ${JSON.stringify(source)}`,
    );
  const f = compileFormula(source, { where: `${where} ${field}`, symbols });
  if (f.type !== 'number')
    throw new FormulaError(
      `${where} ${field}`,
      source,
      undefined,
      'it gives true/false; it must give a number',
    );
  return f;
}

function carrierTest(where: string, carrier: FormulaCarrier): (v: number) => boolean {
  if (carrier === 'reals') return Number.isFinite;
  if (carrier === 'integers') return Number.isSafeInteger;
  if (carrier === 'naturals') return (v) => Number.isSafeInteger(v) && v >= 0;
  if (typeof carrier === 'object' && carrier !== null) {
    const { min, max } = carrier;
    if (Number.isFinite(min) && Number.isFinite(max) && min < max) return (v) => v >= min && v <= max;
  }
  throw new InvalidArgumentError(
    where,
    `"carrier" must be { "min": L, "max": H } with finite L < H, "integers", "naturals" or "reals"; got ${JSON.stringify(carrier)}`,
  );
}

const showCarrier = (c: FormulaCarrier): string => (typeof c === 'string' ? c : `[${c.min}, ${c.max}]`);

/**
 * Values of the carrier: its ends and the semiring's 0 and 1 (often where laws break), repeated
 * small values for ties, and values anywhere in it (bounded so that products of three stay exact
 * for integers and finite for reals).
 */
function carrierValues(carrier: FormulaCarrier, K: Semiring<number>): fc.Arbitrary<number> {
  const special = (values: number[]) => fc.constantFrom(...new Set(values));
  if (carrier === 'integers')
    return fc.oneof(special([K.zero, K.one, 0, 1, -1, 2]), fc.integer({ min: -100_000, max: 100_000 }));
  if (carrier === 'naturals')
    return fc.oneof(special([K.zero, K.one, 0, 1, 2]), fc.integer({ min: 0, max: 100_000 }));
  if (carrier === 'reals')
    return fc.oneof(
      special([K.zero, K.one, 0, 1, -1, 0.5]),
      fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }),
    );
  const { min, max } = carrier;
  return fc.oneof(
    special([K.zero, K.one, min, max, (min + max) / 2]),
    fc.double({ min, max, noNaN: true, noDefaultInfinity: true }),
  );
}
