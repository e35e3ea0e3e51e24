import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/core/errors.js';
import { edgeToken, lineage, lineageOf, variable } from '../../src/semirings/index.js';

const K = lineage;
const x = K.fromToken(variable('x'));
const y = K.fromToken(variable('y'));

describe('lineage Lin(X)', () => {
  it('unites the tokens of sums and of products alike', () => {
    expect(K.show(K.plus(x, y))).toBe('{x, y}');
    expect(K.show(K.times(x, y))).toBe('{x, y}');
    expect(K.equals(K.plus(x, x), x)).toBe(true);
  });

  it('has a bottom ⊥ apart from ∅: ⊥ is the identity of ⊕ and absorbs ⊗, ∅ is the identity of ⊗', () => {
    expect(K.zero).toBeNull();
    expect(K.one).toEqual([]);
    expect(K.equals(K.zero, K.one)).toBe(false);
    expect(K.equals(K.plus(K.zero, x), x)).toBe(true);
    expect(K.equals(K.times(K.zero, x), K.zero)).toBe(true);
    expect(K.equals(K.times(K.one, x), x)).toBe(true);
    expect(K.equals(K.plus(K.one, x), x)).toBe(true);
  });

  it('declares its flags: idempotent, not absorptive (∅ ⊕ {x} = {x}), commutative', () => {
    expect([K.idempotent, K.absorptive, K.commutative]).toEqual([true, false, true]);
  });

  it('prints ⊥, ∅ and token sets in the token order', () => {
    expect(K.show(K.zero)).toBe('⊥');
    expect(K.show(K.one)).toBe('∅');
    const v = lineageOf([edgeToken('fc2', 1, 0), variable('y'), edgeToken('fc1', 0, 1), variable('y')]);
    expect(K.show(v)).toBe('{y, x[fc1,0,1], x[fc2,1,0]}');
    expect(K.toLatex(v)).toBe('\\{y, x^{(fc1)}_{0,1}, x^{(fc2)}_{1,0}\\}');
    expect(K.toLatex(K.zero)).toBe('\\bot');
    expect(K.toLatex(K.one)).toBe('\\emptyset');
  });

  it('refuses tokens that were never interned', () => {
    expect(() => lineageOf([1e9])).toThrow(InvalidArgumentError);
  });
});
