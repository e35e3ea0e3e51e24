import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/core/errors.js';
import {
  boolean,
  checkHomomorphism,
  composeHomomorphisms,
  counting,
  countingToBoolean,
  countingValues,
  finiteReals,
  type Homomorphism,
  real,
  tropical,
  tropicalToViterbi,
  viterbiToTropical,
} from '../../src/semirings/index.js';

const SEED = 0x4043;

describe('checkHomomorphism', () => {
  it('accepts a homomorphism', () => {
    const report = checkHomomorphism(countingToBoolean, countingValues(), { seed: SEED });
    expect(report.homomorphism).toBe('counting_to_boolean');
    expect(report.failures).toEqual([]);
  });

  it('names each equation a map breaks, with a counterexample', () => {
    const moreThanOne: Homomorphism<number, boolean> = {
      name: 'more_than_one',
      from: counting,
      to: boolean,
      map: (n) => n > 1,
    };
    const report = checkHomomorphism(moreThanOne, countingValues(), { seed: SEED });
    expect(report.failures.map((f) => f.law)).toEqual(['preserves one', 'preserves plus', 'preserves times']);
    const plus = report.failures.find((f) => f.law === 'preserves plus')!;
    const [a, b] = plus.counterexample;
    expect(moreThanOne.map(a! + b!)).not.toBe(moreThanOne.map(a!) || moreThanOne.map(b!));
    expect(plus.message).toMatch(/preserves plus: on \(.*\) one side is .*, the other/);
  });

  it('compares floating images within the tolerance, and still catches a map that is off', () => {
    const doubling: Homomorphism<number, number> = {
      name: 'doubling',
      from: real,
      to: real,
      map: (x) => 2 * x,
    };
    const report = checkHomomorphism(doubling, finiteReals(), { seed: SEED });
    expect(report.failures.map((f) => f.law)).toEqual(['preserves one', 'preserves times']);
    const shifted: Homomorphism<number, number> = {
      name: 'shifted',
      from: real,
      to: real,
      map: (x) => x + 1,
    };
    expect(checkHomomorphism(shifted, finiteReals(), { seed: SEED }).failures.map((f) => f.law)).toContain(
      'preserves zero',
    );
  });

  it('reports a map that throws as a failure of the equation being checked', () => {
    const throwing: Homomorphism<number, boolean> = {
      name: 'throwing',
      from: counting,
      to: boolean,
      map: (n) => {
        if (n === 2) throw new Error('boom');
        return n > 0;
      },
    };
    const report = checkHomomorphism(throwing, fc.constantFrom(1, 2), { seed: SEED });
    expect(report.failures.map((f) => f.law)).toContain('preserves plus');
    expect(report.failures[0]!.message).toMatch(/boom/);
  });
});

describe('composeHomomorphisms', () => {
  it('maps through both, and is itself a homomorphism', () => {
    const roundTrip = composeHomomorphisms(viterbiToTropical, tropicalToViterbi);
    expect(roundTrip.name).toBe('viterbi_to_viterbi');
    expect(roundTrip.map(0)).toBe(0);
    expect(roundTrip.map(1)).toBe(1);
    expect(roundTrip.map(0.25)).toBeCloseTo(0.25, 15);
    const values = fc.oneof(fc.constantFrom(0, 1, 0.5), fc.double({ min: 1e-100, max: 1, noNaN: true }));
    expect(checkHomomorphism(roundTrip, values, { seed: SEED }).failures).toEqual([]);
  });

  it('refuses maps whose semirings do not meet', () => {
    expect(() => composeHomomorphisms(countingToBoolean, tropicalToViterbi as never)).toThrow(
      InvalidArgumentError,
    );
    expect(() => composeHomomorphisms(countingToBoolean, tropicalToViterbi as never)).toThrow(
      /counting_to_boolean ends in "boolean" but tropical_to_viterbi starts from "tropical"/,
    );
    expect(tropical.name).toBe('tropical');
  });
});
