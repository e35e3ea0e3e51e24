/**
 * The registry: semiring names (DESIGN.md 1b, ASCII snake_case) to semirings, in one place.
 * Names are looked up only here, at the boundary (CLI values, annotation specs); code inside
 * provlrp asks a semiring's flags, never its name.
 */
import { NotFoundError } from '../core/errors.js';
import { boolean } from './boolean.js';
import { counting } from './counting.js';
import { countingExact } from './counting-exact.js';
import { dual } from './dual.js';
import { fuzzy } from './fuzzy.js';
import { lukasiewicz } from './lukasiewicz.js';
import { maxPlus } from './max-plus.js';
import { rational } from './rational.js';
import { real } from './real.js';
import { DEFAULT_SECURITY_LEVELS, security } from './security.js';
import type { Semiring } from './semiring.js';
import { tropical } from './tropical.js';
import { viterbi } from './viterbi.js';

/** Every built-in semiring by its registry name. */
export const SEMIRINGS = {
  real,
  rational,
  boolean,
  counting,
  counting_exact: countingExact,
  viterbi,
  tropical,
  max_plus: maxPlus,
  fuzzy,
  lukasiewicz,
  security: security(DEFAULT_SECURITY_LEVELS),
  dual,
} as const;

/** A registry name. */
export type SemiringName = keyof typeof SEMIRINGS;

/** The carrier type of the semiring registered as `N`. */
export type SemiringValue<N extends SemiringName> =
  (typeof SEMIRINGS)[N] extends Semiring<infer T> ? T : never;

/** The names in the registry, in their listed order. */
export const SEMIRING_NAMES = Object.keys(SEMIRINGS) as SemiringName[];

/** Whether `name` is a registry name. */
export const isSemiringName = (name: string): name is SemiringName => Object.hasOwn(SEMIRINGS, name);

/** The semiring registered as `name`; a `NotFoundError` listing the known names otherwise. */
export function semiringByName(name: string): Semiring<unknown> {
  if (!isSemiringName(name)) throw new NotFoundError('semiring', name, SEMIRING_NAMES);
  return SEMIRINGS[name] as Semiring<unknown>;
}
