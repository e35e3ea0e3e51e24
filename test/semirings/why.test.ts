import { describe, expect, it } from 'vitest';
import { LimitError } from '../../src/core/errors.js';
import { edgeToken, variable, why, whyOf, whySemiring } from '../../src/semirings/index.js';

const K = why;
const [tx, ty, tz] = [variable('x'), variable('y'), variable('z')];
const x = K.fromToken(tx);
const y = K.fromToken(ty);
const z = K.fromToken(tz);

describe('why-provenance Why(X)', () => {
  it('multiplies by pairwise union of witnesses, forgetting exponents and multiplicities', () => {
    expect(K.show(K.times(x, x))).toBe('{{x}}');
    expect(K.show(K.times(K.plus(x, y), K.plus(x, z)))).toBe('{{x}, {x, y}, {x, z}, {y, z}}');
    expect(K.equals(K.plus(x, x), x)).toBe(true);
  });

  it('keeps a witness that contains another (that is PosBool’s absorption, not Why’s)', () => {
    expect(K.show(K.plus(x, K.times(x, y)))).toBe('{{x}, {x, y}}');
    expect(K.show(K.plus(K.one, x))).toBe('{∅, {x}}');
    expect([K.idempotent, K.absorptive, K.commutative]).toEqual([true, false, true]);
  });

  it('prints the empty set of witnesses apart from the set holding the empty witness', () => {
    expect(K.show(K.zero)).toBe('∅');
    expect(K.show(K.one)).toBe('{∅}');
    expect(K.toLatex(K.zero)).toBe('\\emptyset');
    expect(K.toLatex(K.one)).toBe('\\{\\emptyset\\}');
    const w = whyOf([[edgeToken('fc2', 1, 0), edgeToken('fc1', 0, 1)], [ty]]);
    expect(K.show(w)).toBe('{{y}, {x[fc1,0,1], x[fc2,1,0]}}');
    expect(K.toLatex(w)).toBe('\\{\\{y\\}, \\{x^{(fc1)}_{0,1}, x^{(fc2)}_{1,0}\\}\\}');
  });

  it('builds equal values from witnesses in any order, repeated tokens collapsing', () => {
    expect(K.equals(whyOf([[tx, ty], [tz]]), whyOf([[tz], [ty, tx, ty]]))).toBe(true);
    expect(K.equals(whyOf([[tx, ty]]), whyOf([[tx]]))).toBe(false);
  });

  it('refuses a product over its limit before expanding it', () => {
    const small = whySemiring({ limit: 3 });
    const xy = small.plus(x, y);
    expect(() => small.times(xy, xy)).toThrow(LimitError);
    expect(() => small.times(xy, xy)).toThrow(/why\.times: result would have up to 4 elements/);
  });
});
