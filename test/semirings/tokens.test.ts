import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, NotFoundError } from '../../src/core/errors.js';
import {
  compareTokens,
  edgeToken,
  escapeLatex,
  isToken,
  naturalCompare,
  tokenInfo,
  tokenLatex,
  tokenName,
  variable,
} from '../../src/semirings/index.js';

describe('edge tokens', () => {
  it('are interned: the same layer and indices always give the same token', () => {
    const t = edgeToken('fc1', 0, 1);
    expect(edgeToken('fc1', 0, 1)).toBe(t);
    expect(edgeToken('fc1', 1, 0)).not.toBe(t);
    expect(edgeToken('fc2', 0, 1)).not.toBe(t);
    expect(isToken(t)).toBe(true);
    expect(tokenInfo(t)).toEqual({ kind: 'edge', layer: 'fc1', j: 0, k: 1 });
  });

  it('print as x[<layer>,<j>,<k>] in text and x^{(<layer>)}_{<j>,<k>} in LaTeX', () => {
    expect(tokenName(edgeToken('fc1', 0, 1))).toBe('x[fc1,0,1]');
    expect(tokenLatex(edgeToken('fc1', 0, 1))).toBe('x^{(fc1)}_{0,1}');
    expect(tokenName(edgeToken('features.0', 12, 3))).toBe('x[features.0,12,3]');
    expect(tokenLatex(edgeToken('features.0', 12, 3))).toBe('x^{(features.0)}_{12,3}');
  });

  it('escape LaTeX special characters of layer names', () => {
    expect(tokenName(edgeToken('Conv_0', 0, 0))).toBe('x[Conv_0,0,0]');
    expect(tokenLatex(edgeToken('Conv_0', 0, 0))).toBe('x^{(Conv\\_0)}_{0,0}');
    expect(escapeLatex('a#b$c%d&e{f}g~h^i\\j')).toBe(
      'a\\#b\\$c\\%d\\&e\\{f\\}g\\sim{}h\\hat{}i\\backslash{}j',
    );
  });

  it('refuse layer names that would make the text form ambiguous, and indices that are not natural numbers', () => {
    for (const layer of ['', 'a,b', 'a[0]', 'x]', 'tab\tname'])
      expect(() => edgeToken(layer, 0, 0)).toThrow(InvalidArgumentError);
    expect(() => edgeToken('a,b', 0, 0)).toThrow(/edgeToken: layer name "a,b".*rename the layer/);
    for (const [j, k] of [
      [-1, 0],
      [0, 1.5],
      [Number.NaN, 0],
      [0, Number.POSITIVE_INFINITY],
    ])
      expect(() => edgeToken('fc1', j!, k!)).toThrow(/edgeToken: indices .* must be non-negative integers/);
  });
});

describe('named variables', () => {
  it('print by name, with a default LaTeX form', () => {
    expect(tokenName(variable('x'))).toBe('x');
    expect(tokenLatex(variable('x'))).toBe('x');
    expect(tokenLatex(variable('w12'))).toBe('w_{12}');
    expect(tokenLatex(variable('alpha'))).toBe('\\mathit{alpha}');
    expect(tokenLatex(variable('my_var'))).toBe('\\mathit{my\\_var}');
    expect(tokenInfo(variable('x'))).toEqual({ kind: 'variable', name: 'x' });
  });

  it('keep the LaTeX they were first given, and refuse a different one', () => {
    const xi = variable('xi', '\\xi');
    expect(tokenLatex(xi)).toBe('\\xi');
    expect(variable('xi')).toBe(xi);
    expect(variable('xi', '\\xi')).toBe(xi);
    expect(() => variable('xi', '\\Xi')).toThrow(InvalidArgumentError);
    expect(() => variable('xi', '\\Xi')).toThrow(/"xi" already prints as \\xi/);
  });

  it('refuse names that are not plain identifiers', () => {
    for (const name of ['', '1x', 'x[0]', 'x y', 'x+y', 'x·y'])
      expect(() => variable(name)).toThrow(/variable: name .* is not a variable name/);
  });
});

describe('token look-ups', () => {
  it('refuse ids that were never interned', () => {
    for (const id of [-1, 1.5, 1e9, Number.NaN]) {
      expect(isToken(id)).toBe(false);
      expect(() => tokenName(id)).toThrow(NotFoundError);
      expect(() => tokenLatex(id)).toThrow(NotFoundError);
    }
    expect(() => compareTokens(variable('x'), 1e9)).toThrow(
      /token "1000000000 \(in compareTokens\)" not found/,
    );
  });
});

describe('the token order', () => {
  it('puts variables first by name, then edges by layer (digits as numbers), j, then k', () => {
    // Created in an order unrelated to the expected one, so interning order cannot be what sorts them.
    const created = [
      edgeToken('ord10', 0, 0),
      edgeToken('ord2', 1, 0),
      edgeToken('ord2', 0, 5),
      edgeToken('ord2', 0, 1),
      variable('ord_b'),
      variable('ord_a'),
      edgeToken('ord2.10', 0, 0),
      edgeToken('ord2.9', 0, 0),
    ];
    expect([...created].sort(compareTokens).map(tokenName)).toEqual([
      'ord_a',
      'ord_b',
      'x[ord2,0,1]',
      'x[ord2,0,5]',
      'x[ord2,1,0]',
      'x[ord2.9,0,0]',
      'x[ord2.10,0,0]',
      'x[ord10,0,0]',
    ]);
  });

  it('is a total order, whatever tokens are compared', () => {
    const pool = [
      variable('a'),
      variable('b2'),
      variable('b10'),
      edgeToken('l', 0, 0),
      edgeToken('l', 0, 1),
      edgeToken('l', 1, 0),
      edgeToken('l1', 0, 0),
      edgeToken('l01', 0, 0),
      edgeToken('L', 3, 3),
    ];
    const token = fc.constantFrom(...pool);
    fc.assert(
      fc.property(token, token, token, (a, b, c) => {
        expect(Math.sign(compareTokens(a, b)) + Math.sign(compareTokens(b, a))).toBe(0);
        expect(compareTokens(a, b) === 0).toBe(a === b);
        if (compareTokens(a, b) < 0 && compareTokens(b, c) < 0) expect(compareTokens(a, c)).toBeLessThan(0);
      }),
      { seed: 11, numRuns: 500 },
    );
  });

  it('compares names naturally, and still totally when digit runs only differ in leading zeros', () => {
    expect(naturalCompare('fc2', 'fc10')).toBeLessThan(0);
    expect(naturalCompare('features.10', 'features.2')).toBeGreaterThan(0);
    expect(naturalCompare('a', 'a')).toBe(0);
    expect(naturalCompare('l01', 'l1')).not.toBe(0);
    expect(Math.sign(naturalCompare('l01', 'l1'))).toBe(-Math.sign(naturalCompare('l1', 'l01')));
    expect(naturalCompare('b', 'a1')).toBeGreaterThan(0);
  });
});
