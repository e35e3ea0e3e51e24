/**
 * The registry: semiring names (DESIGN.md 1b, ASCII snake_case) to semirings, in one place.
 * Names are looked up only here, at the boundary (CLI values, annotation specs); code inside
 * provlrp asks a semiring's flags, never its name.
 *
 * Two groups: the numeric semirings, whose values are numbers (or number-like: fractions, dual
 * numbers, levels), and the provenance semirings, whose values are symbolic: polynomials, sets of
 * witnesses, lineage, top-k lists. The registry holds both.
 */
import { withDisplay } from '../core/display.js';
import { NotFoundError } from '../core/errors.js';
import { boolPolynomial } from './bool-polynomial.js';
import { boolean } from './boolean.js';
import { counting } from './counting.js';
import { countingExact } from './counting-exact.js';
import { dual } from './dual.js';
import { fuzzy } from './fuzzy.js';
import { lineage } from './lineage.js';
import { lukasiewicz } from './lukasiewicz.js';
import { maxPlus } from './max-plus.js';
import { polynomial } from './polynomial.js';
import { posbool } from './posbool.js';
import { rational } from './rational.js';
import { real } from './real.js';
import { DEFAULT_SECURITY_LEVELS, security } from './security.js';
import { type Semiring, semiringBundle } from './semiring.js';
import { defaultTopK } from './top-k.js';
import { tropical } from './tropical.js';
import { viterbi } from './viterbi.js';
import { why } from './why.js';

// Every registered semiring's module is exported from here, beside its entry.
export * from './bool-polynomial.js';
export * from './boolean.js';
export * from './counting.js';
export * from './counting-exact.js';
export * from './dual.js';
export * from './fuzzy.js';
export * from './lineage.js';
export * from './lukasiewicz.js';
export * from './max-plus.js';
export * from './polynomial.js';
export * from './posbool.js';
export * from './rational.js';
export * from './real.js';
export * from './security.js';
export * from './top-k.js';
export * from './tropical.js';
export * from './viterbi.js';
export * from './why.js';

/** The numeric semirings by registry name. */
export const NUMERIC_SEMIRINGS = {
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

/** The provenance (symbolic) semirings by registry name; `top_k` keeps `DEFAULT_TOP_K` entries. */
export const PROVENANCE_SEMIRINGS = {
  polynomial,
  bool_polynomial: boolPolynomial,
  why,
  posbool,
  lineage,
  top_k: defaultTopK,
} as const;

/** Every built-in semiring by its registry name. */
export const SEMIRINGS = { ...NUMERIC_SEMIRINGS, ...PROVENANCE_SEMIRINGS } as const;

// Every registered semiring displays in notebooks as a user's own does (defineSemiring).
for (const K of Object.values(SEMIRINGS)) withDisplay(K as Semiring<unknown>, semiringBundle);

/** A registry name. */
export type SemiringName = keyof typeof SEMIRINGS;

/** The registry name of a numeric semiring. */
export type NumericSemiringName = keyof typeof NUMERIC_SEMIRINGS;

/** The registry name of a provenance semiring. */
export type ProvenanceSemiringName = keyof typeof PROVENANCE_SEMIRINGS;

/** The carrier type of the semiring registered as `N`. */
export type SemiringValue<N extends SemiringName> =
  (typeof SEMIRINGS)[N] extends Semiring<infer T> ? T : never;

/** The names in the registry, in their listed order (numeric first). */
export const SEMIRING_NAMES = Object.keys(SEMIRINGS) as SemiringName[];

/** The names of the numeric semirings, in their listed order. */
export const NUMERIC_SEMIRING_NAMES = Object.keys(NUMERIC_SEMIRINGS) as NumericSemiringName[];

/** The names of the provenance semirings, in their listed order. */
export const PROVENANCE_SEMIRING_NAMES = Object.keys(PROVENANCE_SEMIRINGS) as ProvenanceSemiringName[];

/** Whether `name` is a registry name. */
export const isSemiringName = (name: string): name is SemiringName => Object.hasOwn(SEMIRINGS, name);

/** The semiring registered as `name`; a `NotFoundError` listing the known names otherwise. */
export function semiringByName(name: string): Semiring<unknown> {
  if (!isSemiringName(name)) throw new NotFoundError('semiring', name, SEMIRING_NAMES);
  return SEMIRINGS[name] as Semiring<unknown>;
}
