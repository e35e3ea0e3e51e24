/**
 * Sets of monomials in canonical form: distinct monomials sorted by a monomial order. The carrier
 * of 𝔹[X] (monomials with exponents), Why(X) and PosBool(X) (witness sets, exponents 1). With a
 * fixed order, equal sets have equal arrays, so equality is a linear scan of keys.
 */
import { assertWithinLimit } from './expansion-limit.js';
import type { Monomial } from './monomial.js';

/** Distinct monomials, sorted by the order of the semiring that holds them. */
export type MonomialSet = readonly Monomial[];

/** A total order on monomials (negative when the first comes first). */
export type MonomialOrder = (a: Monomial, b: Monomial) => number;

/** The set of `monomials` in canonical form: duplicates removed, sorted by `order`. */
export function monomialSetOf(monomials: Iterable<Monomial>, order: MonomialOrder): Monomial[] {
  const byKey = new Map<string, Monomial>();
  for (const m of monomials) byKey.set(m.key, m);
  return [...byKey.values()].sort(order);
}

/** a ∪ b: a merge of two sorted sets. */
export function monomialSetUnion(a: MonomialSet, b: MonomialSet, order: MonomialOrder): MonomialSet {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const out: Monomial[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    const c = x.key === y.key ? 0 : order(x, y);
    if (c <= 0) {
      out.push(x);
      i++;
      if (c === 0) j++;
    } else {
      out.push(y);
      j++;
    }
  }
  while (i < a.length) out.push(a[i++]!);
  while (j < b.length) out.push(b[j++]!);
  return out;
}

/**
 * { combine(x, y) : x ∈ a, y ∈ b } in canonical form. Throws a `LimitError` (at `where`) when
 * |a|·|b| exceeds `limit`, before combining anything.
 */
export function monomialSetProduct(
  a: MonomialSet,
  b: MonomialSet,
  combine: (x: Monomial, y: Monomial) => Monomial,
  order: MonomialOrder,
  where: string,
  limit: number,
): Monomial[] {
  if (a.length === 0 || b.length === 0) return [];
  assertWithinLimit(where, BigInt(a.length) * BigInt(b.length), limit);
  const byKey = new Map<string, Monomial>();
  for (const x of a)
    for (const y of b) {
      const m = combine(x, y);
      byKey.set(m.key, m);
    }
  return [...byKey.values()].sort(order);
}

/** Whether two canonical sets are equal. */
export function monomialSetEquals(a: MonomialSet, b: MonomialSet): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i]!.key !== b[i]!.key) return false;
  return true;
}
