/**
 * Tolerant comparison of floating-point carrier values, shared by every floating semiring.
 *
 * Two results of the same law may differ by rounding in proportion to the largest magnitude that
 * took part in computing them, not to the results themselves: (1e12 + 1) − 1e12 is 1 up to an
 * error near 1e-4. So the tolerance scales with the whole context.
 */

/**
 * `a` equals `b` up to `rtol` times the largest finite magnitude among `a`, `b` and `context`.
 * Infinities are equal only to themselves; NaN equals nothing.
 */
export function closeInContext(a: number, b: number, context: Iterable<number>, rtol: number): boolean {
  if (a === b) return true;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  let scale = Math.max(Math.abs(a), Math.abs(b));
  for (const c of context) if (Number.isFinite(c) && Math.abs(c) > scale) scale = Math.abs(c);
  return Math.abs(a - b) <= rtol * scale;
}

/** `approxEquals` for a semiring whose carrier is a plain number. */
export const approxNumber = (a: number, b: number, context: readonly number[], rtol: number): boolean =>
  closeInContext(a, b, context, rtol);
