import { describe, expect, it } from 'vitest';
import { LimitError } from '../../src/core/errors.js';
import { edgeToken, posbool, posboolOf, posboolSemiring, variable } from '../../src/semirings/index.js';

const K = posbool;
const [tx, ty, tz] = [variable('x'), variable('y'), variable('z')];
const x = K.fromToken(tx);
const y = K.fromToken(ty);
const z = K.fromToken(tz);

describe('positive Boolean provenance PosBool(X)', () => {
  it('absorbs: a witness that contains another one is dropped (x ∨ x∧y = x)', () => {
    expect(K.equals(K.plus(x, K.times(x, y)), x)).toBe(true);
    expect(K.show(K.times(K.plus(x, y), K.plus(x, z)))).toBe('x ∨ y ∧ z');
    expect(K.equals(posboolOf([[tx, ty], [tx], [ty, tz, tx]]), x)).toBe(true);
  });

  it('keeps an antichain: no witness of a value contains another', () => {
    const v = K.times(K.plus(K.plus(x, y), z), K.plus(K.times(x, y), K.plus(z, K.times(y, z))));
    expect(K.show(v)).toBe('z ∨ x ∧ y');
  });

  it('declares its flags: idempotent, absorptive (⊤ ∨ a = ⊤), commutative', () => {
    expect([K.idempotent, K.absorptive, K.commutative]).toEqual([true, true, true]);
    expect(K.equals(K.plus(K.one, K.times(x, y)), K.one)).toBe(true);
  });

  it('prints in disjunctive normal form, with ⊥ and ⊤', () => {
    expect(K.show(K.zero)).toBe('⊥');
    expect(K.show(K.one)).toBe('⊤');
    const v = posboolOf([[edgeToken('fc2', 1, 0), edgeToken('fc1', 0, 1)], [ty]]);
    expect(K.show(v)).toBe('y ∨ x[fc1,0,1] ∧ x[fc2,1,0]');
    expect(K.toLatex(v)).toBe('y \\lor x^{(fc1)}_{0,1} \\land x^{(fc2)}_{1,0}');
    expect(K.toLatex(K.zero)).toBe('\\bot');
    expect(K.toLatex(K.one)).toBe('\\top');
  });

  it('refuses a product over its limit before expanding it', () => {
    const small = posboolSemiring({ limit: 3 });
    const xy = small.plus(x, y);
    expect(() => small.times(xy, xy)).toThrow(LimitError);
  });
});
