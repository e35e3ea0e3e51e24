/**
 * Security (L ∪ {unavailable}, min, max, unavailable, lowest level): the clearance needed to see
 * a relevant path. Edges carry access levels ordered from least to most restrictive
 * (public < confidential < …); a path needs the most restrictive level along it (⊗ = max) and
 * the input is visible through its least restrictive path (⊕ = min). `unavailable`, above every
 * level, is "no path at all".
 *
 * idempotent: min(a, a) = a. absorptive: min(lowest, a) = lowest. commutative: yes. Exact.
 */
import { assertArgument } from '../core/errors.js';
import type { Semiring } from './semiring.js';

/** The zero of every security semiring: above all levels, visible to nobody. */
export const UNAVAILABLE = 'unavailable';

/** The security semiring over `levels`, given from least to most restrictive. */
export function security(levels: readonly string[]): Semiring<string> {
  assertArgument(levels.length > 0, 'security', () => 'give at least one access level');
  assertArgument(
    new Set(levels).size === levels.length,
    'security',
    () => `access levels must be distinct, got ${levels.join(', ')}`,
  );
  assertArgument(
    !levels.includes(UNAVAILABLE),
    'security',
    () => `"${UNAVAILABLE}" is the semiring's zero and cannot be a level`,
  );
  const rank = new Map<string, number>(levels.map((level, i) => [level, i]));
  rank.set(UNAVAILABLE, levels.length);
  const rankOf = (a: string): number => {
    const r = rank.get(a);
    assertArgument(r !== undefined, 'security', () => `"${a}" is not a level; levels: ${levels.join(', ')}`);
    return r;
  };
  return {
    name: 'security',
    zero: UNAVAILABLE,
    one: levels[0]!,
    plus: (a, b) => (rankOf(a) <= rankOf(b) ? a : b),
    times: (a, b) => (rankOf(a) >= rankOf(b) ? a : b),
    equals: (a, b) => a === b,
    show: (a) => a,
    idempotent: true,
    absorptive: true,
    commutative: true,
    toNumber: rankOf,
  };
}

/** The default levels of the registry's `security` semiring. */
export const DEFAULT_SECURITY_LEVELS = ['public', 'confidential', 'secret', 'top_secret'] as const;
