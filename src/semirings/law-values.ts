/**
 * Random carrier values for the law checker, one generator per registered semiring, and
 * `lawValuesOf`: the values a semiring's laws are checked on (`trace.relevance({ checkLaws: true })`,
 * the CLI's semiring files). A semiring may declare its own (`Semiring.values`, as semirings
 * defined from formulas do); the registry's other semirings have theirs here.
 */
import fc from 'fast-check';
import { InvalidArgumentError } from '../core/errors.js';
import {
  bigCounts,
  countingValues,
  duals,
  finiteReals,
  fractions,
  maxPlusValues,
  securityLevels,
  tropicalValues,
  unitInterval,
} from './arbitraries.js';
import {
  boolPolynomials,
  lineages,
  polynomials,
  posboolValues,
  topKLists,
  whyValues,
} from './provenance-arbitraries.js';
import { isSemiringName, SEMIRINGS, type SemiringName, type SemiringValue } from './registry.js';
import type { Semiring } from './semiring.js';

/**
 * The generator of each registered semiring's carrier values, for those that do not declare
 * their own (`Semiring.values`); the laws test checks that every registered semiring has one.
 */
export const LAW_VALUES: { readonly [N in SemiringName]?: () => fc.Arbitrary<SemiringValue<N>> } = {
  real: finiteReals,
  rational: fractions,
  boolean: () => fc.boolean(),
  counting: countingValues,
  counting_exact: bigCounts,
  viterbi: unitInterval,
  tropical: tropicalValues,
  max_plus: maxPlusValues,
  fuzzy: unitInterval,
  lukasiewicz: unitInterval,
  security: () => securityLevels(),
  dual: duals,
  polynomial: polynomials,
  bool_polynomial: boolPolynomials,
  why: whyValues,
  posbool: posboolValues,
  lineage: lineages,
  top_k: () => topKLists(),
};

/** The values to check `K`'s laws on: its own, or the registry's for a registered semiring. */
export function lawValuesOf<T>(K: Semiring<T>): fc.Arbitrary<T> {
  if (K.values) return K.values();
  const registered =
    isSemiringName(K.name) && SEMIRINGS[K.name] === (K as unknown) ? LAW_VALUES[K.name] : undefined;
  if (registered) return registered() as unknown as fc.Arbitrary<T>;
  throw new InvalidArgumentError(
    'checkLaws',
    `semiring ${K.name} declares no carrier values; give it values(), pass checkLaws an fc.Arbitrary ` +
      'of its values, or check it with checkSemiringLaws',
  );
}
